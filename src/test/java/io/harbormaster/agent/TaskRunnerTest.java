package io.harbormaster.agent;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerState.Health;
import io.harbormaster.agent.runtime.ContainerState.Status;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import io.harbormaster.agent.runtime.hollow.HollowRuntime;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.StateReport;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.TaskStatus;
import io.harbormaster.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's task engine over a fake container runtime: what it asks the runtime, in which order,
 * and what it reports. The engine runs on a small thread pool as in production; the test waits for
 * reports with a deadline.
 */
class TaskRunnerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(5);
  private static final Duration NO_CLEANUP_IN_A_TEST = Duration.ofHours(1);
  private static final String TASK_ID = "0123456789abcdef0123456789abcdef";
  private static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/default";
  private static final String TASK_ARN =
      "arn:aws:ecs:us-east-1:123456789012:task/default/" + TASK_ID;

  private final FakeContainerRuntime runtime = new FakeContainerRuntime();
  private final List<RuntimeTaskEngine> engines = new ArrayList<>();
  private final List<TaskReport> reports = new CopyOnWriteArrayList<>();
  private ExecutorService pool;
  private ScheduledExecutorService timers;
  private RuntimeTaskEngine engine;

  @BeforeEach
  void startPool() {
    pool = Executors.newFixedThreadPool(4);
    timers = Executors.newScheduledThreadPool(2);
  }

  @AfterEach
  void stopAll() {
    engines.forEach(RuntimeTaskEngine::close);
    pool.shutdownNow();
    timers.shutdownNow();
  }

  private RuntimeTaskEngine engine(Optional<Path> stateDir, Duration cleanupDelay) {
    RuntimeTaskEngine e = new RuntimeTaskEngine(runtime, pool, timers, stateDir, cleanupDelay);
    e.onReport(reports::add);
    engines.add(e);
    return e;
  }

  private RuntimeTaskEngine engine() {
    return engine(Optional.empty(), NO_CLEANUP_IN_A_TEST);
  }

  // ---- start ----

  @Test
  void containersAreCreatedAndStartedAndTheTaskReportsRunning() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27","portMappings":[{"containerPort":80}]},
          {"name":"cache","image":"redis:7","portMappings":[{"containerPort":6379,"hostPort":6379}]}]}
        """));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(
        List.of(
            "pull nginx:1.27",
            "pull redis:7",
            "create web",
            "create cache",
            "start web",
            "start cache"),
        runtime.calls());
    assertEquals(
        new AgentMessages.ContainerState(
            "web",
            "nginx:1.27",
            runtime.idOf("web"),
            "RUNNING",
            null,
            null,
            List.of(
                new AgentMessages.NetworkBinding(
                    "0.0.0.0", 80, FakeContainerRuntime.FIRST_DYNAMIC_PORT, "tcp")),
            "UNKNOWN"),
        container(running, "web"));
    assertEquals(
        List.of(new AgentMessages.NetworkBinding("0.0.0.0", 6379, 6379, "tcp")),
        container(running, "cache").networkBindings());
    assertEquals("UNKNOWN", running.healthStatus());
    assertNull(running.stopCode());
    assertNull(running.pullStartedAt()); // both images were there
    assertEquals(TASK_ARN, runtime.spec("web").labels().get(ContainerLabels.TASK_ARN));
    assertEquals("cache", runtime.spec("cache").labels().get(ContainerLabels.CONTAINER_NAME));
    assertEquals(List.of(new TaskReport(TASK_ID, running)), engine.reports());
  }

  @Test
  void pulledImagesGiveTheTaskItsPullTimes() {
    engine = engine();
    runtime.absent("nginx:1.27");

    engine.start(payload(oneContainer("web", "nginx:1.27")));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(FakeContainerRuntime.PULL_STARTED, running.pullStartedAt());
    assertEquals(FakeContainerRuntime.PULL_STOPPED, running.pullStoppedAt());
  }

  @Test
  void payloadThatComesTwiceStartsTheTaskOnce() {
    engine = engine();
    TaskPayload payload = payload(oneContainer("web", "nginx:1.27"));

    engine.start(payload);
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    engine.start(payload);

    assertEquals(List.of("create web"), runtime.calls("create"));
    assertEquals(1, engine.reports().size());
  }

  @Test
  void payloadOfATaskThatStoppedHereReportsTheStopAgainAndStartsNothing() {
    engine = engine();
    TaskPayload payload = payload(oneContainer("web", "nginx:1.27"));
    engine.start(payload);
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    runtime.exit("web", 0);
    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    int reportsBefore = reports.size();

    // The control plane missed the stop (its write failed) and asks for the task again.
    engine.start(payload);

    assertEquals(List.of("create web"), runtime.calls("create"));
    assertEquals(List.of("start web"), runtime.calls("start"));
    assertEquals(reportsBefore + 1, reports.size());
    assertEquals(new TaskReport(TASK_ID, stopped), reports.get(reports.size() - 1));
  }

  @Test
  void imageKnownPresentIsNotCheckedAgainForTheNextTask() {
    engine = engine();
    engine.start(payload(oneContainer("web", "nginx:1.27")));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    engine.start(otherTask("1", oneContainer("web", "nginx:1.27")));

    awaitUntil(
        "the second task RUNNING",
        () ->
            engine.reports().stream()
                .anyMatch(
                    r ->
                        r.taskId().equals(OTHER_TASK_ID + "1")
                            && r.report().status() == TaskStatus.RUNNING));
    assertEquals(List.of("pull nginx:1.27"), runtime.calls("pull"));
    assertEquals(List.of("create web", "create web"), runtime.calls("create"));
  }

  @Test
  void imageRemovedSinceItWasSeenIsPulledAgainWhenTheCreateFails() {
    engine = engine();
    engine.start(payload(oneContainer("web", "nginx:1.27")));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    runtime.absent("nginx:1.27"); // someone removed it

    engine.start(otherTask("2", oneContainer("web", "nginx:1.27")));

    awaitUntil(
        "the second task RUNNING",
        () ->
            engine.reports().stream()
                .anyMatch(
                    r ->
                        r.taskId().equals(OTHER_TASK_ID + "2")
                            && r.report().status() == TaskStatus.RUNNING
                            && FakeContainerRuntime.PULL_STARTED.equals(
                                r.report().pullStartedAt())));
    assertEquals(List.of("pull nginx:1.27", "pull nginx:1.27"), runtime.calls("pull"));
    assertEquals(List.of("create web", "create web"), runtime.calls("create"));
  }

  @Test
  void overridesReachTheContainerSpec() {
    engine = engine();
    TaskPayload payload =
        new TaskPayload(
            TASK_ID,
            TASK_ARN,
            CLUSTER_ARN,
            "web",
            3,
            json(
                """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27","command":["nginx","-g","daemon off;"],"memory":256,
           "environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
          {"name":"other","image":"busybox:1","command":["sleep","1000"]}]}
        """),
            json(
                """
        {"containerOverrides":[{"name":"web","command":["echo","hi"],"memory":512,
          "environment":[{"name":"B","value":"override"},{"name":"C","value":"new"}]}]}
        """));

    engine.start(payload);

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    ContainerSpec web = runtime.spec("web");
    assertEquals(List.of("echo", "hi"), web.command());
    assertEquals(List.of("A=1", "B=override", "C=new"), web.env());
    assertEquals(512, web.memoryHardMiB());
    assertEquals(List.of("sleep", "1000"), runtime.spec("other").command());
  }

  // ---- dependsOn ----

  @Test
  void containerWaitsForADependencyDefinedAfterItToStart() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"app","image":"app:1","dependsOn":[{"containerName":"log-router","condition":"START"}]},
          {"name":"log-router","image":"fluent-bit:3"}]}
        """));

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("start log-router", "start app"), runtime.calls("start"));
  }

  @Test
  void containerWaitsForADependencyDefinedBeforeItToStart() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"db","image":"postgres:17"},
          {"name":"app","image":"app:1","dependsOn":[{"containerName":"db","condition":"START"}]}]}
        """));

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("start db", "start app"), runtime.calls("start"));
  }

  @Test
  void containerWaitsUntilItsDependencyCompletesWhateverItsExitCode() {
    engine = engine();
    engine.start(payload(dependsOn("COMPLETE")));
    StateReport waiting =
        awaitReport("init running", r -> "RUNNING".equals(container(r, "init").lastStatus()));
    assertEquals(TaskStatus.PENDING, waiting.status());
    assertEquals("PENDING", container(waiting, "app").lastStatus());
    assertNotNull(container(waiting, "app").runtimeId()); // created, not started
    assertEquals(List.of("start init"), runtime.calls("start"));

    runtime.exit("init", 1);

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("start init", "start app"), runtime.calls("start"));
    assertEquals(1, container(running, "init").exitCode());
    assertEquals("STOPPED", container(running, "init").lastStatus());
  }

  @Test
  void containerStartsOnceItsDependencySucceeded() {
    engine = engine();
    engine.start(payload(dependsOn("SUCCESS")));
    awaitReport("init running", r -> "RUNNING".equals(container(r, "init").lastStatus()));
    assertEquals(List.of("start init"), runtime.calls("start"));

    runtime.exit("init", 0);

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("start init", "start app"), runtime.calls("start"));
  }

  @Test
  void dependencyThatExitsNonZeroUnderSuccessFailsTheTask() {
    engine = engine();
    engine.start(payload(dependsOn("SUCCESS")));
    awaitReport("init running", r -> "RUNNING".equals(container(r, "init").lastStatus()));

    runtime.exit("init", 2);

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("TaskFailedToStart", stopped.stopCode());
    assertTrue(stopped.stoppedReason().contains("app"), stopped.stoppedReason());
    assertEquals(List.of("start init"), runtime.calls("start"));
    assertEquals("STOPPED", container(stopped, "app").lastStatus());
    assertNotNull(stopped.executionStoppedAt());
  }

  @Test
  void containerStartsOnceItsDependencyIsHealthy() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"db","image":"postgres:17","healthCheck":{"command":["CMD-SHELL","pg_isready"]}},
          {"name":"app","image":"app:1","dependsOn":[{"containerName":"db","condition":"HEALTHY"}]}]}
        """));
    StateReport waiting =
        awaitReport("db running", r -> "RUNNING".equals(container(r, "db").lastStatus()));
    assertEquals(TaskStatus.PENDING, waiting.status());
    assertEquals(List.of("start db"), runtime.calls("start"));

    runtime.health("db", Health.HEALTHY);

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("start db", "start app"), runtime.calls("start"));
    assertEquals("HEALTHY", container(running, "db").healthStatus());
    assertEquals("HEALTHY", running.healthStatus());
  }

  @Test
  void dependencyNotMetWithinTheStartTimeoutFailsTheTask() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"db","image":"postgres:17","healthCheck":{"command":["CMD-SHELL","pg_isready"]}},
          {"name":"app","image":"app:1","startTimeout":1,
           "dependsOn":[{"containerName":"db","condition":"HEALTHY"}]}]}
        """));

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);

    assertEquals("TaskFailedToStart", stopped.stopCode());
    assertEquals(
        "Container app did not start within its startTimeout of 1 seconds: its dependencies were not met.",
        stopped.stoppedReason());
    assertEquals(List.of("start db"), runtime.calls("start"));
    assertEquals(
        List.of("stop app 30s", "stop db 30s"),
        runtime.calls("stop")); // app was created, never started
  }

  // ---- exits ----

  @Test
  void essentialContainerExitStopsTheOthersInReverseOrder() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"a","image":"busybox:1"},
          {"name":"b","image":"busybox:1"},
          {"name":"c","image":"busybox:1","essential":false}]}
        """));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    runtime.exit("a", 1);

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals(List.of("stop c 30s", "stop b 30s"), runtime.calls("stop"));
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals("Essential container in task exited", stopped.stoppedReason());
    assertEquals(1, container(stopped, "a").exitCode());
    assertEquals(143, container(stopped, "b").exitCode());
    assertEquals(
        List.of("STOPPED", "STOPPED", "STOPPED"),
        stopped.containers().stream().map(AgentMessages.ContainerState::lastStatus).toList());
    assertNotNull(stopped.executionStoppedAt());
    assertTrue(
        statusesReported().contains(TaskStatus.STOPPING),
        () -> "no STOPPING in " + statusesReported());
  }

  @Test
  void nonEssentialContainerExitLeavesTheTaskRunning() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27"},
          {"name":"migrate","image":"app:1","essential":false}]}
        """));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    runtime.exit("migrate", 2);

    StateReport report =
        awaitReport("migrate stopped", r -> "STOPPED".equals(container(r, "migrate").lastStatus()));
    assertEquals(TaskStatus.RUNNING, report.status());
    assertEquals(2, container(report, "migrate").exitCode());
    assertEquals("RUNNING", container(report, "web").lastStatus());
    assertNull(report.stopCode());
    assertEquals(List.of(), runtime.calls("stop"));
  }

  @Test
  void containerKilledAtItsMemoryLimitSaysSo() {
    engine = engine();
    engine.start(payload(oneContainer("web", "nginx:1.27")));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    runtime.outOfMemory("web");

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals(
        "OutOfMemoryError: Container killed due to memory usage",
        container(stopped, "web").reason());
    assertEquals(137, container(stopped, "web").exitCode());
    assertEquals("EssentialContainerExited", stopped.stopCode());
  }

  // ---- stop ----

  @Test
  void stopStopsEveryContainerWithItsOwnStopTimeoutInReverseOrder() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27","stopTimeout":10},
          {"name":"sidecar","image":"envoy:1"}]}
        """));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    engine.stop(TASK_ID, "Task stopped by user");

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals(List.of("stop sidecar 30s", "stop web 10s"), runtime.calls("stop"));
    assertEquals("Task stopped by user", stopped.stoppedReason());
    assertNull(stopped.stopCode()); // the control plane knows who asked
    assertEquals(
        List.of(143, 143),
        stopped.containers().stream().map(AgentMessages.ContainerState::exitCode).toList());
    assertNotNull(stopped.executionStoppedAt());
    List<TaskStatus> statuses = statusesReported();
    assertEquals(
        List.of(TaskStatus.RUNNING, TaskStatus.STOPPING, TaskStatus.STOPPED),
        statuses.stream().distinct().toList());
  }

  @Test
  void stopOfAnUnknownTaskIsIgnored() {
    engine = engine();

    engine.stop("nothing-here", "Task stopped by user");

    assertEquals(List.of(), engine.reports());
    assertEquals(List.of(), runtime.calls());
  }

  @Test
  void imageThatCannotBePulledFailsTheTaskBeforeAnythingIsCreated() {
    engine = engine();
    runtime.unpullable("private/app:1", "pull access denied, repository does not exist");

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27"},
          {"name":"app","image":"private/app:1"}]}
        """));

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("TaskFailedToStart", stopped.stopCode());
    assertEquals(
        "CannotPullContainerError: private/app:1: pull access denied, repository does not exist",
        stopped.stoppedReason());
    assertEquals(FakeContainerRuntime.PULL_STARTED, stopped.pullStartedAt());
    assertEquals(FakeContainerRuntime.PULL_STOPPED, stopped.pullStoppedAt());
    assertEquals(List.of(), runtime.calls("create"));
    assertEquals(
        List.of("STOPPED", "STOPPED"),
        stopped.containers().stream().map(AgentMessages.ContainerState::lastStatus).toList());
  }

  @Test
  void taskTheAgentCannotRunFailsToStartInsteadOfStayingPending() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"networkMode":"bridge","containerDefinitions":[
          {"name":"web","image":"nginx:1.27","portMappings":[{"containerPortRange":"80-81"}]}]}
        """));

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("TaskFailedToStart", stopped.stopCode());
    assertTrue(
        stopped.stoppedReason().startsWith("CannotCreateContainerError: "),
        stopped.stoppedReason());
    assertTrue(stopped.stoppedReason().contains("containerPortRange"), stopped.stoppedReason());
  }

  // ---- awsvpc ----

  private static final String AWSVPC_TASK =
      """
      {"family":"web","revision":3,"networkMode":"awsvpc","containerDefinitions":[
        {"name":"web","image":"nginx:1.27","portMappings":[{"containerPort":80}]},
        {"name":"sidecar","image":"envoy:1"}]}
      """;

  @Test
  void awsvpcTask_aPauseContainerHoldsItsNetwork_itsContainersJoinIt_andItStopsLast() {
    engine = engine();

    engine.start(payload(AWSVPC_TASK));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    String pause = TaskNetworking.PAUSE_CONTAINER_NAME;
    assertEquals(
        List.of(
            "pull nginx:1.27",
            "pull envoy:1",
            "pull " + TaskNetworkSettings.DEFAULT_PAUSE_IMAGE,
            "create " + pause,
            "start " + pause,
            "create web",
            "create sidecar",
            "start web",
            "start sidecar"),
        runtime.calls());
    assertEquals(
        new AgentMessages.NetworkInterface(
            FakeContainerRuntime.TASK_ADDRESS, FakeContainerRuntime.TASK_MAC),
        running.networkInterface());
    assertEquals(ContainerSpec.NetworkMode.BRIDGE, runtime.spec(pause).networkMode());
    for (String name : List.of("web", "sidecar")) {
      assertEquals(ContainerSpec.NetworkMode.AWSVPC, runtime.spec(name).networkMode());
      assertEquals(runtime.idOf(pause), runtime.spec(name).networkNamespaceOf(), name);
    }
    assertEquals(
        List.of("web", "sidecar"),
        running.containers().stream().map(AgentMessages.ContainerState::name).toList(),
        "the pause container is the agent's, not the task's");

    engine.stop(TASK_ID, "bye");

    awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals(
        List.of("stop sidecar 30s", "stop web 30s", "stop " + pause + " 5s"),
        runtime.calls("stop"));
  }

  @Test
  void awsvpcTask_whosePauseContainerExits_stops() {
    engine = engine();
    engine.start(payload(AWSVPC_TASK));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);

    runtime.exit(TaskNetworking.PAUSE_CONTAINER_NAME, 137);

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals(TaskRunner.NETWORK_EXITED, stopped.stoppedReason());
  }

  @Test
  void awsvpcTask_ofARestartedAgent_adoptsItsPauseContainer() {
    String pause =
        runtime.existing(
            CLUSTER_ARN,
            TASK_ARN,
            "web",
            3,
            TaskNetworking.PAUSE_CONTAINER_NAME,
            TaskNetworkSettings.DEFAULT_PAUSE_IMAGE,
            Status.RUNNING,
            null);
    engine = engine();

    engine.start(payload(AWSVPC_TASK));

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of(), runtime.calls("create " + TaskNetworking.PAUSE_CONTAINER_NAME));
    assertEquals(pause, runtime.spec("web").networkNamespaceOf());
  }

  // ---- health ----

  @Test
  void taskHealthIsOverEssentialContainersWithHealthChecks() {
    engine = engine();
    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"a","image":"busybox:1","healthCheck":{"command":["CMD","true"]}},
          {"name":"b","image":"busybox:1","healthCheck":{"command":["CMD","true"]}},
          {"name":"c","image":"busybox:1","essential":false,"healthCheck":{"command":["CMD","true"]}},
          {"name":"d","image":"busybox:1"}]}
        """));
    assertEquals(
        "UNKNOWN", awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING).healthStatus());

    runtime.health("a", Health.HEALTHY);
    StateReport oneHealthy =
        awaitReport("a healthy", r -> "HEALTHY".equals(container(r, "a").healthStatus()));
    runtime.health("b", Health.HEALTHY);
    StateReport allHealthy =
        awaitReport("b healthy", r -> "HEALTHY".equals(container(r, "b").healthStatus()));
    runtime.health("c", Health.UNHEALTHY);
    StateReport sidecarUnhealthy =
        awaitReport("c unhealthy", r -> "UNHEALTHY".equals(container(r, "c").healthStatus()));
    runtime.health("a", Health.UNHEALTHY);
    StateReport essentialUnhealthy =
        awaitReport("a unhealthy", r -> "UNHEALTHY".equals(container(r, "a").healthStatus()));

    assertEquals("UNKNOWN", oneHealthy.healthStatus());
    assertEquals("HEALTHY", allHealthy.healthStatus());
    assertEquals("HEALTHY", sidecarUnhealthy.healthStatus());
    assertEquals("UNHEALTHY", essentialUnhealthy.healthStatus());
    assertEquals("UNKNOWN", container(essentialUnhealthy, "d").healthStatus());
    assertEquals(
        TaskStatus.RUNNING, essentialUnhealthy.status()); // a standalone task keeps running
  }

  // ---- an agent that restarts ----

  @Test
  void containersLeftByAPreviousRunAreAdoptedNotCreated() {
    String webId =
        runtime.existing(
            CLUSTER_ARN, TASK_ARN, "web", 3, "web", "nginx:1.27", Status.RUNNING, null);
    String sidecarId =
        runtime.existing(
            CLUSTER_ARN, TASK_ARN, "web", 3, "sidecar", "envoy:1", Status.RUNNING, null);
    engine = engine();

    engine.start(payload(webAndSidecar()));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of(), runtime.calls());
    assertEquals(webId, container(running, "web").runtimeId());
    assertEquals(sidecarId, container(running, "sidecar").runtimeId());

    runtime.exit("web", 0); // the adopted container's events reach the task

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals(List.of("stop sidecar 30s"), runtime.calls("stop"));
  }

  @Test
  void onlyTheContainersThatAreMissingAreCreatedAgain() {
    String webId =
        runtime.existing(
            CLUSTER_ARN, TASK_ARN, "web", 3, "web", "nginx:1.27", Status.RUNNING, null);
    engine = engine();

    engine.start(payload(webAndSidecar()));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(List.of("pull envoy:1", "create sidecar", "start sidecar"), runtime.calls());
    assertEquals(webId, container(running, "web").runtimeId());
  }

  @Test
  void essentialContainerThatExitedWhileTheAgentWasAwayStopsTheTask() {
    runtime.existing(CLUSTER_ARN, TASK_ARN, "web", 3, "web", "nginx:1.27", Status.EXITED, 7);
    runtime.existing(CLUSTER_ARN, TASK_ARN, "web", 3, "sidecar", "envoy:1", Status.RUNNING, null);
    engine = engine();

    engine.start(payload(webAndSidecar()));

    StateReport stopped = awaitReport("STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals(7, container(stopped, "web").exitCode());
    assertEquals(List.of("stop sidecar 30s"), runtime.calls("stop"));
    assertEquals(List.of(), runtime.calls("start"));
  }

  @Test
  void payloadsAreKeptInTheStateFolderAndANewEngineResumesTheirTasks(@TempDir Path stateDir)
      throws Exception {
    RuntimeTaskEngine first = engine(Optional.of(stateDir), NO_CLEANUP_IN_A_TEST);
    TaskPayload payload = payload(webAndSidecar());
    first.start(payload);
    StateReport running = awaitReport(first, "RUNNING", r -> r.status() == TaskStatus.RUNNING);
    Path saved = stateDir.resolve("tasks").resolve(TASK_ID + ".json");
    assertEquals(
        AgentMessages.JSON.valueToTree(payload), AgentMessages.JSON.readTree(saved.toFile()));
    first.close();

    RuntimeTaskEngine second = engine(Optional.of(stateDir), NO_CLEANUP_IN_A_TEST);

    StateReport resumed =
        awaitReport(second, "RUNNING again", r -> r.status() == TaskStatus.RUNNING);
    assertEquals(running.containers(), resumed.containers());
    assertEquals(List.of("create web", "create sidecar"), runtime.calls("create"));
    second.start(payload); // the control plane sends it again: nothing new
    runtime.exit("web", 0);
    StateReport stopped = awaitReport(second, "STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals(List.of("create web", "create sidecar"), runtime.calls("create"));
    assertEquals(1, runtime.listenerCount());
  }

  @Test
  void stoppedTaskIsForgottenWithItsContainersAfterTheCleanupDelay(@TempDir Path stateDir) {
    engine = engine(Optional.of(stateDir), Duration.ofMillis(50));
    engine.start(payload(webAndSidecar()));
    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    String webId = runtime.idOf("web");
    String sidecarId = runtime.idOf("sidecar");

    runtime.exit("web", 0);

    awaitUntil("STOPPED is reported", () -> statusesReported().contains(TaskStatus.STOPPED));
    awaitUntil("the task is forgotten", () -> engine.reports().isEmpty());
    assertFalse(runtime.exists(webId));
    assertFalse(runtime.exists(sidecarId));
    assertFalse(Files.exists(stateDir.resolve("tasks").resolve(TASK_ID + ".json")));
  }

  // ---- over the hollow runtime ----

  @Test
  void hollowTaskRunsUntilItsContainerExits() {
    HollowRuntime hollow = new HollowRuntime(timers, Duration.ZERO);
    RuntimeTaskEngine e =
        new RuntimeTaskEngine(hollow, pool, timers, Optional.empty(), NO_CLEANUP_IN_A_TEST);
    engines.add(e);
    e.onReport(reports::add);

    e.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"busybox:1","command":["sh","-c","sleep 0.1; exit 3"]}]}
        """));

    StateReport stopped = awaitReport(e, "STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertTrue(
        statusesReported().contains(TaskStatus.RUNNING),
        () -> "never RUNNING: " + statusesReported());
    assertEquals(3, container(stopped, "web").exitCode());
    assertEquals("EssentialContainerExited", stopped.stopCode());
    assertEquals("Essential container in task exited", stopped.stoppedReason());
  }

  @Test
  void hollowTaskRunsUntilStopped() {
    HollowRuntime hollow = new HollowRuntime(timers, Duration.ZERO);
    RuntimeTaskEngine e =
        new RuntimeTaskEngine(hollow, pool, timers, Optional.empty(), NO_CLEANUP_IN_A_TEST);
    engines.add(e);
    e.start(payload(webAndSidecar()));
    StateReport running = awaitReport(e, "RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertNotNull(container(running, "web").runtimeId());

    e.stop(TASK_ID, "Task stopped by user");

    StateReport stopped = awaitReport(e, "STOPPED", r -> r.status() == TaskStatus.STOPPED);
    assertEquals(
        List.of(0, 0),
        stopped.containers().stream().map(AgentMessages.ContainerState::exitCode).toList());
    assertEquals("Task stopped by user", stopped.stoppedReason());
  }

  // ---- helpers ----

  private StateReport awaitReport(String what, Predicate<StateReport> condition) {
    return awaitReport(engine, what, condition);
  }

  /**
   * The engine's current report of the task once it meets {@code condition}; fails after the
   * deadline.
   */
  private static StateReport awaitReport(
      RuntimeTaskEngine engine, String what, Predicate<StateReport> condition) {
    AtomicReference<StateReport> last = new AtomicReference<>();
    boolean met =
        Await.within(
            DEADLINE,
            POLL,
            () ->
                engine.reports().stream()
                    .filter(r -> r.taskId().equals(TASK_ID))
                    .map(TaskReport::report)
                    .findFirst()
                    .map(
                        current -> {
                          last.set(current);
                          return condition.test(current);
                        })
                    .orElse(false));
    return met
        ? last.get()
        : fail("no report with " + what + " within " + DEADLINE + "; last: " + last.get());
  }

  private static void awaitUntil(String what, java.util.function.BooleanSupplier condition) {
    if (!Await.within(DEADLINE, POLL, condition)) fail(what + " did not happen within " + DEADLINE);
  }

  private List<TaskStatus> statusesReported() {
    return reports.stream()
        .filter(r -> r.taskId().equals(TASK_ID))
        .map(r -> r.report().status())
        .toList();
  }

  private static AgentMessages.ContainerState container(StateReport report, String name) {
    return report.containers().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + report));
  }

  private static final String OTHER_TASK_ID = "fedcba9876543210fedcba987654321";

  /** Another task of the same engine; {@code suffix} makes its id. */
  private static TaskPayload otherTask(String suffix, String taskDefinition) {
    String id = OTHER_TASK_ID + suffix;
    return new TaskPayload(
        id,
        "arn:aws:ecs:us-east-1:123456789012:task/default/" + id,
        CLUSTER_ARN,
        "web",
        3,
        json(taskDefinition),
        null);
  }

  private static TaskPayload payload(String taskDefinition) {
    return new TaskPayload(TASK_ID, TASK_ARN, CLUSTER_ARN, "web", 3, json(taskDefinition), null);
  }

  private static String oneContainer(String name, String image) {
    return "{\"family\":\"web\",\"revision\":3,\"containerDefinitions\":[{\"name\":\""
        + name
        + "\",\"image\":\""
        + image
        + "\"}]}";
  }

  private static String webAndSidecar() {
    return """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27"},
          {"name":"sidecar","image":"envoy:1"}]}
        """;
  }

  /** An init container and an app that depends on it with {@code condition}. */
  private static String dependsOn(String condition) {
    return """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"init","image":"busybox:1","essential":false},
          {"name":"app","image":"app:1","dependsOn":[{"containerName":"init","condition":"%s"}]}]}
        """
        .formatted(condition);
  }

  @Test
  void linkedAndVolumeSourceContainersAreCreatedAndStartedFirst() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27","links":["db:database"]},
          {"name":"sidecar","image":"redis:7","volumesFrom":[{"sourceContainer":"web"}]},
          {"name":"db","image":"redis:7"}]}
        """));

    awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    List<String> lifecycle = runtime.calls().stream().filter(c -> !c.startsWith("pull")).toList();
    assertEquals(
        List.of(
            "create db", "create web", "create sidecar", "start db", "start web", "start sidecar"),
        lifecycle);
    assertEquals(
        "hm-web-3-db-" + TASK_ID, runtime.spec("web").options().links().get(0).container());
  }

  @Test
  void whatTheAgentCannotHonourIsTheContainersReason() {
    engine = engine();

    engine.start(
        payload(
            """
        {"family":"web","revision":3,"containerDefinitions":[
          {"name":"web","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"arn:secret"}]}]}
        """));

    StateReport running = awaitReport("RUNNING", r -> r.status() == TaskStatus.RUNNING);
    assertTrue(
        container(running, "web").reason().startsWith("secrets"),
        container(running, "web").reason());
  }

  @Test
  void restartPolicy_restartsAfterTheAttemptPeriod_notForIgnoredCodes() {
    TaskRunner.RestartPolicy policy =
        TaskRunner.RestartPolicy.of(
            io.harbormaster.testing.Json.singleQuoted(
                "{'enabled':true,'ignoredExitCodes':[0],'restartAttemptPeriod':60}"));
    java.time.Instant started = java.time.Instant.parse("2026-01-01T00:00:00Z");

    assertTrue(policy.restarts(1, started, started.plusSeconds(60)));
    assertFalse(
        policy.restarts(1, started, started.plusSeconds(59)),
        "an exit within the attempt period is final");
    assertFalse(policy.restarts(0, started, started.plusSeconds(600)), "0 is ignored");
    assertEquals(
        java.time.Duration.ofSeconds(300),
        TaskRunner.RestartPolicy.of(io.harbormaster.testing.Json.singleQuoted("{'enabled':true}"))
            .attemptPeriod());
    assertNull(
        TaskRunner.RestartPolicy.of(
            io.harbormaster.testing.Json.singleQuoted("{'enabled':false}")));
  }
}
