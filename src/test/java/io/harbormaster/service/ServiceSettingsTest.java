package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pins the defaults: changing one is a decision, not an accident. */
class ServiceSettingsTest {

  @Test
  void defaults() {
    ServiceSettings settings =
        ServiceSettings.from(ConfigFactory.parseResources("harbormaster.conf").resolve());
    assertEquals(
        new ServiceSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(3),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5)),
        settings);
  }

  @Test
  void eachCanBeSetOnItsOwn() {
    ServiceSettings settings =
        ServiceSettings.from(
            ConfigFactory.parseString("harbormaster.service.lost-host-timeout = 20s")
                .withFallback(ConfigFactory.parseResources("harbormaster.conf"))
                .resolve());
    assertEquals(Duration.ofSeconds(20), settings.lostHostTimeout());
    assertEquals(Duration.ofSeconds(10), settings.reconcileInterval());
  }
}
