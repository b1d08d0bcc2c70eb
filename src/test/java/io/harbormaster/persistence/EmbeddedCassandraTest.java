package io.harbormaster.persistence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.ProjectHome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of EmbeddedCassandra that need no Cassandra. */
class EmbeddedCassandraTest {

  @Test
  void rendersTheCheckedInTemplate_withEveryPlaceholderFilled(@TempDir Path dataDir)
      throws Exception {
    CassandraSettings settings = CassandraSettings.local(dataDir, 19042, 17000);
    Path rendered =
        EmbeddedCassandra.renderConfig(ProjectHome.resolve("persistence/cassandra.yaml"), settings);

    String yaml = Files.readString(rendered);
    assertTrue(rendered.startsWith(dataDir));
    assertFalse(yaml.contains("${"), yaml);
    assertTrue(yaml.contains("native_transport_port: 19042"), yaml);
    assertTrue(yaml.contains("storage_port: 17000"), yaml);
    assertTrue(yaml.contains("- seeds: \"127.0.0.1:17000\""), yaml);
    assertTrue(yaml.contains("listen_address: 127.0.0.1"), yaml);
    assertTrue(yaml.contains("commitlog_directory: " + dataDir + "/commitlog"), yaml);
    assertTrue(yaml.contains("storage_compatibility_mode: NONE"), yaml);
  }

  @Test
  void rejectsAnUnknownPlaceholder(@TempDir Path dir) throws Exception {
    Path template = Files.writeString(dir.resolve("template.yaml"), "jmx_port: ${jmx_port}\n");
    CassandraSettings settings = CassandraSettings.local(dir, 19042, 17000);
    assertThrows(
        IllegalStateException.class, () -> EmbeddedCassandra.renderConfig(template, settings));
  }
}
