package io.harbormaster.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogsSettingsTest {
  @Test
  void defaults() {
    assertEquals(
        new LogsSettings(Duration.ofSeconds(5), 1000, 100_000, 4),
        LogsSettings.from(ConfigFactory.load()));
  }
}
