package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Services on real Docker and real Cassandra through the real SDK: the service keeps its count,
 * replaces tasks that exit or turn unhealthy, rolls a new task definition out within its bounds,
 * moves off a draining instance, runs one task per instance as a DAEMON, and replaces the tasks of
 * an agent that stays away (stopping the stale copies when it comes back). One instance: this
 * machine's engine, through an in-process agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceSchedulingIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;
  private String instanceArn;

  @BeforeAll
  void start() throws Exception {
    docker =
        DockerCluster.start(
            "services",
            Map.of(
                "harbormaster.service.reconcile-interval", "2s",
                "harbormaster.service.task-refresh-interval", "5s",
                "harbormaster.service.lost-host-timeout", "10s"));
    ecs = docker.ecs();
    cluster = docker.cluster();
    instanceArn =
        ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().get(0);
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  /** Each test leaves no service behind, so the next one has the instance to itself. */
  @AfterEach
  void deleteServices() {
    for (String arn : ecs.listServices(r -> r.cluster(cluster).maxResults(100)).serviceArns()) {
      ecs.deleteService(r -> r.cluster(cluster).service(arn).force(true));
      ecs.waiter()
          .waitUntilServicesInactive(
              r -> r.cluster(cluster).services(arn), o -> o.waitTimeout(LIMIT));
    }
    ecs.updateContainerInstancesState(
        r ->
            r.cluster(cluster)
                .containerInstances(instanceArn)
                .status(ContainerInstanceStatus.ACTIVE));
  }

  private String register(String family, String command, HealthCheck healthCheck) {
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
                            .stopTimeout(2)
                            .healthCheck(healthCheck)
                            .dockerLabels(SharedDocker.testLabels())
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Service describe(String name) {
    return ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0);
  }

  private Service awaitService(
      String what, String name, java.util.function.Predicate<Service> done) {
    return Await.until(what, LIMIT, () -> describe(name), done);
  }

  private static boolean stable(Service s, int count) {
    return s.deployments().size() == 1
        && s.runningCount() == count
        && s.desiredCount() == count
        && s.pendingCount() == 0;
  }

  private List<Task> tasks(String name, DesiredStatus desired) {
    List<String> arns =
        ecs.listTasks(r -> r.cluster(cluster).serviceName(name).desiredStatus(desired)).taskArns();
    if (arns.isEmpty()) return List.of();
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
  }

  private static List<String> messages(Service s) {
    return s.events().stream().map(ServiceEvent::message).toList();
  }

  @Test
  void aServiceScalesUpAndDown() {
    String td = register(unique("scale"), LOOP, null);
    String name = unique("scale");
    ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(td).desiredCount(3));

    Service three = awaitService("three running", name, s -> stable(s, 3));
    List<Task> running = tasks(name, DesiredStatus.RUNNING);
    assertEquals(3, running.size());
    for (Task t : running) {
      assertEquals("service:" + name, t.group());
      assertEquals(three.deployments().get(0).id(), t.startedBy());
      assertEquals("RUNNING", t.lastStatus());
    }
    assertTrue(
        messages(three).stream().anyMatch(m -> m.startsWith("(service " + name + ") has started")),
        messages(three).toString());

    ecs.updateService(r -> r.cluster(cluster).service(name).desiredCount(1));

    awaitService("one running", name, s -> stable(s, 1));
    List<Task> stopped =
        Await.until(
            "two stopped tasks",
            LIMIT,
            () -> tasks(name, DesiredStatus.STOPPED),
            ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.lastStatus().equals("STOPPED")));
    for (Task t : stopped) assertEquals("ServiceSchedulerInitiated", t.stopCodeAsString());
    assertEquals(1, tasks(name, DesiredStatus.RUNNING).size());
  }

  @Test
  void aTaskWhoseContainerExitsIsReplaced() {
    String td = register(unique("exits"), "sleep 8; exit 1", null);
    String name = unique("exits");
    ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(td).desiredCount(1));
    String first =
        Await.until(
                "a running task",
                LIMIT,
                () -> tasks(name, DesiredStatus.RUNNING),
                ts -> ts.size() == 1 && ts.get(0).lastStatus().equals("RUNNING"))
            .get(0)
            .taskArn();

    Task exited =
        Await.until(
            "the first task stopped",
            LIMIT,
            () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(first)).tasks().get(0),
            t -> t.lastStatus().equals("STOPPED"));
    assertEquals("EssentialContainerExited", exited.stopCodeAsString());
    Await.until(
        "a replacement",
        LIMIT,
        () -> tasks(name, DesiredStatus.RUNNING),
        ts -> ts.stream().anyMatch(t -> !t.taskArn().equals(first)));
  }

  @Test
  void anUnhealthyTaskIsReplaced() {
    // Healthy for its first seconds, then the check fails: an application that hangs.
    String td =
        register(
            unique("sick"),
            "date +%s > /started; " + LOOP,
            HealthCheck.builder()
                .command("CMD-SHELL", "[ $(( $(date +%s) - $(cat /started) )) -lt 12 ]")
                .interval(5)
                .retries(1)
                .timeout(2)
                .startPeriod(0)
                .build());
    String name = unique("sick");
    ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(td).desiredCount(1));
    String first =
        Await.until(
                "a healthy task",
                LIMIT,
                () -> tasks(name, DesiredStatus.RUNNING),
                ts -> ts.size() == 1 && "HEALTHY".equals(ts.get(0).healthStatusAsString()))
            .get(0)
            .taskArn();

    Task replaced =
        Await.until(
            "the unhealthy task stopped",
            LIMIT,
            () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(first)).tasks().get(0),
            t -> t.lastStatus().equals("STOPPED"));
    assertEquals("ServiceSchedulerInitiated", replaced.stopCodeAsString());
    Await.until(
        "a replacement",
        LIMIT,
        () -> tasks(name, DesiredStatus.RUNNING),
        ts -> ts.stream().anyMatch(t -> !t.taskArn().equals(first)));
  }

  @Test
  void aNewTaskDefinitionRollsOutWithinMaximumPercent() throws Exception {
    String family = unique("roll");
    String td1 = register(family, LOOP, null);
    String td2 = register(family, "echo v2; " + LOOP, null);
    String name = unique("roll");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(td1)
                .desiredCount(2)
                .deploymentConfiguration(c -> c.minimumHealthyPercent(50).maximumPercent(150)));
    awaitService("two running", name, s -> stable(s, 2));

    AtomicInteger most = new AtomicInteger();
    Set<String> seen = new HashSet<>();
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  List<Task> live = tasks(name, DesiredStatus.RUNNING);
                  most.accumulateAndGet(
                      (int) live.stream().filter(t -> !t.lastStatus().equals("STOPPED")).count(),
                      Math::max);
                  live.forEach(t -> seen.add(t.taskArn()));
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // a poll that failed is no observation
                }
              }
            });
    watcher.start();
    try {
      ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(td2));
      // The old deployment goes with its last task; the new one is marked COMPLETED by the decision
      // after that.
      Service done =
          awaitService(
              "the rollout complete",
              name,
              s ->
                  stable(s, 2)
                      && s.deployments().get(0).taskDefinition().equals(td2)
                      && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString()));
      assertEquals(td2, done.taskDefinition());
      assertTrue(
          tasks(name, DesiredStatus.RUNNING).stream()
              .allMatch(t -> t.taskDefinitionArn().equals(td2)));
    } finally {
      watcher.interrupt();
      watcher.join();
    }
    assertTrue(most.get() <= 3, "at most 150% of 2 tasks at any time, saw " + most.get());
    assertTrue(seen.size() >= 4, "two old and two new tasks, saw " + seen);
  }

  @Test
  void aBrokenImageIsRolledBackByTheCircuitBreaker() {
    String family = unique("broken");
    String good = register(family, LOOP, null);
    String broken =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .networkMode(NetworkMode.HOST)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image("harbormaster/no-such-image:" + family)
                                .memory(32)
                                .dockerLabels(SharedDocker.testLabels())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String name = unique("broken");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(good)
                .desiredCount(2)
                .deploymentConfiguration(
                    c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true))));
    awaitService("two running", name, s -> stable(s, 2));

    ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(broken));

    Service back =
        Await.until(
            "the rollback complete",
            Duration.ofMinutes(4),
            () -> describe(name),
            s ->
                stable(s, 2)
                    && s.deployments().get(0).taskDefinition().equals(good)
                    && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString()));
    assertTrue(
        messages(back).stream()
            .anyMatch(m -> m.contains("deployment failed: tasks failed to start.")),
        messages(back).toString());
    assertTrue(
        messages(back).stream().anyMatch(m -> m.contains("rolling back from failed deployment")),
        messages(back).toString());
    List<Task> failed =
        tasks(name, DesiredStatus.STOPPED).stream()
            .filter(t -> t.taskDefinitionArn().equals(broken))
            .toList();
    List<String> stopCodes = failed.stream().map(Task::stopCodeAsString).toList();
    assertTrue(
        stopCodes.stream().filter("TaskFailedToStart"::equals).count() >= 3,
        "the breaker counts three tasks that failed to start: " + stopCodes);
    // A broken task still pending when the breaker trips belongs to the failed deployment and is
    // stopped by the
    // scheduler during the rollback, not counted as failed.
    assertTrue(
        stopCodes.stream()
            .allMatch(c -> c.equals("TaskFailedToStart") || c.equals("ServiceSchedulerInitiated")),
        stopCodes.toString());
    assertTrue(
        tasks(name, DesiredStatus.RUNNING).stream()
            .allMatch(t -> t.taskDefinitionArn().equals(good)));
  }

  @Test
  void aDrainingInstanceLosesItsServiceTasksAndGetsThemBackWhenActive() {
    String td = register(unique("drain"), LOOP, null);
    String name = unique("drain");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(td)
                .desiredCount(1)
                .deploymentConfiguration(c -> c.minimumHealthyPercent(0).maximumPercent(100)));
    String first =
        awaitService("one running", name, s -> stable(s, 1)) != null
            ? tasks(name, DesiredStatus.RUNNING).get(0).taskArn()
            : null;

    ecs.updateContainerInstancesState(
        r ->
            r.cluster(cluster)
                .containerInstances(instanceArn)
                .status(ContainerInstanceStatus.DRAINING));

    Await.until(
        "the task off the draining instance",
        LIMIT,
        () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(first)).tasks().get(0),
        t -> t.lastStatus().equals("STOPPED"));
    Service waiting =
        awaitService(
            "a placement failure",
            name,
            s -> messages(s).stream().anyMatch(m -> m.contains("was unable to place a task")));
    assertEquals(0, waiting.runningCount());

    ecs.updateContainerInstancesState(
        r ->
            r.cluster(cluster)
                .containerInstances(instanceArn)
                .status(ContainerInstanceStatus.ACTIVE));
    awaitService("one running again", name, s -> stable(s, 1));
    assertFalse(tasks(name, DesiredStatus.RUNNING).get(0).taskArn().equals(first));
  }

  @Test
  void aDaemonServiceRunsOneTaskOnTheInstance() {
    String td = register(unique("daemon"), LOOP, null);
    String name = unique("daemon");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(td)
                .schedulingStrategy(SchedulingStrategy.DAEMON));

    Service running = awaitService("the daemon task", name, s -> stable(s, 1));
    assertEquals(SchedulingStrategy.DAEMON, running.schedulingStrategy());
    List<Task> tasks = tasks(name, DesiredStatus.RUNNING);
    assertEquals(1, tasks.size());
    assertEquals(instanceArn, tasks.get(0).containerInstanceArn());
  }

  @Test
  void aTaskThatFitsNowhereBecomesAPlacementFailureEvent() {
    String family = unique("huge");
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
    String name = unique("huge");
    ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(td).desiredCount(1));

    Service s = awaitService("a placement failure", name, v -> !v.events().isEmpty());
    assertTrue(
        messages(s)
            .get(0)
            .startsWith(
                "(service "
                    + name
                    + ") was unable to place a task because no "
                    + "container instance met all of its requirements."),
        messages(s).toString());
    assertTrue(messages(s).get(0).contains("RESOURCE:MEMORY"), messages(s).toString());
    assertEquals(0, s.runningCount());
  }

  @Test
  void theTasksOfAnAgentThatStaysAwayAreReplacedAndItsStaleCopiesStoppedWhenItReturns()
      throws Exception {
    String td = register(unique("lost"), LOOP, null);
    String name = unique("lost");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(td)
                .desiredCount(1)
                .deploymentConfiguration(c -> c.minimumHealthyPercent(0).maximumPercent(100)));
    awaitService("one running", name, s -> stable(s, 1));
    String first = tasks(name, DesiredStatus.RUNNING).get(0).taskArn();

    docker.stopAgent();
    try {
      // Past the lost-host timeout the service gives the task up (it cannot reach the agent to stop
      // it yet).
      Await.until(
          "the lost task given up",
          LIMIT,
          () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(first)).tasks().get(0),
          t -> t.desiredStatus().equals("STOPPED"));
    } finally {
      docker.startAgent();
    }

    Await.until(
        "the stale copy stopped",
        LIMIT,
        () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(first)).tasks().get(0),
        t -> t.lastStatus().equals("STOPPED"));
    awaitService("one running again", name, s -> stable(s, 1));
    List<Task> running = tasks(name, DesiredStatus.RUNNING);
    assertEquals(1, running.size());
    assertFalse(running.get(0).taskArn().equals(first));
  }
}
