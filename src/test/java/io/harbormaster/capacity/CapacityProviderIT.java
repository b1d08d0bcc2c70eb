package io.harbormaster.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.agent.Agent;
import io.harbormaster.agent.Agents;
import io.harbormaster.protocol.AgentMessages.Attribute;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.SharedDocker;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.SettingName;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Capacity providers and account settings through the real CLI v2 and SDK v2, with tasks on real
 * Docker: two instances, one in provider {@code blue} (joined with PutAttributes), one in {@code
 * green} (joined with the agent's capacity provider attribute), and a strategy's base/weight spread
 * over them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapacityProviderIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;
  private AwsCli aws;
  private Agents greenAgents;
  private String blueInstance;
  private String greenInstance;

  @BeforeAll
  void start() throws Exception {
    var found = AwsCli.v2();
    Assumptions.assumeTrue(found.isPresent(), "no AWS CLI v2 on this machine");
    docker = DockerCluster.start("capacity");
    ecs = docker.ecs();
    cluster = docker.cluster();
    aws = found.get().against(docker.server()).timeout(Duration.ofMinutes(3));
    blueInstance =
        ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().get(0);
    ecs.putAttributes(
        r ->
            r.cluster(cluster)
                .attributes(
                    software.amazon.awssdk.services.ecs.model.Attribute.builder()
                        .name(CapacityProviders.PROVIDER_ATTRIBUTE)
                        .value("blue")
                        .targetId(blueInstance)
                        .build()));
    // The second instance joins green the way `harbormaster agent --capacity-provider green` does.
    var c = docker.server().credentials();
    greenAgents = new Agents();
    Path state =
        Files.createTempDirectory(ProjectHome.resolve("target").toAbsolutePath(), "agent-green-");
    Agent green =
        greenAgents.docker(
            new Agents.Credentials(
                URI.create(docker.server().endpoint()),
                c.accessKeyId(),
                c.secretAccessKey(),
                "us-east-1"),
            cluster,
            SharedDocker.dockerHost(),
            state,
            "local-1b",
            List.of(new Attribute(CapacityProviders.PROVIDER_ATTRIBUTE, "green")));
    greenInstance =
        green.registered().toCompletableFuture().get(60, TimeUnit.SECONDS).containerInstanceArn();
  }

  @AfterAll
  void stop() throws Exception {
    if (greenAgents != null) greenAgents.close();
    if (docker != null) docker.close();
  }

  private String register(String family) {
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(SharedDocker.TEST_IMAGE)
                            .memory(16)
                            .command("sh", "-c", LOOP)
                            .stopTimeout(2)
                            .dockerLabels(SharedDocker.testLabels())
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  @Test
  void accountSettingsRoundTripThroughTheCli_andContainerInsightsIsANewClustersDefault() {
    aws.run(
            "ecs",
            "put-account-setting-default",
            "--name",
            "containerInsights",
            "--value",
            "enhanced")
        .orFail();
    JsonNode put =
        aws.run(
                "ecs",
                "put-account-setting",
                "--name",
                "fargateTaskRetirementWaitPeriod",
                "--value",
                "14")
            .orFail();
    assertEquals("14", put.path("setting").path("value").asText());
    assertTrue(put.path("setting").path("principalArn").asText().endsWith(":root"));

    var bad =
        aws.run(
            "ecs", "put-account-setting", "--name", "tagResourceAuthorization", "--value", "yes");
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.stderr().contains("InvalidParameterException"), bad.stderr());
    assertTrue(bad.stderr().contains("Invalid setting 'value'"), bad.stderr());

    // Set ones only, then the effective view with ECS's defaults for the rest.
    JsonNode own = aws.run("ecs", "list-account-settings").orFail();
    Map<String, String> set = new HashMap<>();
    own.path("settings").forEach(s -> set.put(s.path("name").asText(), s.path("value").asText()));
    assertEquals(
        Map.of("containerInsights", "enhanced", "fargateTaskRetirementWaitPeriod", "14"), set);
    JsonNode effective =
        aws.run("ecs", "list-account-settings", "--effective-settings", "--max-items", "20")
            .orFail();
    Map<String, String> all = new HashMap<>();
    effective
        .path("settings")
        .forEach(s -> all.put(s.path("name").asText(), s.path("value").asText()));
    assertEquals(11, all.size(), all.toString());
    assertEquals("on", all.get("tagResourceAuthorization"));
    assertEquals("enabled", all.get("taskLongArnFormat"));

    // The SDK pages through them 3 at a time.
    List<Setting> paged = new ArrayList<>();
    ecs.listAccountSettingsPaginator(r -> r.effectiveSettings(true).maxResults(3))
        .forEach(p -> paged.addAll(p.settings()));
    assertEquals(11, paged.size());
    assertEquals(
        List.of("14"),
        ecs
            .listAccountSettings(
                r ->
                    r.name(SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD)
                        .value("14")
                        .effectiveSettings(true))
            .settings()
            .stream()
            .map(Setting::value)
            .toList());

    String name = unique("insights");
    JsonNode created = aws.run("ecs", "create-cluster", "--cluster-name", name).orFail();
    assertEquals(
        "enhanced", created.path("cluster").path("settings").get(0).path("value").asText());

    aws.run("ecs", "delete-account-setting", "--name", "containerInsights").orFail();
    JsonNode after =
        aws.run(
                "ecs",
                "list-account-settings",
                "--name",
                "containerInsights",
                "--effective-settings")
            .orFail();
    assertEquals("disabled", after.path("settings").get(0).path("value").asText());
    aws.run("ecs", "delete-cluster", "--cluster", name).orFail();
  }

  @Test
  @Order(1)
  void aStrategySpreadsTasksByBaseAndWeight_eachOnItsProvidersInstance() {
    for (String p : List.of("blue", "green")) {
      aws.run(
              "ecs",
              "create-capacity-provider",
              "--name",
              p,
              "--auto-scaling-group-provider",
              "autoScalingGroupArn=arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:"
                  + "00000000-0000-0000-0000-000000000000:autoScalingGroupName/"
                  + p)
          .orFail();
    }
    JsonNode described = aws.run("ecs", "describe-capacity-providers").orFail();
    List<String> names = new ArrayList<>();
    described.path("capacityProviders").forEach(p -> names.add(p.path("name").asText()));
    assertEquals(List.of("FARGATE", "FARGATE_SPOT", "blue", "green"), names);

    JsonNode put =
        aws.run(
                "ecs",
                "put-cluster-capacity-providers",
                "--cluster",
                cluster,
                "--capacity-providers",
                "blue",
                "green",
                "--default-capacity-provider-strategy",
                "capacityProvider=blue,base=1,weight=1",
                "capacityProvider=green,weight=1")
            .orFail();
    assertEquals(2, put.path("cluster").path("capacityProviders").size());
    JsonNode clusters = aws.run("ecs", "describe-clusters", "--clusters", cluster).orFail();
    JsonNode shown = clusters.path("clusters").get(0);
    assertEquals("blue", shown.path("capacityProviders").get(0).asText());
    assertEquals(1, shown.path("defaultCapacityProviderStrategy").get(0).path("base").asInt());

    // ECS's rule: base 1 on blue, then 1:1 -> blue, blue, green, blue, green.
    String td = register(unique("spread"));
    JsonNode run =
        aws.run(
                "ecs",
                "run-task",
                "--cluster",
                cluster,
                "--task-definition",
                td,
                "--count",
                "5",
                "--capacity-provider-strategy",
                "capacityProvider=blue,base=1,weight=1",
                "capacityProvider=green,weight=1")
            .orFail();
    assertEquals(0, run.path("failures").size(), run.toString());
    List<String> arns = new ArrayList<>();
    run.path("tasks").forEach(t -> arns.add(t.path("taskArn").asText()));
    ecs.waiter()
        .waitUntilTasksRunning(
            r -> r.cluster(cluster).tasks(arns), o -> o.waitTimeout(Duration.ofMinutes(2)));
    List<Task> tasks = ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
    Map<String, Long> byProvider =
        tasks.stream()
            .collect(Collectors.groupingBy(Task::capacityProviderName, Collectors.counting()));
    assertEquals(Map.of("blue", 3L, "green", 2L), byProvider);
    for (Task t : tasks) {
      assertEquals(
          t.capacityProviderName().equals("blue") ? blueInstance : greenInstance,
          t.containerInstanceArn(),
          t.toString());
      assertEquals("RUNNING", t.lastStatus());
    }

    // No launch type nor strategy: the cluster's default strategy (base 1 on blue).
    String single =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(td)).tasks().get(0).taskArn();
    Task one = ecs.describeTasks(r -> r.cluster(cluster).tasks(single)).tasks().get(0);
    assertEquals("blue", one.capacityProviderName());
    assertEquals(blueInstance, one.containerInstanceArn());

    // ECS's refusals.
    InvalidParameterException both =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.runTask(
                    r ->
                        r.cluster(cluster)
                            .taskDefinition(td)
                            .launchType("EC2")
                            .capacityProviderStrategy(
                                CapacityProviderStrategyItem.builder()
                                    .capacityProvider("blue")
                                    .weight(1)
                                    .build())));
    assertEquals(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove"
            + " one and try again.",
        both.awsErrorDetails().errorMessage());
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.runTask(
                r ->
                    r.cluster(cluster)
                        .taskDefinition(td)
                        .capacityProviderStrategy(
                            CapacityProviderStrategyItem.builder()
                                .capacityProvider("FARGATE")
                                .weight(1)
                                .build())));
    var inUse = aws.run("ecs", "delete-capacity-provider", "--capacity-provider", "green");
    assertNotEquals(0, inUse.exitCode());
    assertTrue(inUse.stderr().contains("ClientException"), inUse.stderr());

    for (String arn : arns) ecs.stopTask(r -> r.cluster(cluster).task(arn));
    ecs.stopTask(r -> r.cluster(cluster).task(single));
  }

  @Test
  @Order(2)
  void aServiceKeepsItsSpreadAsItsTasksAreReplaced() {
    // After the spread test: blue and green exist and the cluster uses them.
    String td = register(unique("svc"));
    String service = unique("spread");
    // base 1 on blue, everything else on green.
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(service)
                .taskDefinition(td)
                .desiredCount(3)
                .capacityProviderStrategy(
                    CapacityProviderStrategyItem.builder().capacityProvider("blue").base(1).build(),
                    CapacityProviderStrategyItem.builder()
                        .capacityProvider("green")
                        .weight(1)
                        .build()));
    var svc =
        Await.until(
            "3 running",
            Duration.ofMinutes(2),
            () -> ecs.describeServices(r -> r.cluster(cluster).services(service)).services().get(0),
            s -> s.runningCount() == 3);
    assertEquals(2, svc.capacityProviderStrategy().size());
    assertEquals(null, svc.launchType());
    List<String> arns = ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns();
    List<Task> tasks = ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
    assertEquals(
        Map.of("blue", 1L, "green", 2L),
        tasks.stream()
            .collect(Collectors.groupingBy(Task::capacityProviderName, Collectors.counting())));

    // The base task is stopped: its replacement goes back to blue (the service counts its tasks).
    Task base =
        tasks.stream().filter(t -> t.capacityProviderName().equals("blue")).findFirst().get();
    ecs.stopTask(r -> r.cluster(cluster).task(base.taskArn()));
    Task replacement =
        Await.until(
            "a replacement",
            Duration.ofMinutes(2),
            () ->
                ecs
                    .describeTasks(
                        r ->
                            r.cluster(cluster)
                                .tasks(
                                    ecs.listTasks(l -> l.cluster(cluster).serviceName(service))
                                        .taskArns()))
                    .tasks()
                    .stream()
                    .filter(t -> !arns.contains(t.taskArn()))
                    .findFirst()
                    .orElse(null),
            t -> t != null);
    assertEquals("blue", replacement.capacityProviderName());
    assertEquals(blueInstance, replacement.containerInstanceArn());
    assertFalse(replacement.taskArn().equals(base.taskArn()));

    // Tasks run on green: the cluster cannot drop it (ECS's ResourceInUseException).
    assertThrows(
        software.amazon.awssdk.services.ecs.model.ResourceInUseException.class,
        () ->
            ecs.putClusterCapacityProviders(
                r ->
                    r.cluster(cluster)
                        .capacityProviders("blue")
                        .defaultCapacityProviderStrategy(List.of())));

    ecs.updateService(r -> r.cluster(cluster).service(service).desiredCount(0));
    ecs.deleteService(r -> r.cluster(cluster).service(service).force(true));
  }
}
