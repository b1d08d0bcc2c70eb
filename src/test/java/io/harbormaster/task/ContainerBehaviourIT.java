package io.harbormaster.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Ulimit;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UlimitName;

/**
 * What the containers of a task do on real Docker, as DescribeTasks shows it: dependsOn, health
 * checks, OOM, stop timeouts, container settings, overrides, an agent restart, and the AWS CLI's
 * task waiters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerBehaviourIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("containers");
    ecs = docker.ecs();
    cluster = docker.cluster();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  // ---- helpers ----

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private static ContainerDefinition.Builder container(String name, String command) {
    return ContainerDefinition.builder()
        .name(name)
        .image(SharedDocker.TEST_IMAGE)
        .memory(32)
        .command("sh", "-c", command)
        .dockerLabels(SharedDocker.testLabels());
  }

  private String register(String family, ContainerDefinition... containers) {
    return ecs.registerTaskDefinition(
            r -> r.family(family).networkMode(NetworkMode.HOST).containerDefinitions(containers))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private String run(String taskDefinition) {
    RunTaskResponse run = ecs.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition));
    assertTrue(run.failures().isEmpty(), run.failures().toString());
    return run.tasks().get(0).taskArn();
  }

  private Task describe(String taskArn) {
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
  }

  private static Container container(Task task, String name) {
    return task.containers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private Task awaitStopped(String taskArn) {
    ecs.waiter()
        .waitUntilTasksStopped(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
    return describe(taskArn);
  }

  private Task awaitRunning(String taskArn) {
    ecs.waiter()
        .waitUntilTasksRunning(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
    return describe(taskArn);
  }

  private Task awaitTask(String taskArn, String what, Predicate<Task> done) {
    return Await.until(what, Duration.ofMinutes(2), () -> describe(taskArn), done);
  }

  // ---- dependsOn ----

  @Test
  void aSuccessDependencyStartsItsDependentAfterTheTargetExitedZero() {
    String td =
        register(
            unique("dep-ok"),
            container("init", "sleep 1; exit 0").essential(false).build(),
            container("app", LOOP)
                .stopTimeout(2)
                .dependsOn(
                    ContainerDependency.builder()
                        .containerName("init")
                        .condition(ContainerCondition.SUCCESS)
                        .build())
                .build());
    String taskArn = run(td);
    Task running = awaitRunning(taskArn);
    Container init = container(running, "init");
    assertEquals("STOPPED", init.lastStatus());
    assertEquals(0, init.exitCode());
    assertEquals("RUNNING", container(running, "app").lastStatus());
    InspectContainerResponse initInspect = inspect(init.runtimeId());
    InspectContainerResponse appInspect = inspect(container(running, "app").runtimeId());
    Instant initFinished = Instant.parse(initInspect.getState().getFinishedAt());
    Instant appStarted = Instant.parse(appInspect.getState().getStartedAt());
    assertFalse(
        appStarted.isBefore(initFinished),
        "app started " + appStarted + " before init exited " + initFinished);
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    awaitStopped(taskArn);
  }

  @Test
  void aFailedSuccessDependencyFailsTheTask() {
    String td =
        register(
            unique("dep-fail"),
            container("init", "exit 1").essential(false).build(),
            container("app", LOOP)
                .stopTimeout(2)
                .dependsOn(
                    ContainerDependency.builder()
                        .containerName("init")
                        .condition(ContainerCondition.SUCCESS)
                        .build())
                .build());
    Task stopped = awaitStopped(run(td));
    assertEquals("TaskFailedToStart", stopped.stopCodeAsString());
    assertEquals(1, container(stopped, "init").exitCode());
    assertEquals(null, container(stopped, "app").exitCode());
    assertEquals("STOPPED", container(stopped, "app").lastStatus());
    assertEquals("STOPPED", container(stopped, "init").lastStatus());
  }

  @Test
  void aHealthyDependencyWaitsForTheHealthCheck() {
    String td =
        register(
            unique("dep-healthy"),
            container("db", LOOP)
                .stopTimeout(2)
                .healthCheck(
                    HealthCheck.builder()
                        .command("CMD-SHELL", "true")
                        .interval(5)
                        .timeout(2)
                        .retries(1)
                        .startPeriod(0)
                        .build())
                .build(),
            container("app", LOOP)
                .stopTimeout(2)
                .dependsOn(
                    ContainerDependency.builder()
                        .containerName("db")
                        .condition(ContainerCondition.HEALTHY)
                        .build())
                .build());
    String taskArn = run(td);
    Task running = awaitRunning(taskArn);
    assertEquals("HEALTHY", container(running, "db").healthStatusAsString());
    assertEquals("RUNNING", container(running, "app").lastStatus());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    awaitStopped(taskArn);
  }

  // ---- health checks ----

  @Test
  void aPassingHealthCheckMakesContainerAndTaskHealthy() {
    String td =
        register(
            unique("healthy"),
            container("main", LOOP)
                .stopTimeout(2)
                .healthCheck(
                    HealthCheck.builder()
                        .command("CMD-SHELL", "true")
                        .interval(5)
                        .retries(1)
                        .startPeriod(0)
                        .build())
                .build());
    String taskArn = run(td);
    Task healthy = awaitTask(taskArn, "HEALTHY", t -> "HEALTHY".equals(t.healthStatusAsString()));
    assertEquals("HEALTHY", container(healthy, "main").healthStatusAsString());
    assertEquals("RUNNING", healthy.lastStatus());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    awaitStopped(taskArn);
  }

  @Test
  void aFailingHealthCheckMakesTheTaskUnhealthyButKeepsItRunning() throws Exception {
    String td =
        register(
            unique("unhealthy"),
            container("main", LOOP)
                .stopTimeout(2)
                .healthCheck(
                    HealthCheck.builder()
                        .command("CMD-SHELL", "false")
                        .interval(5)
                        .retries(1)
                        .startPeriod(0)
                        .build())
                .build());
    String taskArn = run(td);
    Task unhealthy =
        awaitTask(taskArn, "UNHEALTHY", t -> "UNHEALTHY".equals(t.healthStatusAsString()));
    assertEquals("UNHEALTHY", container(unhealthy, "main").healthStatusAsString());
    Thread.sleep(6_000);
    Task later = describe(taskArn);
    assertEquals("RUNNING", later.lastStatus());
    assertEquals("RUNNING", later.desiredStatus());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    awaitStopped(taskArn);
  }

  // ---- OOM and stop timeouts ----

  @Test
  void aContainerBeyondItsMemoryIsKilledAsOutOfMemory() {
    String td =
        register(
            unique("oom"), container("main", "x=a; while :; do x=$x$x; done").memory(16).build());
    Task stopped = awaitStopped(run(td));
    assertEquals(
        "OutOfMemoryError: Container killed due to memory usage",
        container(stopped, "main").reason());
    assertEquals(137, container(stopped, "main").exitCode());
    assertNotNull(stopped.stoppedAt());
    assertEquals("EssentialContainerExited", stopped.stopCodeAsString());
  }

  @Test
  void stopTaskKillsAContainerThatIgnoresSigtermAfterItsStopTimeout() {
    String td =
        register(
            unique("stubborn"),
            ContainerDefinition.builder()
                .name("main")
                .image(SharedDocker.TEST_IMAGE)
                .memory(32)
                .command("sleep", "600")
                .stopTimeout(2)
                .dockerLabels(SharedDocker.testLabels())
                .build());
    String taskArn = run(td);
    awaitRunning(taskArn);
    Instant asked = Instant.now();
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    Task stopped = awaitTask(taskArn, "STOPPED", t -> "STOPPED".equals(t.lastStatus()));
    Duration took = Duration.between(asked, Instant.now());
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "stopping took " + took);
    assertEquals(137, container(stopped, "main").exitCode());
    assertEquals("UserInitiated", stopped.stopCodeAsString());
  }

  // ---- container settings and overrides ----

  @Test
  void containerSettingsReachDocker() {
    Map<String, String> labels = new HashMap<>(SharedDocker.testLabels());
    labels.put("team", "blue");
    String td =
        register(
            unique("settings"),
            container("main", LOOP)
                .stopTimeout(2)
                .environment(KeyValuePair.builder().name("GREETING").value("hello").build())
                .workingDirectory("/tmp")
                .user("1234:1234")
                .dockerLabels(labels)
                .ulimits(
                    software.amazon.awssdk.services.ecs.model.Ulimit.builder()
                        .name(UlimitName.NOFILE)
                        .softLimit(1000)
                        .hardLimit(2000)
                        .build())
                .build());
    String taskArn = run(td);
    Task running = awaitRunning(taskArn);
    InspectContainerResponse inspect = inspect(container(running, "main").runtimeId());
    assertTrue(
        Arrays.asList(inspect.getConfig().getEnv()).contains("GREETING=hello"),
        Arrays.toString(inspect.getConfig().getEnv()));
    assertEquals("/tmp", inspect.getConfig().getWorkingDir());
    assertEquals("1234:1234", inspect.getConfig().getUser());
    assertEquals("blue", inspect.getConfig().getLabels().get("team"));
    assertEquals(taskArn, inspect.getConfig().getLabels().get(ContainerLabels.TASK_ARN));
    Ulimit[] ulimits = inspect.getHostConfig().getUlimits();
    assertNotNull(ulimits);
    Ulimit nofile =
        Arrays.stream(ulimits).filter(u -> u.getName().equals("nofile")).findFirst().orElseThrow();
    assertEquals(1000L, nofile.getSoftLong());
    assertEquals(2000L, nofile.getHardLong());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    awaitStopped(taskArn);
  }

  @Test
  void aCommandOverrideReplacesTheCommand() {
    String td = register(unique("override"), container("main", LOOP).stopTimeout(2).build());
    RunTaskResponse run =
        ecs.runTask(
            r ->
                r.cluster(cluster)
                    .taskDefinition(td)
                    .overrides(
                        o ->
                            o.containerOverrides(
                                ContainerOverride.builder()
                                    .name("main")
                                    .command("sh", "-c", "exit 5")
                                    .build())));
    assertTrue(run.failures().isEmpty(), run.failures().toString());
    Task stopped = awaitStopped(run.tasks().get(0).taskArn());
    assertEquals(5, container(stopped, "main").exitCode());
    assertEquals("EssentialContainerExited", stopped.stopCodeAsString());
  }

  // ---- agent restart ----

  @Test
  void aRestartedAgentAdoptsItsRunningTask() throws Exception {
    String td = register(unique("restart"), container("main", LOOP).stopTimeout(2).build());
    String taskArn = run(td);
    Task running = awaitRunning(taskArn);
    String instanceArn = running.containerInstanceArn();
    String containerId = container(running, "main").runtimeId();

    docker.stopAgent();
    ContainerInstance gone =
        Await.until(
            "agentConnected false",
            Duration.ofSeconds(60),
            this::instance,
            i -> !i.agentConnected());
    assertEquals(instanceArn, gone.containerInstanceArn());

    docker.startAgent();
    ContainerInstance back =
        Await.until(
            "agentConnected true",
            Duration.ofSeconds(60),
            this::instance,
            ContainerInstance::agentConnected);
    assertEquals(instanceArn, back.containerInstanceArn());
    assertEquals(
        List.of(instanceArn),
        ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns());

    Thread.sleep(3_000);
    Task after = describe(taskArn);
    assertEquals("RUNNING", after.lastStatus());
    assertEquals(instanceArn, after.containerInstanceArn());
    assertEquals(containerId, container(after, "main").runtimeId());
    var containers = SharedDocker.runtime().listByLabel(ContainerLabels.TASK_ARN, taskArn);
    assertEquals(1, containers.size(), containers.toString());
    assertEquals(containerId, containers.get(0).id());

    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    assertEquals("UserInitiated", awaitStopped(taskArn).stopCodeAsString());
  }

  private ContainerInstance instance() {
    List<String> arns = ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
    return ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
        .containerInstances()
        .get(0);
  }

  // ---- AWS CLI waiters ----

  @Test
  void theAwsCliWaitsForATaskToRunAndToStop() {
    var found = AwsCli.v2();
    Assumptions.assumeTrue(found.isPresent(), "no AWS CLI v2 on this machine");
    AwsCli aws = found.get().against(docker.server()).timeout(Duration.ofMinutes(3));
    String td = register(unique("cli-wait"), container("main", LOOP).stopTimeout(2).build());
    String taskArn = run(td);
    aws.run("ecs", "wait", "tasks-running", "--cluster", cluster, "--tasks", taskArn).orFail();
    assertEquals("RUNNING", describe(taskArn).lastStatus());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    aws.run("ecs", "wait", "tasks-stopped", "--cluster", cluster, "--tasks", taskArn).orFail();
    assertEquals("STOPPED", describe(taskArn).lastStatus());
  }

  private static InspectContainerResponse inspect(String containerId) {
    assertNotNull(containerId, "no runtimeId");
    return SharedDocker.runtime().client().inspectContainerCmd(containerId).exec();
  }
}
