package io.harbormaster.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.ProjectHome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The checked-in schema, without a Cassandra. The tables are listed here by hand: the plugin's own
 * generator (KeyspaceAndTableStatements) needs a running ActorSystem, which a unit test should not
 * start for this.
 */
class CassandraSchemaTest {

  private static final Path CQL_DIR = ProjectHome.resolve("persistence/cql");

  /**
   * Every table pekko-persistence-cassandra 1.1.0 (journal, events-by-tag, snapshots) and
   * pekko-projection-cassandra (offset store) read or write, with its primary key. The key cannot
   * be altered once a table exists, so a difference here means data written by the wrong layout.
   */
  private static final Map<String, String> REQUIRED_TABLES =
      Map.ofEntries(
          Map.entry(
              "harbormaster.messages", "((persistence_id,partition_nr),sequence_nr,timestamp)"),
          Map.entry(
              "harbormaster.tag_views",
              "((tag_name,timebucket),timestamp,persistence_id,tag_pid_sequence_nr)"),
          Map.entry("harbormaster.tag_write_progress", "(persistence_id,tag)"),
          Map.entry("harbormaster.tag_scanning", "(persistence_id)"),
          Map.entry("harbormaster.metadata", "(persistence_id)"),
          Map.entry("harbormaster.all_persistence_ids", "(persistence_id)"),
          Map.entry("harbormaster_snapshot.snapshots", "(persistence_id,sequence_nr)"),
          Map.entry("harbormaster.offset_store", "((projection_name,partition),projection_key)"),
          Map.entry(
              "harbormaster.projection_management", "((projection_name,partition),projection_key)"),
          Map.entry("harbormaster.hook_rules", "(account_id,name)"),
          Map.entry("harbormaster.hook_dead_letters", "((account_id,rule_name),dead_at,event_id)"),
          Map.entry("harbormaster.event_retention", "(account_id)"),
          Map.entry("harbormaster.control_plane_lease", "(installation)"),
          Map.entry("harbormaster.control_plane_members", "(installation,address)"),
          Map.entry("harbormaster.installation_secrets", "(name)"),
          Map.entry("harbormaster.audit_events", "((account_id,day),event_time,event_id)"),
          Map.entry("harbormaster.log_groups", "(account_id,log_group)"),
          Map.entry("harbormaster.log_streams", "((account_id,log_group),log_stream)"),
          Map.entry(
              "harbormaster.log_events", "((account_id,log_group,log_stream),event_ns,ordinal)"),
          Map.entry("harbormaster.schema_version", "(name)"));

  private static final Pattern CREATE_KEYSPACE =
      Pattern.compile(
          "CREATE KEYSPACE IF NOT EXISTS (\\w+)\\s+WITH REPLICATION = \\{(.*)}", Pattern.DOTALL);
  private static final Pattern CREATE_TABLE =
      Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+\\.\\w+)\\s*\\((.*)", Pattern.DOTALL);
  private static final Pattern INLINE_KEY = Pattern.compile("(\\w+) \\w+ PRIMARY KEY");

  @Test
  void createsEveryTableThePluginsNeed_withTheirPrimaryKeys() {
    assertEquals(
        new TreeMap<>(REQUIRED_TABLES), tablesWithPrimaryKeys(CassandraSchema.statements(CQL_DIR)));
  }

  @Test
  void isAppliedChecksExactlyTheTablesTheFilesCreate() {
    Set<String> checked = new TreeSet<>();
    CassandraSchema.TABLES.forEach(
        (keyspace, tables) -> tables.forEach(t -> checked.add(keyspace + "." + t)));
    assertEquals(new TreeSet<>(REQUIRED_TABLES.keySet()), checked);
  }

  @Test
  void keyspacesUseSimpleStrategyWithOneReplica_andComeBeforeTheirTables() {
    List<String> statements = CassandraSchema.statements(CQL_DIR);
    Map<String, Integer> keyspaceAt = new LinkedHashMap<>();
    for (int i = 0; i < statements.size(); i++) {
      Matcher keyspace = CREATE_KEYSPACE.matcher(statements.get(i));
      if (keyspace.matches()) {
        assertEquals(
            "'class':'SimpleStrategy','replication_factor':1",
            keyspace.group(2).replaceAll("\\s", ""),
            statements.get(i));
        keyspaceAt.put(keyspace.group(1), i);
      }
    }
    assertEquals(
        Set.of(CassandraSchema.JOURNAL_KEYSPACE, CassandraSchema.SNAPSHOT_KEYSPACE),
        keyspaceAt.keySet());
    for (int i = 0; i < statements.size(); i++) {
      Matcher table = CREATE_TABLE.matcher(statements.get(i));
      if (table.matches()) {
        String keyspace = table.group(1).substring(0, table.group(1).indexOf('.'));
        assertTrue(
            keyspaceAt.get(keyspace) < i,
            "keyspace " + keyspace + " is created after " + table.group(1));
      }
    }
  }

  @Test
  void fingerprintChangesWithAStatementButNotWithCommentsOrBlankLines() {
    List<String> statements = CassandraSchema.statements(CQL_DIR);
    String fingerprint = CassandraSchema.fingerprint(statements);
    assertEquals(64, fingerprint.length());
    assertEquals(
        fingerprint,
        CassandraSchema.fingerprint(
            CassandraSchema.parse(
                "-- a comment\n\n" + String.join(";\n\n-- another\n", statements) + ";\n")));
    List<String> changed = new java.util.ArrayList<>(statements);
    changed.add("CREATE TABLE IF NOT EXISTS harbormaster.extra (id text PRIMARY KEY)");
    assertNotEquals(fingerprint, CassandraSchema.fingerprint(changed));
  }

  @Test
  void everyStatementIsIdempotent() {
    for (String statement : CassandraSchema.statements(CQL_DIR)) {
      assertTrue(statement.matches("(?s)CREATE (KEYSPACE|TABLE) IF NOT EXISTS .*"), statement);
    }
  }

  @Test
  void filesAreAppliedInNameOrder() {
    List<String> names =
        CassandraSchema.cqlFiles(CQL_DIR).stream().map(f -> f.getFileName().toString()).toList();
    assertEquals(names.stream().sorted().toList(), names);
    assertEquals("001-keyspaces-and-journal.cql", names.get(0));
  }

  @Test
  void parse_skipsCommentLines_andJoinsMultiLineStatements() {
    String script =
        """
        -- a comment; with a semicolon;
        CREATE TABLE IF NOT EXISTS ks.t (
          -- inside a statement
          id text PRIMARY KEY);

          CREATE KEYSPACE IF NOT EXISTS ks WITH REPLICATION = { 'class' : 'SimpleStrategy' };
        """;
    assertEquals(
        List.of(
            "CREATE TABLE IF NOT EXISTS ks.t (\n  id text PRIMARY KEY)",
            "CREATE KEYSPACE IF NOT EXISTS ks WITH REPLICATION = { 'class' : 'SimpleStrategy' }"),
        CassandraSchema.parse(script));
  }

  @Test
  void parse_rejectsAStatementWithoutSemicolon() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CassandraSchema.parse("CREATE TABLE ks.t (id text PRIMARY KEY)"));
  }

  /**
   * "keyspace.table" → primary key without spaces, an inline "col type PRIMARY KEY" written as
   * "(col)".
   */
  private static Map<String, String> tablesWithPrimaryKeys(List<String> statements) {
    Map<String, String> tables = new TreeMap<>();
    for (String statement : statements) {
      Matcher table = CREATE_TABLE.matcher(statement);
      if (!table.matches()) {
        continue;
      }
      String body = table.group(2);
      int key = body.indexOf("PRIMARY KEY (");
      Matcher inline = INLINE_KEY.matcher(body);
      String primaryKey =
          key >= 0
              ? balancedParentheses(body, key + "PRIMARY KEY ".length())
              : inline.find() ? "(" + inline.group(1) + ")" : "none";
      tables.put(table.group(1), primaryKey.replaceAll("\\s", ""));
    }
    return tables;
  }

  private static String balancedParentheses(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      depth += text.charAt(i) == '(' ? 1 : text.charAt(i) == ')' ? -1 : 0;
      if (depth == 0) {
        return text.substring(open, i + 1);
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses: " + text);
  }
}
