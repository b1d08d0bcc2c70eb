package io.harbormaster.events.hooks;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Deliveries that failed every attempt, per rule, in the order they failed
 * (persistence/cql/004-event-hooks.cql).
 */
public final class DeadLetters {
  private final CassandraSession session;
  private final String keyspace;

  public record DeadLetter(
      String accountId,
      String ruleName,
      UUID deadAt,
      String eventId,
      String resource,
      long version,
      String body,
      int attempts,
      String lastError) {
    public Instant deadAtInstant() {
      return Instant.ofEpochMilli(Uuids.unixTimestamp(deadAt));
    }
  }

  public DeadLetters(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public CompletionStage<Done> add(
      HookRule rule,
      String eventId,
      String resource,
      long version,
      String body,
      int attempts,
      String lastError) {
    return session.executeWrite(
        "INSERT INTO "
            + keyspace
            + ".hook_dead_letters (account_id, rule_name, dead_at, "
            + "event_id, resource, version, body, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rule.accountId(),
        rule.name(),
        Uuids.timeBased(),
        eventId,
        resource,
        version,
        body,
        attempts,
        lastError);
  }

  /** Oldest first; {@code after} (exclusive) pages on. */
  public CompletionStage<List<DeadLetter>> list(
      String accountId, String ruleName, UUID after, int limit) {
    return (after == null
            ? session.selectAll(
                "SELECT * FROM "
                    + keyspace
                    + ".hook_dead_letters WHERE account_id = ? AND rule_name = ? "
                    + "LIMIT "
                    + limit,
                accountId,
                ruleName)
            : session.selectAll(
                "SELECT * FROM "
                    + keyspace
                    + ".hook_dead_letters WHERE account_id = ? AND rule_name = ? "
                    + "AND dead_at > ? LIMIT "
                    + limit,
                accountId,
                ruleName,
                after))
        .thenApply(rows -> rows.stream().map(DeadLetters::deadLetter).toList());
  }

  public CompletionStage<Done> remove(DeadLetter d) {
    return session.executeWrite(
        "DELETE FROM "
            + keyspace
            + ".hook_dead_letters WHERE account_id = ? AND "
            + "rule_name = ? AND dead_at = ? AND event_id = ?",
        d.accountId(),
        d.ruleName(),
        d.deadAt(),
        d.eventId());
  }

  public CompletionStage<Done> removeAll(String accountId, String ruleName) {
    return session.executeWrite(
        "DELETE FROM "
            + keyspace
            + ".hook_dead_letters WHERE account_id = ? AND "
            + "rule_name = ?",
        accountId,
        ruleName);
  }

  private static DeadLetter deadLetter(Row r) {
    return new DeadLetter(
        r.getString("account_id"),
        r.getString("rule_name"),
        r.getUuid("dead_at"),
        r.getString("event_id"),
        r.getString("resource"),
        r.getLong("version"),
        r.getString("body"),
        r.getInt("attempts"),
        r.getString("last_error"));
  }
}
