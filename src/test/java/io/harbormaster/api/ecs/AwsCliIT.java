package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The real AWS CLIs against a real node on a real Cassandra: CLI v2 (Debian's {@code awscli};
 * required) and CLI v1 (pip; optional, skipped where the machine has none). What they add over the
 * SDK: their own pagination, shorthand and {@code file://} input, their exit codes and error
 * printing, and the bare signed header set.
 *
 * <p>The test Cassandra keeps its data between runs, so every name carries a fresh suffix.
 */
class AwsCliIT {
  private static ServerProcess server;

  /**
   * Bulk setup and cleanup through the Java SDK: a CLI run costs a Python start-up, an SDK call
   * milliseconds.
   */
  private static EcsClient sdk;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("awscli");
    sdk = EcsClients.sync(server);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (sdk != null) sdk.close();
    if (server != null) server.close();
  }

  static Stream<Named<String>> clis() {
    return Stream.of(Named.of("CLI v2", "v2"), Named.of("CLI v1", "v1"));
  }

  /**
   * CLI v2 must be there (CI installs Debian's awscli); v1 is tested where the machine happens to
   * have it.
   */
  private static AwsCli cli(String which) {
    Optional<AwsCli> found = which.equals("v2") ? AwsCli.v2() : AwsCli.v1();
    if (which.equals("v2") && found.isEmpty()) {
      fail(
          "AWS CLI v2 is required: apt-get install -y awscli (no /usr/bin/aws from dpkg, no aws-cli/2 on PATH)");
    }
    assumeTrue(
        found.isPresent(),
        "no AWS CLI v1 on this machine (it is optional: pip install awscli to test it)");
    return found.get().against(server);
  }

  private static String unique(String which, String prefix) {
    return prefix + "-" + which + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String clusterArn(String name) {
    return "arn:aws:ecs:us-east-1:" + server.credentials().accountId() + ":cluster/" + name;
  }

  private static String taskDefinitionArn(String family, int revision) {
    return "arn:aws:ecs:us-east-1:"
        + server.credentials().accountId()
        + ":task-definition/"
        + family
        + ":"
        + revision;
  }

  // ---- clusters ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void clusterWithTagsAndSettingsLivesAndDies(String which) {
    AwsCli aws = cli(which);
    String name = unique(which, "cli");
    String arn = clusterArn(name);

    JsonNode created =
        aws.run(
                "ecs",
                "create-cluster",
                "--cluster-name",
                name,
                "--tags",
                "key=team,value=platform",
                "key=env,value=test",
                "--settings",
                "name=containerInsights,value=enabled")
            .orFail()
            .get("cluster");
    assertEquals(arn, created.get("clusterArn").asText());
    assertEquals(name, created.get("clusterName").asText());
    assertEquals("ACTIVE", created.get("status").asText());
    assertEquals(Map.of("team", "platform", "env", "test"), tags(created));

    JsonNode described =
        aws.run(
                "ecs",
                "describe-clusters",
                "--clusters",
                name,
                "missing-" + name,
                "--include",
                "TAGS",
                "SETTINGS")
            .orFail();
    JsonNode cluster = described.get("clusters").get(0);
    assertEquals(1, described.get("clusters").size(), described.toString());
    assertEquals(arn, cluster.get("clusterArn").asText());
    assertEquals(Map.of("team", "platform", "env", "test"), tags(cluster));
    assertEquals(Map.of("containerInsights", "enabled"), settings(cluster));
    assertEquals(
        clusterArn("missing-" + name), described.get("failures").get(0).get("arn").asText());
    assertEquals("MISSING", described.get("failures").get(0).get("reason").asText());

    JsonNode plain =
        aws.run("ecs", "describe-clusters", "--clusters", arn).orFail().get("clusters").get(0);
    assertEquals(Map.of(), tags(plain), "tags only with --include TAGS");

    JsonNode updated =
        aws.run(
                "ecs",
                "update-cluster-settings",
                "--cluster",
                name,
                "--settings",
                "name=containerInsights,value=disabled")
            .orFail()
            .get("cluster");
    assertEquals(Map.of("containerInsights", "disabled"), settings(updated));
    assertEquals(
        Map.of("containerInsights", "disabled"),
        settings(
            aws.run("ecs", "describe-clusters", "--clusters", name, "--include", "SETTINGS")
                .orFail()
                .get("clusters")
                .get(0)));

    aws.run("ecs", "tag-resource", "--resource-arn", arn, "--tags", "key=owner,value=Jane Doe-ü")
        .orFail();
    aws.run("ecs", "untag-resource", "--resource-arn", arn, "--tag-keys", "env").orFail();
    assertEquals(
        Map.of("team", "platform", "owner", "Jane Doe-ü"),
        tags(aws.run("ecs", "list-tags-for-resource", "--resource-arn", arn).orFail()));

    JsonNode deleted = aws.run("ecs", "delete-cluster", "--cluster", name).orFail().get("cluster");
    assertEquals("INACTIVE", deleted.get("status").asText());
    assertEquals(
        "INACTIVE",
        aws.run("ecs", "describe-clusters", "--clusters", name)
            .orFail()
            .get("clusters")
            .get(0)
            .get("status")
            .asText(),
        "ECS describes a deleted cluster as INACTIVE");
    assertFalse(
        listClusters(aws, "--page-size", "100").contains(arn), "a deleted cluster is not listed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void listClustersFollowsNextTokenToTheEnd(String which) {
    AwsCli aws = cli(which);
    String prefix = unique(which, "page");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String name = prefix + "-" + i;
      created.add(sdk.createCluster(r -> r.clusterName(name)).cluster().clusterArn());
    }
    try {
      // The server returns pages of 3; the CLI follows nextToken on its own until the last page
      // leaves it out.
      List<String> listed = listClusters(aws, "--page-size", "3");
      assertTrue(
          listed.containsAll(created),
          "missing " + created.stream().filter(a -> !listed.contains(a)).toList());
      assertEquals(
          listed.size(), new HashSet<>(listed).size(), "no cluster twice across pages: " + listed);

      // One page on its own: the server's token is there, and the CLI hands it on when asked.
      JsonNode first =
          aws.run("ecs", "list-clusters", "--no-paginate", "--max-results", "3").orFail();
      assertEquals(3, first.get("clusterArns").size());
      String token = first.get("nextToken").asText();
      JsonNode second =
          aws.run(
                  "ecs",
                  "list-clusters",
                  "--no-paginate",
                  "--max-results",
                  "3",
                  "--next-token",
                  token)
              .orFail();
      List<String> both = new ArrayList<>(texts(first.get("clusterArns")));
      both.addAll(texts(second.get("clusterArns")));
      assertEquals(listed.subList(0, both.size()), both);
    } finally {
      for (String arn : created) sdk.deleteCluster(r -> r.cluster(arn));
    }
  }

  // ---- task definitions ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void taskDefinitionFromAJsonFileComesBackWithEveryMember(String which, @TempDir Path dir)
      throws IOException {
    AwsCli aws = cli(which);
    String family = unique(which, "rich");
    Path file = dir.resolve("task-definition.json");
    Files.writeString(file, resource("cli/rich-task-definition.json").replace("${FAMILY}", family));
    ObjectNode sent = (ObjectNode) JSON.readTree(file.toFile());
    JsonNode sentTags = sent.remove("tags");

    JsonNode registered =
        aws.run("ecs", "register-task-definition", "--cli-input-json", file.toUri().toString())
            .orFail();
    assertEquals(
        taskDefinitionArn(family, 1),
        registered.get("taskDefinition").get("taskDefinitionArn").asText());
    assertEquals(sentTags, registered.get("tags"));

    JsonNode described =
        aws.run(
                "ecs",
                "describe-task-definition",
                "--task-definition",
                family + ":1",
                "--include",
                "TAGS")
            .orFail();
    JsonNode td = described.get("taskDefinition");
    List<String> differences = new ArrayList<>();
    contains("", sent, td, differences);
    assertEquals(List.of(), differences, "what was registered must come back as sent: " + td);
    assertEquals(sentTags, described.get("tags"));
    assertEquals(1, td.get("revision").asInt());
    assertEquals("ACTIVE", td.get("status").asText());
    assertEquals("EC2", td.get("compatibilities").get(0).asText());
    assertTrue(
        td.get("registeredBy")
            .asText()
            .startsWith("arn:aws:iam::" + server.credentials().accountId()),
        td.toString());
    JsonNode registeredAt = td.get("registeredAt");
    if (aws.majorVersion() == 2) {
      // CLI v2 parses the epoch-seconds number and prints ISO 8601
      OffsetDateTime.parse(registeredAt.asText());
    } else {
      assertTrue(
          registeredAt.isNumber(), "CLI v1 prints the wire's epoch seconds: " + registeredAt);
    }
    // The same revision by ARN and by family (latest ACTIVE)
    assertEquals(
        td.get("taskDefinitionArn"),
        aws.run(
                "ecs",
                "describe-task-definition",
                "--task-definition",
                taskDefinitionArn(family, 1))
            .orFail()
            .get("taskDefinition")
            .get("taskDefinitionArn"));
    assertEquals(
        td.get("taskDefinitionArn"),
        aws.run("ecs", "describe-task-definition", "--task-definition", family)
            .orFail()
            .get("taskDefinition")
            .get("taskDefinitionArn"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void taskDefinitionsAreListedDeregisteredAndTagged(String which) {
    AwsCli aws = cli(which);
    String prefix = unique(which, "lst");
    String a = prefix + "-a";
    String b = prefix + "-b";
    JsonNode first =
        aws.run(
                "ecs",
                "register-task-definition",
                "--family",
                a,
                "--container-definitions",
                "[{\"name\":\"app\",\"image\":\"busybox:1.36\",\"memory\":64,\"command\":[\"sleep\",\"60\"]}]")
            .orFail();
    assertEquals(
        taskDefinitionArn(a, 1), first.get("taskDefinition").get("taskDefinitionArn").asText());
    for (String family : List.of(a, a, b, unique(which, "other"))) register(family);

    // familyPrefix names a whole family (the API model: "the full family name"); DESC reverses the
    // revisions, and
    // pages of 2 are joined by the CLI.
    assertEquals(
        List.of(taskDefinitionArn(a, 3), taskDefinitionArn(a, 2), taskDefinitionArn(a, 1)),
        texts(
            aws.run(
                    "ecs",
                    "list-task-definitions",
                    "--family-prefix",
                    a,
                    "--sort",
                    "DESC",
                    "--page-size",
                    "2")
                .orFail()
                .get("taskDefinitionArns")));

    JsonNode deregistered =
        aws.run("ecs", "deregister-task-definition", "--task-definition", a + ":1")
            .orFail()
            .get("taskDefinition");
    assertEquals("INACTIVE", deregistered.get("status").asText());
    assertTrue(deregistered.hasNonNull("deregisteredAt"), deregistered.toString());
    assertEquals(
        List.of(taskDefinitionArn(a, 1)),
        texts(
            aws.run("ecs", "list-task-definitions", "--family-prefix", a, "--status", "INACTIVE")
                .orFail()
                .get("taskDefinitionArns")));
    assertEquals(
        List.of(taskDefinitionArn(a, 2), taskDefinitionArn(a, 3)),
        texts(
            aws.run("ecs", "list-task-definitions", "--family-prefix", a)
                .orFail()
                .get("taskDefinitionArns")));
    assertEquals(
        List.of(a, b),
        texts(
            aws.run("ecs", "list-task-definition-families", "--family-prefix", prefix)
                .orFail()
                .get("families")));

    String arn = taskDefinitionArn(a, 2);
    aws.run(
            "ecs",
            "tag-resource",
            "--resource-arn",
            arn,
            "--tags",
            "key=stage,value=beta",
            "key=owner,value=ops")
        .orFail();
    aws.run("ecs", "untag-resource", "--resource-arn", arn, "--tag-keys", "owner").orFail();
    assertEquals(
        Map.of("stage", "beta"),
        tags(aws.run("ecs", "list-tags-for-resource", "--resource-arn", arn).orFail()));
    assertEquals(
        Map.of("stage", "beta"),
        tags(
            aws.run(
                    "ecs",
                    "describe-task-definition",
                    "--task-definition",
                    arn,
                    "--include",
                    "TAGS")
                .orFail()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void deleteTaskDefinitionsDeletesOnlyDeregisteredRevisions(String which) {
    AwsCli aws = cli(which);
    String family = unique(which, "del");
    register(family);
    register(family);
    sdk.deregisterTaskDefinition(r -> r.taskDefinition(family + ":1"));

    AwsCli.Result result =
        aws.run(
            "ecs", "delete-task-definitions", "--task-definitions", family + ":1", family + ":2");
    assumeTrue(
        result.succeeded() || !result.stderr().contains("Invalid choice"),
        aws + " has no delete-task-definitions (added to the CLI in 2023)");
    JsonNode deleted = result.orFail();
    assertEquals(1, deleted.get("taskDefinitions").size(), deleted.toString());
    assertEquals(
        taskDefinitionArn(family, 1),
        deleted.get("taskDefinitions").get(0).get("taskDefinitionArn").asText());
    assertEquals(
        "DELETE_IN_PROGRESS", deleted.get("taskDefinitions").get(0).get("status").asText());
    JsonNode failure = deleted.get("failures").get(0);
    assertTrue(failure.get("arn").asText().endsWith(family + ":2"), failure.toString());
    assertTrue(failure.get("reason").asText().contains("ACTIVE"), failure.toString());
    assertEquals(
        "DELETE_IN_PROGRESS",
        aws.run("ecs", "describe-task-definition", "--task-definition", family + ":1")
            .orFail()
            .get("taskDefinition")
            .get("status")
            .asText());
  }

  // ---- errors ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("clis")
  void errorsAreTypedClientErrorsNeverServerErrors(String which, @TempDir Path dir)
      throws IOException {
    AwsCli aws = cli(which);
    String suffix = unique(which, "err");

    assertClientError(
        aws,
        "ClientException",
        aws.run("ecs", "describe-task-definition", "--task-definition", "nope-" + suffix + ":1"));
    assertClientError(
        aws,
        "InvalidParameterException",
        aws.run("ecs", "create-cluster", "--cluster-name", "not a valid name!"));
    assertClientError(
        aws,
        "ClusterNotFoundException",
        aws.run(
            "ecs",
            "update-cluster-settings",
            "--cluster",
            "nope-" + suffix,
            "--settings",
            "name=containerInsights,value=enabled"));
    assertClientError(
        aws,
        "InvalidSignatureException",
        aws.credentials(server.credentials().accessKeyId(), "not-the-secret")
            .run("ecs", "list-clusters"));
    assertClientError(
        aws,
        "UnrecognizedClientException",
        aws.credentials("AKHMNOSUCHKEY0000000", "whatever").run("ecs", "list-clusters"));

    // Over the 64 KiB limit: a typed ClientException, not a dropped connection or a 500.
    ObjectNode huge = JSON.createObjectNode().put("family", suffix);
    ObjectNode container =
        huge.putArray("containerDefinitions")
            .addObject()
            .put("name", "app")
            .put("image", "busybox")
            .put("memory", 32);
    ArrayNode environment = container.putArray("environment");
    for (int i = 0; i < 700; i++) {
      environment.addObject().put("name", "VARIABLE_" + i).put("value", "x".repeat(100));
    }
    Path file = dir.resolve("huge.json");
    JSON.writeValue(file.toFile(), huge);
    AwsCli.Result tooBig =
        aws.run("ecs", "register-task-definition", "--cli-input-json", file.toUri().toString());
    assertClientError(aws, "ClientException", tooBig);
    assertTrue(tooBig.stderr().contains("65536"), tooBig.toString());
  }

  /**
   * CLI v2 exits 254 on a service error, v1 255; both print "An error occurred (Type) ..." from the
   * body's __type. A 500 would be retried and then reported as ServerException.
   */
  private static void assertClientError(AwsCli aws, String type, AwsCli.Result result) {
    assertNotEquals(0, result.exitCode(), result.toString());
    assertEquals(aws.majorVersion() == 2 ? 254 : 255, result.exitCode(), result.toString());
    assertTrue(
        result.stderr().contains("An error occurred (" + type + ")"),
        "expected " + type + ": " + result);
    assertFalse(result.stderr().contains("ServerException"), result.toString());
    assertFalse(result.stderr().contains("retries"), "the CLI must not have retried: " + result);
    assertNull(result.json(), result.toString());
  }

  // ---- helpers ----

  private static void register(String family) {
    sdk.registerTaskDefinition(
        r ->
            r.family(family)
                .containerDefinitions(
                    c -> c.name("app").image("busybox:1.36").memory(64).command("sleep", "60")));
  }

  private static List<String> listClusters(AwsCli aws, String... paging) {
    List<String> args = new ArrayList<>(List.of("ecs", "list-clusters"));
    args.addAll(List.of(paging));
    JsonNode out = aws.run(args.toArray(String[]::new)).orFail();
    assertFalse(
        out.has("nextToken") || out.has("NextToken"), "the CLI follows every token: " + out);
    return texts(out.get("clusterArns"));
  }

  /**
   * Every member of {@code sent} is in {@code got} with the same value; lists match element by
   * element.
   */
  private static void contains(String path, JsonNode sent, JsonNode got, List<String> differences) {
    if (got == null) {
      differences.add(path + " is missing");
    } else if (sent.isObject()) {
      sent.fields()
          .forEachRemaining(
              member ->
                  contains(
                      path + "." + member.getKey(),
                      member.getValue(),
                      got.get(member.getKey()),
                      differences));
    } else if (sent.isArray()) {
      if (!got.isArray() || got.size() != sent.size()) {
        differences.add(path + ": sent " + sent + ", got " + got);
        return;
      }
      for (int i = 0; i < sent.size(); i++)
        contains(path + "[" + i + "]", sent.get(i), got.get(i), differences);
    } else if (!sent.equals(got)) {
      differences.add(path + ": sent " + sent + ", got " + got);
    }
  }

  private static Map<String, String> tags(JsonNode withTags) {
    Map<String, String> out = new TreeMap<>();
    JsonNode tags = withTags.get("tags");
    if (tags != null) tags.forEach(t -> out.put(t.get("key").asText(), t.get("value").asText()));
    return out;
  }

  private static Map<String, String> settings(JsonNode cluster) {
    Map<String, String> out = new TreeMap<>();
    cluster.get("settings").forEach(s -> out.put(s.get("name").asText(), s.get("value").asText()));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = AwsCliIT.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IOException("no test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
