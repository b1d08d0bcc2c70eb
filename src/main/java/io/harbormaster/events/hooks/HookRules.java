package io.harbormaster.events.hooks;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The webhook rules, per account, in Cassandra (persistence/cql/004-event-hooks.cql). */
public final class HookRules {
  private final CassandraSession session;
  private final String keyspace;

  public HookRules(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public CompletionStage<Done> put(HookRule rule) {
    return session.executeWrite(
        "INSERT INTO "
            + keyspace
            + ".hook_rules (account_id, name, pattern, target_url, "
            + "secret, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        rule.accountId(),
        rule.name(),
        rule.pattern(),
        rule.targetUrl(),
        rule.secret(),
        rule.createdAt());
  }

  public CompletionStage<Optional<HookRule>> find(String accountId, String name) {
    return session
        .selectOne(
            "SELECT * FROM " + keyspace + ".hook_rules WHERE account_id = ? AND name = ?",
            accountId,
            name)
        .thenApply(row -> row.map(HookRules::rule));
  }

  public CompletionStage<List<HookRule>> list(String accountId) {
    return session
        .selectAll("SELECT * FROM " + keyspace + ".hook_rules WHERE account_id = ?", accountId)
        .thenApply(rows -> rows.stream().map(HookRules::rule).toList());
  }

  public CompletionStage<Done> delete(String accountId, String name) {
    return session.executeWrite(
        "DELETE FROM " + keyspace + ".hook_rules WHERE account_id = ? AND name = ?",
        accountId,
        name);
  }

  /** Every account's rules: the dispatchers match events against all of them. */
  public CompletionStage<List<HookRule>> all() {
    return session
        .selectAll("SELECT * FROM " + keyspace + ".hook_rules")
        .thenApply(rows -> rows.stream().map(HookRules::rule).toList());
  }

  private static HookRule rule(Row r) {
    Instant created = r.getInstant("created_at");
    return new HookRule(
        r.getString("account_id"),
        r.getString("name"),
        r.getString("pattern"),
        r.getString("target_url"),
        r.getString("secret"),
        created);
  }
}
