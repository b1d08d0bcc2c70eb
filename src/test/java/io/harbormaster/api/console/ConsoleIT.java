package io.harbormaster.api.console;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.ChildProcess;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.SharedDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The web console end to end: Debian's headless Chromium, driven by playwright-core ({@code
 * console/e2e/console-e2e.mjs}, one scenario per test), against a real server with an agent on real
 * Docker. The page finds every element by its accessible role and name. Each scenario saves
 * screenshots under {@code target/console-screenshots}; this class checks what the page showed and,
 * through the SDK, that what the page did really happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
  private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(4);
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";

  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;
  private String family;
  private String suffix;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("console");
    ecs = docker.ecs();
    cluster = docker.cluster();
    suffix = UUID.randomUUID().toString().substring(0, 8);
    family = "console-" + suffix;
    ecs.registerTaskDefinition(
        r ->
            r.family(family)
                .networkMode(NetworkMode.HOST)
                .containerDefinitions(
                    ContainerDefinition.builder()
                        .name("main")
                        .image(SharedDocker.TEST_IMAGE)
                        .memory(32)
                        .command("sh", "-c", LOOP)
                        .stopTimeout(2)
                        .dockerLabels(SharedDocker.testLabels())
                        .build()));
  }

  @AfterAll
  void stop() throws Exception {
    if (docker == null) return;
    try {
      for (String service : ecs.listServices(r -> r.cluster(cluster)).serviceArns()) {
        ecs.deleteService(r -> r.cluster(cluster).service(service).force(true));
      }
      for (String task : ecs.listTasks(r -> r.cluster(cluster)).taskArns()) {
        ecs.stopTask(r -> r.cluster(cluster).task(task));
      }
    } finally {
      docker.close();
    }
  }

  @Test
  void signingInShowsTheClusterWithItsCountsAndResourceBars() throws Exception {
    JsonNode result = scenario("sign-in", Map.of());
    String card = result.get("cardText").asText();
    assertTrue(card.contains(cluster) && card.contains("Instances"), card);
    assertTrue(
        result.get("memoryText").asText().matches("\\d+ MiB of [\\d.]+ (MiB|GiB)"),
        "memory reserved of registered: " + result);
    assertTrue(
        result.get("phoneScrollWidth").asInt() <= 400,
        "at a phone's width (390 px) the page does not scroll sideways: " + result);
    System.out.println(
        "console: first page after sign-in in " + result.get("firstPageMillis") + " ms");
    assertTrue(result.get("firstPageMillis").asLong() < 10_000, result.toString());
  }

  @Test
  void aWrongSecretShowsTheApisError() throws Exception {
    JsonNode result = scenario("wrong-secret", Map.of());
    String alert = result.get("alert").asText();
    assertTrue(alert.startsWith("Sign in: InvalidSignatureException: "), alert);
    assertTrue(alert.contains("signature"), alert);
  }

  @Test
  void aServiceCreatedOnThePageReachesSteadyState() throws Exception {
    String service = "web-" + suffix;
    JsonNode result =
        scenario("create-service", Map.of("HM_SERVICE", service, "HM_TASK_DEFINITION", family));
    assertTrue(result.get("url").asText().endsWith("/services/" + service), result.toString());
    Service described =
        ecs.describeServices(r -> r.cluster(cluster).services(service)).services().get(0);
    assertEquals(2, described.desiredCount());
    assertEquals(2, described.runningCount(), described.toString());
    assertTrue(described.taskDefinition().endsWith("/" + family + ":1"), described.toString());
  }

  @Test
  void aTaskStoppedOnThePageIsReplaced() throws Exception {
    String service = "replace-" + suffix;
    ecs.createService(
        r -> r.cluster(cluster).serviceName(service).taskDefinition(family).desiredCount(1));
    ecs.waiter().waitUntilServicesStable(r -> r.cluster(cluster).services(service));
    String taskArn = ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns().get(0);
    String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);

    JsonNode result = scenario("stop-task", Map.of("HM_SERVICE", service, "HM_TASK_ID", taskId));

    Task stopped = ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
    assertEquals("STOPPED", stopped.lastStatus());
    assertEquals("stopped by ConsoleIT", stopped.stoppedReason());
    List<String> running =
        ecs.listTasks(
                r -> r.cluster(cluster).serviceName(service).desiredStatus(DesiredStatus.RUNNING))
            .taskArns();
    assertEquals(1, running.size(), running.toString());
    String replacement = running.get(0).substring(running.get(0).lastIndexOf('/') + 1);
    assertNotEquals(taskId, replacement);
    assertEquals(
        List.of(replacement.substring(0, 12)),
        JSON.convertValue(result.get("runningIds"), List.class),
        "the page lists the replacement as running: " + result);
  }

  @Test
  void theHistoryOfAStoppedTaskShowsItAtAnEarlierInstantBesideNow() throws Exception {
    String taskArn =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(family)).tasks().get(0).taskArn();
    ecs.waiter().waitUntilTasksRunning(r -> r.cluster(cluster).tasks(taskArn));
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn).reason("for the history"));
    ecs.waiter().waitUntilTasksStopped(r -> r.cluster(cluster).tasks(taskArn));

    JsonNode result = scenario("history", Map.of("HM_TASK_ARN", taskArn));

    assertTrue(result.get("events").asInt() >= 3, "created, running, stopped at least: " + result);
    List<?> lastStatus = JSON.convertValue(result.get("lastStatus"), List.class);
    assertEquals(2, lastStatus.size(), result.toString());
    assertNotEquals("STOPPED", lastStatus.get(0), "then: " + result);
    assertEquals("STOPPED", lastStatus.get(1), "now: " + result);
    assertEquals("diff-changed", result.get("lastStatusClass").asText(), result.toString());
    assertTrue(result.get("changedRows").asInt() >= 2, result.toString());
    assertTrue(result.get("summary").asText().contains("differ"), result.toString());
  }

  @Test
  void anEventArrivesLiveThroughThePattern() throws Exception {
    JsonNode result = scenario("live-event", Map.of("HM_TASK_DEFINITION", family));
    String taskArn = result.get("taskArn").asText();
    try {
      assertTrue(result.get("item").asText().contains("ECS Task State Change"), result.toString());
      assertEquals(
          0, result.get("otherDetailTypes").asInt(), "the pattern lets only task changes through");
    } finally {
      ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    }
  }

  /** Runs one scenario of console-e2e.mjs and returns the JSON line it printed. */
  private JsonNode scenario(String name, Map<String, String> extra) throws Exception {
    Path consoleDir = ProjectHome.resolve("console");
    Path shots = ProjectHome.resolve("target/console-screenshots");
    Files.createDirectories(shots);
    var credentials = docker.server().credentials();
    Map<String, String> env = AwsCli.isolatedEnvironment();
    env.put("HM_ENDPOINT", docker.server().endpoint());
    env.put("HM_CLUSTER", cluster);
    env.put("HM_SCREENSHOTS", shots.toAbsolutePath().toString());
    env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    env.put("AWS_REGION", "us-east-1");
    env.putAll(extra);
    ChildProcess.Output out =
        ChildProcess.run(
            List.of("node", "e2e/console-e2e.mjs", name), env, consoleDir, SCENARIO_TIMEOUT);
    if (out.exitCode() != 0) {
      throw new AssertionError(
          "scenario " + name + " failed: " + out + "\nserver log:\n" + docker.server().tail());
    }
    List<String> lines = out.stdout().strip().lines().toList();
    JsonNode result = JSON.readTree(lines.get(lines.size() - 1));
    assertEquals(0, result.get("pageErrors").size(), "no script errors in the page: " + result);
    return result;
  }
}
