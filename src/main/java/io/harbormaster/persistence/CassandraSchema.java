package io.harbormaster.persistence;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checked-in CQL schema ({@code persistence/cql/*.cql}) and how it is applied. The application
 * applies it itself instead of letting pekko-persistence-cassandra auto-create keyspaces and
 * tables, which that plugin's documentation reserves for development.
 */
public final class CassandraSchema {

  public static final String JOURNAL_KEYSPACE = "harbormaster";
  public static final String SNAPSHOT_KEYSPACE = "harbormaster_snapshot";

  /** Every table the schema creates, by keyspace; {@link #isApplied} checks for exactly these. */
  public static final Map<String, Set<String>> TABLES =
      Map.of(
          JOURNAL_KEYSPACE,
              Set.of(
                  // pekko-persistence-cassandra journal and events-by-tag
                  "messages",
                  "tag_views",
                  "tag_write_progress",
                  "tag_scanning",
                  "metadata",
                  "all_persistence_ids",
                  // pekko-projection-cassandra offset store
                  "offset_store",
                  "projection_management",
                  // webhook rules and dead letters (io.harbormaster.events.hooks)
                  "hook_rules",
                  "hook_dead_letters",
                  // per-account retention of finished resources' history
                  // (io.harbormaster.events.retention)
                  "event_retention",
                  // which Pekko cluster may write the journal, and its members
                  // (io.harbormaster.server.ClusterFormation)
                  "control_plane_lease",
                  "control_plane_members",
                  // secrets the installation generated once, shared by its nodes
                  // (io.harbormaster.server.InstallationSecrets)
                  "installation_secrets",
                  // every API call (io.harbormaster.audit.AuditTrail)
                  "audit_events",
                  // container log groups, streams and events (io.harbormaster.logs)
                  "log_groups",
                  "log_streams",
                  "log_events",
                  // the fingerprint of the schema applied last (applyIfChanged)
                  "schema_version"),
          SNAPSHOT_KEYSPACE, Set.of("snapshots"));

  /** DDL on a node that shares two cores with the application can exceed the 2 s default. */
  static final Duration DDL_TIMEOUT = Duration.ofSeconds(20);

  private CassandraSchema() {}

  /**
   * Driver settings for a session that runs DDL: the driver's defaults plus two changes, and
   * nothing from application.conf (its contact points and reconnect-on-init are for the
   * application's session).
   */
  public static DriverConfigLoader schemaDriverConfig() {
    OptionsMap options = OptionsMap.driverDefaults();
    // The driver waits for schema events to settle after each change; with the default 1 s window
    // every DDL statement costs about a second.
    options.put(TypedDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10));
    options.put(TypedDriverOption.REQUEST_TIMEOUT, DDL_TIMEOUT);
    return DriverConfigLoader.fromMap(options);
  }

  /** Runs every statement of every {@code *.cql} file in {@code cqlDir}, files in name order. */
  public static void apply(CqlSession session, Path cqlDir) {
    for (String statement : statements(cqlDir)) {
      session.execute(SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT));
    }
  }

  /**
   * Applies the schema unless the stored fingerprint matches these files: a node start on an
   * unchanged schema costs one read, while a new or changed statement is applied (every statement
   * is idempotent) at the next start.
   *
   * @return whether it applied the statements
   */
  public static boolean applyIfChanged(CqlSession session, Path cqlDir) {
    List<String> statements = statements(cqlDir);
    String fingerprint = fingerprint(statements);
    if (fingerprint.equals(appliedFingerprint(session).orElse(null))) {
      return false;
    }
    for (String statement : statements) {
      executeIdempotent(session, SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT));
    }
    executeIdempotent(
        session,
        SimpleStatement.newInstance(
            "INSERT INTO "
                + JOURNAL_KEYSPACE
                + ".schema_version (name, ddl_sha256, applied_at) VALUES (?, ?, toTimestamp(now()))",
            SCHEMA_VERSION_ROW,
            fingerprint));
    return true;
  }

  private static final String SCHEMA_VERSION_ROW = "harbormaster";

  /**
   * A start right after Cassandra's own, on a loaded machine, can find the session's one connection
   * being re-opened (seen once with the load average at 21): the statement is sent again, a few
   * times, since every schema statement is idempotent.
   */
  private static void executeIdempotent(CqlSession session, SimpleStatement statement) {
    for (int attempt = 1; ; attempt++) {
      try {
        session.execute(statement);
        return;
      } catch (AllNodesFailedException noConnection) {
        if (attempt == 5) throw noConnection;
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw noConnection;
        }
      }
    }
  }

  /** The fingerprint stored by the last {@link #applyIfChanged}; empty on a new installation. */
  static Optional<String> appliedFingerprint(CqlSession session) {
    boolean tableExists =
        session
                .execute(
                    SimpleStatement.newInstance(
                        "SELECT table_name FROM system_schema.tables"
                            + " WHERE keyspace_name = ? AND table_name = 'schema_version'",
                        JOURNAL_KEYSPACE))
                .one()
            != null;
    if (!tableExists) {
      return Optional.empty();
    }
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT ddl_sha256 FROM " + JOURNAL_KEYSPACE + ".schema_version WHERE name = ?",
                    SCHEMA_VERSION_ROW))
            .one();
    return Optional.ofNullable(row).map(r -> r.getString("ddl_sha256"));
  }

  /** SHA-256 (hex) of the statements as parsed: comments and blank lines do not count. */
  static String fingerprint(List<String> statements) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (String statement : statements) {
        sha256.update(statement.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Whether every table of {@link #TABLES} exists. Reads system_schema, not the driver's cached
   * metadata.
   */
  public static boolean isApplied(CqlSession session) {
    for (Map.Entry<String, Set<String>> keyspace : TABLES.entrySet()) {
      Set<String> present = new HashSet<>();
      for (Row row :
          session.execute(
              SimpleStatement.newInstance(
                  "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                  keyspace.getKey()))) {
        present.add(row.getString("table_name"));
      }
      if (!present.containsAll(keyspace.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The statements of all {@code *.cql} files in {@code cqlDir}, files in name order. */
  public static List<String> statements(Path cqlDir) {
    List<String> statements = new ArrayList<>();
    for (Path file : cqlFiles(cqlDir)) {
      try {
        statements.addAll(parse(Files.readString(file)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return statements;
  }

  static List<Path> cqlFiles(Path cqlDir) {
    try (Stream<Path> files = Files.list(cqlDir)) {
      List<Path> cql =
          files.filter(f -> f.getFileName().toString().endsWith(".cql")).sorted().toList();
      if (cql.isEmpty()) {
        throw new IllegalArgumentException("no *.cql files in " + cqlDir);
      }
      return cql;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + cqlDir, e);
    }
  }

  /**
   * Splits a CQL script into statements. Deliberately simple, matching how the files are written: a
   * statement ends with ';' at the end of a line and comments are whole lines starting with "--".
   * (A ';' inside a string literal at a line end would split wrongly; the schema has none.)
   */
  static List<String> parse(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(current.isEmpty() ? "" : "\n").append(line.stripTrailing());
      if (trimmed.endsWith(";")) {
        current.setLength(current.length() - 1);
        statements.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalArgumentException("statement without a closing ';': " + current);
    }
    return statements;
  }
}
