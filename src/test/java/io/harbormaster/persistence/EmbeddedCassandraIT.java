package io.harbormaster.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.SharedCassandra;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Cassandra 5.0 in a child JVM: start, schema, a journal row, stop, restart, a crashed run's
 * leftover.
 */
class EmbeddedCassandraIT {

  private static final Path HOME = ProjectHome.path();
  private static final Path CQL_DIR = HOME.resolve("persistence/cql");
  private static final String PERSISTENCE_ID = "Task|it-" + UUID.randomUUID();

  @Test
  void keepsItsDataAcrossRestarts_andStopsALeftoverNodeOnTheSameDataDir(@TempDir Path dataDir)
      throws Exception {
    CassandraSettings settings =
        CassandraSettings.local(dataDir, FreePorts.pick(), FreePorts.pick());

    EmbeddedCassandra first =
        timed("first start (empty data dir)", () -> EmbeddedCassandra.start(HOME, settings));
    long firstPid = first.pid();
    assertEquals(Long.toString(firstPid), Files.readString(dataDir.resolve("cassandra.pid")));
    try (CqlSession session = first.openSession()) {
      assertFalse(CassandraSchema.isApplied(session));
      timed(
          "schema apply",
          () -> {
            CassandraSchema.apply(session, CQL_DIR);
            return null;
          });
      assertTrue(CassandraSchema.isApplied(session));
      insertEvent(session, "task started");
    }
    timed(
        "close",
        () -> {
          first.close();
          return null;
        });
    assertFalse(Await.alive(firstPid), "first node still running");
    assertFalse(Files.exists(dataDir.resolve("cassandra.pid")));

    EmbeddedCassandra second =
        timed("restart (same data dir)", () -> EmbeddedCassandra.start(HOME, settings));
    try (CqlSession session = second.openSession()) {
      assertEquals("task started", readEvent(session));
      CassandraSchema.apply(session, CQL_DIR); // idempotent on an existing schema
      assertTrue(CassandraSchema.isApplied(session));
    }

    // A run that crashed without close(): the next start on the same data dir stops its node first.
    long leftoverPid = second.pid();
    try (EmbeddedCassandra third =
        timed("start over a leftover node", () -> EmbeddedCassandra.start(HOME, settings))) {
      assertFalse(Await.alive(leftoverPid), "leftover node still running");
      try (CqlSession session = third.openSession()) {
        assertEquals("task started", readEvent(session));
      }
    }
  }

  @Test
  void sharedCassandraComesWithTheSchema() {
    try (CqlSession session = SharedCassandra.openSession()) {
      assertTrue(CassandraSchema.isApplied(session));
      assertEquals(SharedCassandra.nativePort(), SharedCassandra.contactPoint().getPort());
      insertEvent(session, "shared");
      assertEquals("shared", readEvent(session));
    }
  }

  /**
   * One journal row laid out as pekko-persistence-cassandra writes it (partition 0, sequence number
   * 1).
   */
  private static void insertEvent(CqlSession session, String payload) {
    session.execute(
        SimpleStatement.newInstance(
            """
        INSERT INTO harbormaster.messages
          (persistence_id, partition_nr, sequence_nr, timestamp, timebucket, writer_uuid,
           ser_id, ser_manifest, event_manifest, event, tags)
        VALUES (?, 0, 1, ?, '20250101T00', ?, 33, 'TaskStarted', '', ?, {'task'})""",
            PERSISTENCE_ID,
            Uuids.timeBased(),
            UUID.randomUUID().toString(),
            ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))));
  }

  private static String readEvent(CqlSession session) {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT event FROM harbormaster.messages WHERE persistence_id = ? AND partition_nr = 0 AND sequence_nr = 1",
                    PERSISTENCE_ID))
            .one();
    assertNotNull(row, "no journal row for " + PERSISTENCE_ID);
    return StandardCharsets.UTF_8.decode(row.getByteBuffer("event")).toString();
  }

  private interface Step<T> {
    T run() throws Exception;
  }

  /**
   * Prints how long a step took: start and stop times are what this fixture costs every test run.
   */
  private static <T> T timed(String what, Step<T> step) throws Exception {
    long start = System.nanoTime();
    T result = step.run();
    System.out.printf(
        "EmbeddedCassandraIT: %s took %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
    return result;
  }
}
