package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.ChildProcess;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.ServerProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for JavaScript v3 ({@code @aws-sdk/client-ecs} from the npm registry) against a real
 * node: it signs more headers than the other clients ({@code x-amz-user-agent}, {@code amz-sdk-*}),
 * keeps fractions in timestamps, and throws a SyntaxError on any error body that is not JSON, so
 * its typed errors prove the error wire format.
 *
 * <p>The SDK is installed once into {@code target/js-client}; {@code
 * src/test/resources/js/ecs-smoke.mjs} runs there once for the class and prints a JSON summary that
 * the tests below take apart.
 */
class JsSdkIT {
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private static ServerProcess server;
  private static String suffix;
  private static Instant started;
  private static JsonNode summary;

  @BeforeAll
  static void runTheScript() throws Exception {
    Path client = installSdk();
    Path script = client.resolve("ecs-smoke.mjs");
    try (InputStream in = JsSdkIT.class.getClassLoader().getResourceAsStream("js/ecs-smoke.mjs")) {
      if (in == null) throw new IllegalStateException("no test resource js/ecs-smoke.mjs");
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    server = ServerProcess.startFirst("jssdk");
    ServerProcess.Credentials c = server.credentials();
    suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = AwsCli.isolatedEnvironment();
    env.put("HM_ENDPOINT", server.endpoint());
    env.put("HM_SUFFIX", suffix);
    env.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
    env.put("AWS_REGION", "us-east-1");
    started = Instant.now();
    ChildProcess.Output out =
        ChildProcess.run(List.of("node", script.toString()), env, client, SCRIPT_TIMEOUT);
    if (out.exitCode() != 0) {
      throw new AssertionError(
          "the script failed (a SyntaxError here means a non-JSON body): "
              + out
              + "\nserver log:\n"
              + server.tail());
    }
    List<String> lines = out.stdout().strip().lines().toList();
    summary = JSON.readTree(lines.get(lines.size() - 1));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  /**
   * {@code npm install} into target/js-client unless an earlier run did; the registry is only asked
   * once.
   */
  private static Path installSdk() throws Exception {
    Path client = ProjectHome.resolve("target/js-client");
    Files.createDirectories(client);
    if (Files.exists(client.resolve("node_modules/@aws-sdk/client-ecs/package.json")))
      return client;
    ChildProcess.Output out =
        ChildProcess.run(
            List.of(
                "npm",
                "install",
                "--prefix",
                client.toString(),
                "@aws-sdk/client-ecs",
                "--no-audit",
                "--no-fund"),
            AwsCli.isolatedEnvironment(),
            client,
            INSTALL_TIMEOUT);
    if (out.exitCode() != 0)
      throw new IllegalStateException("npm could not install @aws-sdk/client-ecs: " + out);
    return client;
  }

  private static String accountId() {
    return server.credentials().accountId();
  }

  @Test
  void createClusterAnswersWithTheClusterAndARequestId() {
    JsonNode created = summary.get("createdCluster");
    assertEquals(
        "arn:aws:ecs:us-east-1:" + accountId() + ":cluster/js-" + suffix,
        created.get("arn").asText());
    assertEquals("ACTIVE", created.get("status").asText());
    assertEquals(200, created.get("httpStatusCode").asInt());
    assertEquals(
        36,
        created.get("requestId").asText().length(),
        "x-amzn-RequestId reaches the SDK: " + created);
  }

  @Test
  void describeClustersShowsTagsSettingsAndMissingOnes() throws Exception {
    assertEquals(
        JSON.readTree(
            """
        [{"name": "js-%s", "status": "ACTIVE",
          "tags": [{"key": "client", "value": "js-sdk"}],
          "settings": [{"name": "containerInsights", "value": "enabled"}]}]"""
                .formatted(suffix)),
        summary.get("describedClusters"));
    assertEquals(
        JSON.readTree(
            """
        [{"arn": "arn:aws:ecs:us-east-1:%s:cluster/js-missing-%s", "reason": "MISSING"}]"""
                .formatted(accountId(), suffix)),
        summary.get("clusterFailures"));
  }

  @Test
  void aRegisteredTaskDefinitionIsDescribedWithDefaultsAndTags() throws Exception {
    String arn =
        "arn:aws:ecs:us-east-1:" + accountId() + ":task-definition/js-family-" + suffix + ":1";
    assertEquals(arn, summary.get("registered").get("arn").asText());
    JsonNode td = summary.get("describedTaskDefinition");
    assertEquals(arn, td.get("arn").asText());
    assertEquals("js-family-" + suffix, td.get("family").asText());
    assertEquals(1, td.get("revision").asInt());
    assertEquals("ACTIVE", td.get("status").asText());
    assertEquals(
        JSON.readTree(
            """
        {"name": "app", "image": "public.ecr.aws/docker/library/busybox:latest", "cpu": 0, "memory": 128,
         "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}], "essential": true,
         "command": ["sleep", "3600"], "environment": [{"name": "GREETING", "value": "hello"}],
         "mountPoints": [], "volumesFrom": [], "systemControls": []}"""),
        td.get("container"));
    assertEquals(JSON.readTree("[{\"key\": \"client\", \"value\": \"js-sdk\"}]"), td.get("tags"));
  }

  @Test
  void timestampsParseIntoDatesWithMilliseconds() {
    JsonNode td = summary.get("describedTaskDefinition");
    assertTrue(td.get("registeredAtIsDate").asBoolean(), td.toString());
    Instant registeredAt = Instant.ofEpochMilli(td.get("registeredAtMillis").asLong());
    assertTrue(
        !registeredAt.isBefore(started.minusSeconds(60)) && registeredAt.isBefore(Instant.now()),
        "registeredAt " + registeredAt + " should be during this test (started " + started + ")");
  }

  @Test
  void listClustersPagesThroughNextTokens() {
    JsonNode listed = summary.get("listedClusters");
    assertTrue(listed.get("containsCreated").asBoolean(), listed.toString());
    assertEquals(
        (listed.get("count").asInt() + 1) / 2,
        listed.get("pages").asInt(),
        "pages of 2, the last one without a nextToken: " + listed);
  }

  @Test
  void anUnknownClusterIsAClusterNotFoundExceptionInstance() {
    JsonNode error = summary.get("unknownClusterError");
    assertEquals("ClusterNotFoundException", error.get("name").asText(), error.toString());
    assertEquals(
        "ClusterNotFoundException",
        error.get("constructor").asText(),
        "the SDK maps __type to its modelled exception class: " + error);
    assertEquals("client", error.get("fault").asText());
    assertEquals(400, error.get("httpStatusCode").asInt());
    assertEquals(36, error.get("requestId").asText().length(), error.toString());
  }

  @Test
  void aWrongSecretIsAnInvalidSignatureException() {
    JsonNode error = summary.get("wrongSecretError");
    assertEquals("InvalidSignatureException", error.get("name").asText(), error.toString());
    assertEquals(403, error.get("httpStatusCode").asInt());
    assertEquals("client", error.get("fault").asText());
    assertTrue(error.get("message").asText().contains("signature"), error.toString());
  }
}
