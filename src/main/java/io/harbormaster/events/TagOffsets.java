package io.harbormaster.events;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * How far a reader of the journal got in each tag, in pekko-projection-cassandra's offset_store
 * table (persistence/cql/003) and format (a time-based UUID, manifest "TBU"), so the readers can
 * move to Pekko Projections unchanged once a release of it fits the project's Pekko version.
 */
public final class TagOffsets {
  private static final String MANIFEST = "TBU";
  private final CassandraSession session;
  private final String keyspace;

  public TagOffsets(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public CompletionStage<Optional<UUID>> read(String reader, String tag) {
    return session
        .selectOne(
            "SELECT offset FROM "
                + keyspace
                + ".offset_store WHERE projection_name = ? AND "
                + "partition = 0 AND projection_key = ?",
            reader,
            tag)
        .thenApply(row -> row.map(r -> UUID.fromString(r.getString("offset"))));
  }

  public CompletionStage<Done> save(String reader, String tag, UUID offset) {
    return session.executeWrite(
        "INSERT INTO "
            + keyspace
            + ".offset_store (projection_name, partition, "
            + "projection_key, offset, manifest, last_updated) VALUES (?, 0, ?, ?, ?, toTimestamp(now()))",
        reader,
        tag,
        offset.toString(),
        MANIFEST);
  }
}
