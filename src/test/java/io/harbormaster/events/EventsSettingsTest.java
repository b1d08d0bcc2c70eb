package io.harbormaster.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventsSettingsTest {
  @Test
  void defaults() {
    EventsSettings s = EventsSettings.from(ConfigFactory.load());
    assertEquals(
        new EventsSettings(
            20000,
            Duration.ofSeconds(15),
            100,
            Duration.ofHours(1),
            16,
            new EventsSettings.Hooks(
                true,
                5,
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                16,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10))),
        s);
  }
}
