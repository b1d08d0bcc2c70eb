package io.harbormaster.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pins the defaults: changing one is a decision, not an accident. */
class CassandraSettingsTest {

  @Test
  void localDefaults() {
    CassandraSettings settings =
        CassandraSettings.local(Path.of("/var/lib/harbormaster/cassandra"), 9042, 7000);
    assertEquals(
        new CassandraSettings(
            "127.0.0.1",
            9042,
            7000,
            Path.of("/var/lib/harbormaster/cassandra"),
            "1G",
            Duration.ofMinutes(2)),
        settings);
  }

  @Test
  void dataDirIsMadeAbsolute() {
    CassandraSettings settings = CassandraSettings.local(Path.of("target/x/../db"), 9042, 7000);
    assertEquals(Path.of("target/db").toAbsolutePath(), settings.dataDir());
  }

  @Test
  void rejectsNonsense() {
    Path dir = Path.of("/tmp/db");
    assertThrows(IllegalArgumentException.class, () -> CassandraSettings.local(dir, 9042, 9042));
    assertThrows(IllegalArgumentException.class, () -> CassandraSettings.local(dir, 0, 7000));
    assertThrows(
        IllegalArgumentException.class,
        () -> CassandraSettings.local(dir, 9042, 7000).withHeap("lots"));
    assertThrows(
        IllegalArgumentException.class,
        () -> CassandraSettings.local(dir, 9042, 7000).withStartTimeout(Duration.ZERO));
  }
}
