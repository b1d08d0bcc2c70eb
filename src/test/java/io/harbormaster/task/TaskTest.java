package io.harbormaster.task;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.task.Task.Command;
import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.ContainerStateChanged;
import io.harbormaster.task.Task.Event;
import io.harbormaster.task.Task.LiveTask;
import io.harbormaster.task.Task.NetworkBinding;
import io.harbormaster.task.Task.NoTask;
import io.harbormaster.task.Task.State;
import io.harbormaster.task.Task.StateReport;
import io.harbormaster.task.Task.StoppedTask;
import io.harbormaster.task.Task.TaskCreated;
import io.harbormaster.task.Task.TaskHealthChanged;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskStatusAdvanced;
import io.harbormaster.task.Task.TaskStopRequested;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

// One instance, so one actor system: TestKitJUnit5Extension shuts down only the test kit of the
// last instance.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class TaskTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("TaskTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final String CLUSTER = "default";
  private static final Instant CREATED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant PULLED = Instant.parse("2026-11-02T09:00:01Z");
  private static final Instant PULL_DONE = Instant.parse("2026-11-02T09:00:04Z");
  private static final Instant STARTED = Instant.parse("2026-11-02T09:00:05Z");
  private static final Instant STOP_ASKED = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant EXECUTION_STOPPED = Instant.parse("2026-11-02T10:00:02Z");
  private static final Instant STOPPED = Instant.parse("2026-11-02T10:00:03Z");
  private static final AtomicInteger NEXT_TASK = new AtomicInteger();

  /** Every call of the task's effects, in order. */
  private final List<String> told = new CopyOnWriteArrayList<>();

  private final List<TaskView> toldViews = new CopyOnWriteArrayList<>();

  /** The views told before TaskCreated is persisted (the agent's payload is sent from them). */
  private final List<TaskView> creatingViews = new CopyOnWriteArrayList<>();

  private String taskId;
  private EventSourcedBehaviorTestKit<Command, Event, State> task;

  @BeforeEach
  void newTask() {
    told.clear();
    toldViews.clear();
    creatingViews.clear();
    taskId = "task" + NEXT_TASK.incrementAndGet();
    task =
        EntityTestKit.create(
            testKit.system(),
            Task.create(
                Task.entityId(ACCOUNT, CLUSTER, taskId),
                new EventTags(4),
                new Task.Effects() {
                  @Override
                  public void creating(TaskView view) {
                    creatingViews.add(view);
                  }

                  @Override
                  public void created(TaskView view) {
                    record("created", view);
                  }

                  @Override
                  public void stopRequested(TaskView view) {
                    record("stopRequested", view);
                  }

                  @Override
                  public void changed(TaskView view) {
                    record("changed", view);
                  }
                }));
  }

  private void record(String what, TaskView view) {
    told.add(what + " " + view.lastStatus() + "/" + view.desiredStatus());
    toldViews.add(view);
  }

  // ---- create ----

  @Test
  void createdTaskIsPendingWithDesiredRunningAndItsContainersPending() {
    TaskSpec spec = spec();

    var result = task.<StatusReply<TaskView>>runCommand(r -> new Task.Create(spec, CREATED, r));

    TaskView view = success(result);
    assertEquals(List.of(new TaskCreated(spec, CREATED)), result.events());
    assertEquals(new LiveTask(view), result.state());
    assertEquals(
        new TaskView(
            ACCOUNT,
            CLUSTER,
            taskId,
            spec,
            TaskStatus.PENDING,
            TaskStatus.RUNNING,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    null,
                    ContainerStatus.PENDING,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN),
                new ContainerState(
                    "log-router",
                    "fluent-bit:3",
                    null,
                    ContainerStatus.PENDING,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNKNOWN,
            null,
            null,
            CREATED,
            null,
            null,
            null,
            null,
            null,
            null,
            1),
        view);
    assertEquals(List.of("created PENDING/RUNNING"), told);
    assertEquals(List.of(view), toldViews);
    assertEquals(
        List.of(view),
        creatingViews); // what the agent is sent before the write is what was written
  }

  @Test
  void createOfAnExistingTaskRepliesWithItAndPersistsNothing() {
    TaskView created = create();

    var again = task.<StatusReply<TaskView>>runCommand(r -> new Task.Create(spec(), STOP_ASKED, r));

    assertEquals(created, success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(List.of("created PENDING/RUNNING"), told);
    assertEquals(List.of(created), creatingViews);
  }

  @Test
  void everyCommandOnAMissingTaskIsRefusedAsNotFound() {
    List<Function<ActorRef<StatusReply<TaskView>>, Command>> commands =
        List.of(
            Task.Get::new,
            r -> new Task.Stop("UserInitiated", "Task stopped by user", STOP_ASKED, r),
            r ->
                new Task.ReportState(report(TaskStatus.RUNNING, HealthStatus.UNKNOWN), STARTED, r));

    for (var command : commands) {
      var result = task.runCommand(command);
      assertRefused(result, "InvalidParameterException", "The referenced task was not found.");
      assertEquals(new NoTask(Task.entityId(ACCOUNT, CLUSTER, taskId)), result.state());
    }
    assertTrue(told.isEmpty());
  }

  // ---- reports ----

  @Test
  void runningReportMovesThePendingTaskToRunningAndMergesItsContainers() {
    create();
    List<NetworkBinding> bindings = List.of(new NetworkBinding("0.0.0.0", 80, 32768, "tcp"));
    StateReport running =
        new StateReport(
            TaskStatus.RUNNING,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    "c-web",
                    ContainerStatus.RUNNING,
                    null,
                    null,
                    bindings,
                    HealthStatus.UNKNOWN),
                new ContainerState(
                    "log-router",
                    "fluent-bit:3",
                    "c-log",
                    ContainerStatus.RUNNING,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNKNOWN,
            PULLED,
            PULL_DONE,
            null,
            null,
            null);

    var result =
        task.<StatusReply<TaskView>>runCommand(r -> new Task.ReportState(running, STARTED, r));

    TaskView view = success(result);
    assertEquals(
        List.of(
            new ContainerStateChanged(running.containers().get(0), STARTED),
            new ContainerStateChanged(running.containers().get(1), STARTED),
            new TaskStatusAdvanced(
                TaskStatus.RUNNING, STARTED, PULLED, PULL_DONE, null, null, null)),
        result.events());
    assertEquals(new LiveTask(view), result.state());
    assertEquals(TaskStatus.RUNNING, view.lastStatus());
    assertEquals(TaskStatus.RUNNING, view.desiredStatus());
    assertEquals(STARTED, view.startedAt());
    assertEquals(PULLED, view.pullStartedAt());
    assertEquals(PULL_DONE, view.pullStoppedAt());
    assertEquals(running.containers(), view.containers());
    assertEquals(1 + 3, view.version());
    assertEquals(List.of("created PENDING/RUNNING", "changed RUNNING/RUNNING"), told);
    assertEquals(view, toldViews.get(1));
  }

  @Test
  void containerExitCodeReasonAndHealthAreMergedIntoTheTask() {
    create();
    reportRunning();
    StateReport sidecarExited =
        new StateReport(
            TaskStatus.RUNNING,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    null,
                    ContainerStatus.RUNNING,
                    null,
                    null,
                    null,
                    HealthStatus.HEALTHY),
                new ContainerState(
                    "log-router",
                    "fluent-bit:3",
                    null,
                    ContainerStatus.STOPPED,
                    137,
                    ContainerStates.OOM,
                    List.of(),
                    null)),
            HealthStatus.HEALTHY,
            null,
            null,
            null,
            null,
            null);

    var result =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.ReportState(sidecarExited, STOP_ASKED, r));

    TaskView view = success(result);
    assertEquals(3, result.events().size());
    assertEquals(new TaskHealthChanged(HealthStatus.HEALTHY, STOP_ASKED), result.events().get(2));
    assertEquals(
        List.of(
            new ContainerState(
                "web",
                "nginx:1.27",
                "c-web",
                ContainerStatus.RUNNING,
                null,
                null,
                List.of(),
                HealthStatus.HEALTHY),
            new ContainerState(
                "log-router",
                "fluent-bit:3",
                "c-log",
                ContainerStatus.STOPPED,
                137,
                ContainerStates.OOM,
                List.of(),
                HealthStatus.UNKNOWN)),
        view.containers());
    assertEquals(HealthStatus.HEALTHY, view.healthStatus());
    assertEquals(TaskStatus.RUNNING, view.lastStatus());
    assertEquals(STARTED, view.startedAt());
  }

  @Test
  void repeatedReportIsAcknowledgedWithoutEvents() {
    create();
    TaskView running = reportRunning();

    var again =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.ReportState(runningReport(), STOP_ASKED, r));

    assertEquals(running, success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(List.of("created PENDING/RUNNING", "changed RUNNING/RUNNING"), told);
  }

  @Test
  void lateReportFromBeforeTheTaskRanIsAcknowledgedAndIgnored() {
    create();
    reportRunning();
    TaskView healthy =
        success(
            task.<StatusReply<TaskView>>runCommand(
                r ->
                    new Task.ReportState(
                        new StateReport(
                            TaskStatus.RUNNING,
                            List.of(),
                            HealthStatus.HEALTHY,
                            null,
                            null,
                            null,
                            null,
                            null),
                        STARTED,
                        r)));
    // what the agent said while it was still pulling, delivered late
    StateReport stale =
        new StateReport(
            TaskStatus.PENDING,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    null,
                    ContainerStatus.PENDING,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN),
                new ContainerState(
                    "log-router",
                    "fluent-bit:3",
                    null,
                    ContainerStatus.PENDING,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNKNOWN,
            null,
            null,
            null,
            null,
            null);

    var result =
        task.<StatusReply<TaskView>>runCommand(r -> new Task.ReportState(stale, STOP_ASKED, r));

    assertEquals(healthy, success(result));
    assertTrue(result.hasNoEvents(), () -> "a stale report persisted " + result.events());
    assertEquals(HealthStatus.HEALTHY, ((LiveTask) result.state()).view().healthStatus());
  }

  @Test
  void runningReportAfterTheTaskStoppedIsAcknowledgedAndIgnored() {
    create();
    reportRunning();
    TaskView stopped =
        success(
            task.<StatusReply<TaskView>>runCommand(
                r -> new Task.ReportState(stoppedReport(null, null), STOPPED, r)));

    var late =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.ReportState(runningReport(), STOPPED, r));

    assertEquals(stopped, success(late));
    assertTrue(late.hasNoEvents());
    assertInstanceOf(StoppedTask.class, late.state());
  }

  @Test
  void healthChangesOfTheTaskArePersisted() {
    create();
    reportRunning();

    var healthy =
        task.<StatusReply<TaskView>>runCommand(
            r ->
                new Task.ReportState(
                    new StateReport(
                        TaskStatus.RUNNING,
                        List.of(),
                        HealthStatus.HEALTHY,
                        null,
                        null,
                        null,
                        null,
                        null),
                    STARTED,
                    r));
    var unhealthy =
        task.<StatusReply<TaskView>>runCommand(
            r ->
                new Task.ReportState(
                    new StateReport(
                        TaskStatus.RUNNING,
                        List.of(),
                        HealthStatus.UNHEALTHY,
                        null,
                        null,
                        null,
                        null,
                        null),
                    STOP_ASKED,
                    r));

    assertEquals(List.of(new TaskHealthChanged(HealthStatus.HEALTHY, STARTED)), healthy.events());
    assertEquals(
        List.of(new TaskHealthChanged(HealthStatus.UNHEALTHY, STOP_ASKED)), unhealthy.events());
    assertEquals(HealthStatus.UNHEALTHY, success(unhealthy).healthStatus());
    assertEquals(TaskStatus.RUNNING, success(unhealthy).lastStatus());
  }

  // ---- stop ----

  @Test
  void stopAsksForStoppedWithItsCodeAndReason() {
    create();
    reportRunning();

    var result =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.Stop("UserInitiated", "Task stopped by user", STOP_ASKED, r));

    TaskView view = success(result);
    assertEquals(
        List.of(new TaskStopRequested("UserInitiated", "Task stopped by user", STOP_ASKED)),
        result.events());
    assertEquals(TaskStatus.RUNNING, view.lastStatus());
    assertEquals(TaskStatus.STOPPED, view.desiredStatus());
    assertEquals("UserInitiated", view.stopCode());
    assertEquals("Task stopped by user", view.stoppedReason());
    assertEquals(STOP_ASKED, view.stoppingAt());
    assertNull(view.stoppedAt());
    assertEquals(
        List.of(
            "created PENDING/RUNNING", "changed RUNNING/RUNNING", "stopRequested RUNNING/STOPPED"),
        told);
    assertEquals(view, toldViews.get(2));
  }

  @Test
  void secondStopKeepsTheFirst() {
    create();
    TaskView first =
        success(
            task.<StatusReply<TaskView>>runCommand(
                r -> new Task.Stop("UserInitiated", "Task stopped by user", STOP_ASKED, r)));

    var second =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.Stop("ServiceSchedulerInitiated", "Scaling activity", STOPPED, r));

    assertEquals(first, success(second));
    assertTrue(second.hasNoEvents());
    assertEquals(
        List.of(
            "created PENDING/RUNNING",
            "stopRequested PENDING/STOPPED",
            "stopRequested PENDING/STOPPED"),
        told,
        "the repeated order is passed on again, the first kept");
  }

  @Test
  void stoppedReportEndsTheTaskWithItsTimes() {
    create();
    reportRunning();
    task.<StatusReply<TaskView>>runCommand(
        r -> new Task.Stop("UserInitiated", "Task stopped by user", STOP_ASKED, r));

    var result =
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.ReportState(stoppedReport(null, null), STOPPED, r));

    TaskView view = success(result);
    assertEquals(new StoppedTask(view), result.state());
    assertEquals(TaskStatus.STOPPED, view.lastStatus());
    assertEquals(TaskStatus.STOPPED, view.desiredStatus());
    assertEquals(STARTED, view.startedAt());
    assertEquals(STOP_ASKED, view.stoppingAt());
    assertEquals(STOPPED, view.stoppedAt());
    assertEquals(EXECUTION_STOPPED, view.executionStoppedAt());
    assertEquals("UserInitiated", view.stopCode());
    assertEquals("Task stopped by user", view.stoppedReason());
    assertEquals(
        List.of(143, 0), view.containers().stream().map(ContainerState::exitCode).toList());
    assertEquals(
        List.of(ContainerStatus.STOPPED, ContainerStatus.STOPPED),
        view.containers().stream().map(ContainerState::lastStatus).toList());
    assertEquals("changed STOPPED/STOPPED", told.get(told.size() - 1));
  }

  @Test
  void stoppedReportWithoutExecutionStoppedAtUsesTheTimeOfTheReport() {
    create();
    reportRunning();

    TaskView view =
        success(
            task.<StatusReply<TaskView>>runCommand(
                r ->
                    new Task.ReportState(
                        new StateReport(
                            TaskStatus.STOPPED,
                            List.of(),
                            HealthStatus.UNKNOWN,
                            null,
                            null,
                            null,
                            null,
                            null),
                        STOPPED,
                        r)));

    assertEquals(STOPPED, view.stoppedAt());
    assertEquals(STOPPED, view.executionStoppedAt());
    assertEquals(STOPPED, view.stoppingAt());
  }

  @Test
  void essentialContainerExitReportedByTheAgentCarriesItsStopCode() {
    create();
    reportRunning();
    StateReport stopping =
        new StateReport(
            TaskStatus.STOPPING,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    "c-web",
                    ContainerStatus.STOPPED,
                    1,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNKNOWN,
            null,
            null,
            null,
            "EssentialContainerExited",
            "Essential container in task exited");

    var result =
        task.<StatusReply<TaskView>>runCommand(r -> new Task.ReportState(stopping, STOP_ASKED, r));
    var stopped =
        task.<StatusReply<TaskView>>runCommand(
            r ->
                new Task.ReportState(
                    stoppedReport("EssentialContainerExited", "Essential container in task exited"),
                    STOPPED,
                    r));

    TaskView view = success(result);
    assertEquals(TaskStatus.STOPPING, view.lastStatus());
    assertEquals(TaskStatus.STOPPED, view.desiredStatus());
    assertEquals("EssentialContainerExited", view.stopCode());
    assertEquals("Essential container in task exited", view.stoppedReason());
    assertEquals(STOP_ASKED, view.stoppingAt());
    assertEquals(1, view.containers().get(0).exitCode());
    TaskView end = success(stopped);
    assertEquals("EssentialContainerExited", end.stopCode());
    assertEquals(STOP_ASKED, end.stoppingAt());
    assertEquals(STOPPED, end.stoppedAt());
    assertInstanceOf(StoppedTask.class, stopped.state());
    assertEquals(
        List.of(
            "created PENDING/RUNNING",
            "changed RUNNING/RUNNING",
            "changed STOPPING/STOPPED",
            "changed STOPPED/STOPPED"),
        told);
  }

  @Test
  void taskThatFailedToStartStopsWithoutEverStarting() {
    create();
    StateReport failed =
        new StateReport(
            TaskStatus.STOPPED,
            List.of(
                new ContainerState(
                    "web",
                    "nginx:1.27",
                    null,
                    ContainerStatus.STOPPED,
                    null,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNKNOWN,
            null,
            null,
            EXECUTION_STOPPED,
            "TaskFailedToStart",
            "CannotPullContainerError: nginx:1.27: manifest unknown");

    TaskView view =
        success(
            task.<StatusReply<TaskView>>runCommand(r -> new Task.ReportState(failed, STOPPED, r)));

    assertEquals(TaskStatus.STOPPED, view.lastStatus());
    assertNull(view.startedAt());
    assertEquals("TaskFailedToStart", view.stopCode());
    assertEquals("CannotPullContainerError: nginx:1.27: manifest unknown", view.stoppedReason());
    assertEquals(STOPPED, view.stoppedAt());
  }

  @Test
  void stoppedTaskAnswersEveryCommandUnchanged() {
    create();
    reportRunning();
    TaskView stopped =
        success(
            task.<StatusReply<TaskView>>runCommand(
                r -> new Task.ReportState(stoppedReport(null, null), STOPPED, r)));
    int toldBefore = told.size();
    List<Function<ActorRef<StatusReply<TaskView>>, Command>> commands =
        List.of(
            Task.Get::new,
            r -> new Task.Create(spec(), CREATED, r),
            r -> new Task.Stop("UserInitiated", "Task stopped by user", STOPPED, r),
            r -> new Task.ReportState(runningReport(), STOPPED, r));

    for (var command : commands) {
      var result = task.runCommand(command);
      assertEquals(stopped, success(result));
      assertTrue(result.hasNoEvents());
    }
    assertEquals(toldBefore, told.size());
  }

  // ---- replay ----

  @Test
  void journalFoldedWithoutAnEntityGivesTheEntitysState() {
    create();
    reportRunning();
    task.<StatusReply<TaskView>>runCommand(
        r -> new Task.Stop("UserInitiated", "done", STOP_ASKED, r));
    task.<StatusReply<TaskView>>runCommand(
        r -> new Task.ReportState(stoppedReport(null, null), STOPPED, r));

    String entityId = Task.entityId(ACCOUNT, CLUSTER, taskId);
    Task.State folded = Task.empty(entityId);
    for (Object event : task.persistenceTestKit().persistedInStorage("Task|" + entityId)) {
      folded = Task.applied(folded, (Task.Event) event);
    }

    assertInstanceOf(Task.StoppedTask.class, folded);
    assertEquals(task.getState(), folded);
  }

  @Test
  void restartKeepsARunningTaskAndTellsNoOne() {
    create();
    reportRunning();
    task.<StatusReply<TaskView>>runCommand(
        r -> new Task.Stop("UserInitiated", "Task stopped by user", STOP_ASKED, r));
    State before = task.getState();
    int toldBefore = told.size();

    State after = task.restart().state();

    assertEquals(before, after);
    assertEquals(toldBefore, told.size());
    assertEquals(
        ((LiveTask) before).view(), success(task.<StatusReply<TaskView>>runCommand(Task.Get::new)));
  }

  @Test
  void restartKeepsAStoppedTask() {
    create();
    reportRunning();
    task.<StatusReply<TaskView>>runCommand(
        r -> new Task.ReportState(stoppedReport(null, null), STOPPED, r));
    State before = task.getState();

    assertEquals(before, task.restart().state());
    assertInstanceOf(StoppedTask.class, before);
  }

  // ---- helpers ----

  /** Container reasons as the agent reports them. */
  private static final class ContainerStates {
    static final String OOM = "OutOfMemoryError: Container killed due to memory usage";
  }

  private TaskView create() {
    return success(
        task.<StatusReply<TaskView>>runCommand(r -> new Task.Create(spec(), CREATED, r)));
  }

  private TaskView reportRunning() {
    return success(
        task.<StatusReply<TaskView>>runCommand(
            r -> new Task.ReportState(runningReport(), STARTED, r)));
  }

  private static StateReport runningReport() {
    return new StateReport(
        TaskStatus.RUNNING,
        List.of(
            new ContainerState(
                "web",
                "nginx:1.27",
                "c-web",
                ContainerStatus.RUNNING,
                null,
                null,
                List.of(),
                HealthStatus.UNKNOWN),
            new ContainerState(
                "log-router",
                "fluent-bit:3",
                "c-log",
                ContainerStatus.RUNNING,
                null,
                null,
                List.of(),
                HealthStatus.UNKNOWN)),
        HealthStatus.UNKNOWN,
        PULLED,
        PULL_DONE,
        null,
        null,
        null);
  }

  private static StateReport stoppedReport(String stopCode, String reason) {
    return new StateReport(
        TaskStatus.STOPPED,
        List.of(
            new ContainerState(
                "web",
                "nginx:1.27",
                "c-web",
                ContainerStatus.STOPPED,
                143,
                null,
                List.of(),
                HealthStatus.UNKNOWN),
            new ContainerState(
                "log-router",
                "fluent-bit:3",
                "c-log",
                ContainerStatus.STOPPED,
                0,
                null,
                List.of(),
                HealthStatus.UNKNOWN)),
        HealthStatus.UNKNOWN,
        PULLED,
        PULL_DONE,
        EXECUTION_STOPPED,
        stopCode,
        reason);
  }

  private static StateReport report(TaskStatus status, HealthStatus health) {
    return new StateReport(status, List.of(), health, null, null, null, null, null);
  }

  private static TaskSpec spec() {
    return new TaskSpec(
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
        "web",
        3,
        json(
            """
        {"family":"web","revision":3,"networkMode":"bridge","containerDefinitions":[
          {"name":"web","image":"nginx:1.27","memory":256,"essential":true,
           "portMappings":[{"containerPort":80,"hostPort":0,"protocol":"tcp"}]},
          {"name":"log-router","image":"fluent-bit:3","memory":64,"essential":false}]}
        """),
        json(
            "{\"containerOverrides\":[{\"name\":\"web\",\"environment\":[{\"name\":\"A\",\"value\":\"1\"}]}]}"),
        "family:web",
        "me",
        List.of(new Tag("team", "a")),
        "i-1",
        0,
        320,
        "us-east-1a",
        "token-1",
        "EC2");
  }
}
