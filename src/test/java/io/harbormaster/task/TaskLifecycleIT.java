package io.harbormaster.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Tasks on real Docker through the real SDK: an agent registers this machine's engine, RunTask
 * places a task on it, the container runs, and stopping or exiting moves the task to STOPPED as ECS
 * would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLifecycleIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("tasks");
    ecs = docker.ecs();
    cluster = docker.cluster();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  private String register(String family, String command, Integer stopTimeout) {
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(SharedDocker.TEST_IMAGE)
                            .memory(32)
                            .command("sh", "-c", command)
                            .stopTimeout(stopTimeout)
                            .dockerLabels(SharedDocker.testLabels())
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private Task describe(String taskArn) {
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
  }

  private Task awaitStopped(String taskArn) {
    ecs.waiter()
        .waitUntilTasksStopped(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
    return describe(taskArn);
  }

  @Test
  void theAgentRegistersThisMachineAsAContainerInstance() {
    List<String> arns = ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
    assertEquals(1, arns.size());
    ContainerInstance instance =
        ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
            .containerInstances()
            .get(0);
    assertTrue(instance.agentConnected());
    assertEquals("ACTIVE", instance.status());
    assertTrue(instance.attributes().stream().anyMatch(a -> a.name().equals("ecs.os-type")));
    assertTrue(
        instance.registeredResources().stream()
            .anyMatch(r -> r.name().equals("MEMORY") && r.integerValue() > 0));
  }

  @Test
  void aTaskRunsAndStopsWhenAskedTo() {
    String td = register("loop-" + UUID.randomUUID().toString().substring(0, 6), LOOP, 5);
    RunTaskResponse run = ecs.runTask(r -> r.cluster(cluster).taskDefinition(td).startedBy("it"));
    assertTrue(run.failures().isEmpty(), run.failures().toString());
    String taskArn = run.tasks().get(0).taskArn();
    ecs.waiter()
        .waitUntilTasksRunning(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
    Task running = describe(taskArn);
    assertEquals("RUNNING", running.lastStatus());
    assertNotNull(running.startedAt());
    assertNotNull(running.containers().get(0).runtimeId());
    assertTrue(ecs.listTasks(r -> r.cluster(cluster).startedBy("it")).taskArns().contains(taskArn));

    ecs.stopTask(r -> r.cluster(cluster).task(taskArn).reason("enough"));
    Task stopped = awaitStopped(taskArn);
    assertEquals("STOPPED", stopped.lastStatus());
    assertEquals("UserInitiated", stopped.stopCodeAsString());
    assertEquals("enough", stopped.stoppedReason());
    assertEquals(0, stopped.containers().get(0).exitCode());
    assertNotNull(stopped.stoppedAt());
  }

  @Test
  void anEssentialContainerThatExitsStopsItsTask() {
    String td = register("exit3-" + UUID.randomUUID().toString().substring(0, 6), "exit 3", null);
    String taskArn =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(td)).tasks().get(0).taskArn();
    Task stopped = awaitStopped(taskArn);
    assertEquals("EssentialContainerExited", stopped.stopCodeAsString());
    assertEquals("Essential container in task exited", stopped.stoppedReason());
    assertEquals(3, stopped.containers().get(0).exitCode());
  }

  @Test
  void aTaskThatDoesNotFitIsReportedInFailures() {
    String family = "huge-" + UUID.randomUUID().toString().substring(0, 6);
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(10_000_000)
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    RunTaskResponse run = ecs.runTask(r -> r.cluster(cluster).taskDefinition(td));
    assertTrue(run.tasks().isEmpty());
    assertEquals("RESOURCE:MEMORY", run.failures().get(0).reason());
  }

  @Test
  void runTaskRefusesMoreThanTenTasks() {
    String td = register("many-" + UUID.randomUUID().toString().substring(0, 6), LOOP, 2);
    assertThrows(
        InvalidParameterException.class,
        () -> ecs.runTask(r -> r.cluster(cluster).taskDefinition(td).count(11)));
  }

  @Test
  void aRunTaskRetriedWithItsClientTokenReturnsTheSameTaskAndHoldsItsResourcesOnce() {
    String td = register("retry-" + UUID.randomUUID().toString().substring(0, 6), LOOP, 2);
    Await.until(
        "no task on the instance",
        Duration.ofSeconds(30),
        this::instance,
        i -> i.runningTasksCount() + i.pendingTasksCount() == 0);
    int before = remainingMemory(instance());
    String token = UUID.randomUUID().toString();

    String first =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(td).clientToken(token))
            .tasks()
            .get(0)
            .taskArn();
    RunTaskResponse again =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(td).clientToken(token));

    assertEquals(List.of(first), again.tasks().stream().map(Task::taskArn).toList());
    // the retry placed the task again before it knew; what that reserved is given back
    Await.until(
        "the task's 32 MiB held once",
        Duration.ofSeconds(30),
        this::instance,
        i ->
            remainingMemory(i) == before - 32
                && i.runningTasksCount() + i.pendingTasksCount() == 1);
    ecs.stopTask(r -> r.cluster(cluster).task(first));
    awaitStopped(first);
  }

  private ContainerInstance instance() {
    List<String> arns = ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
    return ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
        .containerInstances()
        .get(0);
  }

  private static int remainingMemory(ContainerInstance instance) {
    return instance.remainingResources().stream()
        .filter(r -> r.name().equals("MEMORY"))
        .findFirst()
        .orElseThrow()
        .integerValue();
  }

  @Test
  void unknownTasksAreMissing() {
    var out = ecs.describeTasks(r -> r.cluster(cluster).tasks("0123456789abcdef0123456789abcdef"));
    assertFalse(out.failures().isEmpty());
    assertEquals("MISSING", out.failures().get(0).reason());
  }
}
