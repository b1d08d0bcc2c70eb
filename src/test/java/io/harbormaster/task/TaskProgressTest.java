package io.harbormaster.task;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.ContainerStateChanged;
import io.harbormaster.task.Task.Event;
import io.harbormaster.task.Task.NetworkBinding;
import io.harbormaster.task.Task.StateReport;
import io.harbormaster.task.Task.TaskHealthChanged;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskStatusAdvanced;
import io.harbormaster.task.Task.TaskStopRequested;
import io.harbormaster.task.Task.TaskView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules: what a report changes, and how each event moves a task's view. */
class TaskProgressTest {
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-02T09:00:01Z");
  private static final Instant T2 = Instant.parse("2026-11-02T09:00:02Z");
  private static final Instant T3 = Instant.parse("2026-11-02T09:00:03Z");
  private static final List<NetworkBinding> BINDINGS =
      List.of(new NetworkBinding("0.0.0.0", 80, 32768, "tcp"));

  // ---- created ----

  @Test
  void newTaskIsPendingWithEveryContainerPendingAndHealthUnknown() {
    TaskView view = created();

    assertEquals(TaskStatus.PENDING, view.lastStatus());
    assertEquals(TaskStatus.RUNNING, view.desiredStatus());
    assertEquals(
        List.of(
            new ContainerState(
                "app",
                "busybox:1",
                null,
                ContainerStatus.PENDING,
                null,
                null,
                List.of(),
                HealthStatus.UNKNOWN),
            new ContainerState(
                "sidecar",
                "envoy:1",
                null,
                ContainerStatus.PENDING,
                null,
                null,
                List.of(),
                HealthStatus.UNKNOWN)),
        view.containers());
    assertEquals(HealthStatus.UNKNOWN, view.healthStatus());
    assertEquals(T0, view.createdAt());
    assertEquals(1, view.version());
  }

  // ---- merge of one container ----

  @Test
  void firstReportOfAnUnknownContainerIsTakenAsItIs() {
    ContainerState reported =
        container(ContainerStatus.RUNNING, 0, "reason", BINDINGS, HealthStatus.HEALTHY);

    assertSame(reported, TaskProgress.merge(null, reported));
  }

  @Test
  void containerStatusNeverMovesBackAndAStaleReportChangesNothingElse() {
    ContainerState stopped =
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.STOPPED,
            1,
            "killed",
            BINDINGS,
            HealthStatus.UNHEALTHY);
    ContainerState stale =
        new ContainerState(
            "app",
            "busybox:1",
            null,
            ContainerStatus.RUNNING,
            null,
            "other",
            List.of(new NetworkBinding("0.0.0.0", 80, 40000, "tcp")),
            HealthStatus.HEALTHY);

    assertEquals(stopped, TaskProgress.merge(stopped, stale));
  }

  @Test
  void containerMovesForwardAndTakesTheNewestValues() {
    ContainerState running =
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.RUNNING,
            null,
            null,
            BINDINGS,
            HealthStatus.HEALTHY);
    ContainerState exited =
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.STOPPED,
            137,
            "OutOfMemoryError: Container killed due to memory usage",
            List.of(),
            HealthStatus.UNHEALTHY);

    ContainerState merged = TaskProgress.merge(running, exited);

    assertEquals(
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.STOPPED,
            137,
            "OutOfMemoryError: Container killed due to memory usage",
            BINDINGS,
            HealthStatus.UNHEALTHY),
        merged);
  }

  @Test
  void absentValuesInAReportKeepWhatIsKnown() {
    ContainerState known =
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.RUNNING,
            0,
            "why",
            BINDINGS,
            HealthStatus.HEALTHY);
    ContainerState sparse =
        new ContainerState(
            "app", "busybox:1", null, ContainerStatus.RUNNING, null, null, null, null);

    assertEquals(known, TaskProgress.merge(known, sparse));
  }

  @Test
  void nameAndImageStayAsCreated() {
    ContainerState known =
        new ContainerState(
            "app",
            "busybox:1",
            null,
            ContainerStatus.PENDING,
            null,
            null,
            List.of(),
            HealthStatus.UNKNOWN);
    ContainerState reported =
        new ContainerState(
            "app",
            "busybox:latest",
            "c1",
            ContainerStatus.RUNNING,
            null,
            null,
            List.of(),
            HealthStatus.UNKNOWN);

    ContainerState merged = TaskProgress.merge(known, reported);

    assertEquals("busybox:1", merged.image());
    assertEquals("c1", merged.runtimeId());
    assertEquals(ContainerStatus.RUNNING, merged.lastStatus());
  }

  // ---- events of a report ----

  @Test
  void reportOfWhatIsKnownCausesNoEvents() {
    TaskView view = created();
    StateReport same =
        new StateReport(
            TaskStatus.PENDING,
            view.containers(),
            HealthStatus.UNKNOWN,
            null,
            null,
            null,
            null,
            null);

    assertEquals(List.of(), TaskProgress.eventsFor(view, same, T1));
  }

  @Test
  void reportCausesContainerChangesThenHealthThenTheStatus() {
    TaskView view = created();
    ContainerState app =
        new ContainerState(
            "app",
            "busybox:1",
            "c1",
            ContainerStatus.RUNNING,
            null,
            null,
            List.of(),
            HealthStatus.HEALTHY);
    StateReport running =
        new StateReport(
            TaskStatus.RUNNING, List.of(app), HealthStatus.HEALTHY, T0, T1, null, null, null);

    List<Event> events = TaskProgress.eventsFor(view, running, T2);

    assertEquals(
        List.of(
            new ContainerStateChanged(app, T2),
            new TaskHealthChanged(HealthStatus.HEALTHY, T2),
            new TaskStatusAdvanced(TaskStatus.RUNNING, T2, T0, T1, null, null, null)),
        events);
  }

  @Test
  void reportOfAnEarlierStatusCausesNoEventsAtAll() {
    TaskView running =
        apply(
            created(),
            new TaskStatusAdvanced(TaskStatus.RUNNING, T1, null, null, null, null, null));
    running = TaskProgress.withHealth(running, HealthStatus.HEALTHY);
    StateReport stale =
        new StateReport(
            TaskStatus.PENDING,
            running.containers(),
            HealthStatus.UNKNOWN,
            null,
            null,
            null,
            null,
            null);

    assertEquals(List.of(), TaskProgress.eventsFor(running, stale, T2));
  }

  @Test
  void reportWithoutAStatusChangesOnlyContainersAndHealth() {
    TaskView view = created();
    StateReport healthOnly =
        new StateReport(null, List.of(), HealthStatus.UNHEALTHY, null, null, null, null, null);

    assertEquals(
        List.of(new TaskHealthChanged(HealthStatus.UNHEALTHY, T1)),
        TaskProgress.eventsFor(view, healthOnly, T1));
  }

  @Test
  void containerTheTaskDidNotKnowIsAdded() {
    TaskView view = created();
    ContainerState extra =
        new ContainerState(
            "init",
            "busybox:1",
            "c9",
            ContainerStatus.STOPPED,
            0,
            null,
            List.of(),
            HealthStatus.UNKNOWN);

    List<Event> events =
        TaskProgress.eventsFor(
            view,
            new StateReport(TaskStatus.PENDING, List.of(extra), null, null, null, null, null, null),
            T1);

    assertEquals(List.of(new ContainerStateChanged(extra, T1)), events);
    TaskView next = view.withContainer(extra);
    assertEquals(
        List.of("app", "sidecar", "init"),
        next.containers().stream().map(ContainerState::name).toList());
  }

  // ---- events applied ----

  @Test
  void startedAtIsTheTimeOfTheFirstRunningReport() {
    TaskView running =
        apply(
            created(),
            new TaskStatusAdvanced(TaskStatus.RUNNING, T1, null, null, null, null, null));
    TaskView deactivating =
        apply(
            running,
            new TaskStatusAdvanced(TaskStatus.DEACTIVATING, T2, null, null, null, null, null));

    assertEquals(T1, running.startedAt());
    assertEquals(TaskStatus.RUNNING, running.desiredStatus());
    assertNull(running.stoppingAt());
    assertEquals(T1, deactivating.startedAt());
    assertEquals(TaskStatus.STOPPED, deactivating.desiredStatus());
    assertEquals(T2, deactivating.stoppingAt());
  }

  @Test
  void firstKnownPullTimesAndStopCodeStay() {
    TaskView first =
        apply(
            created(),
            new TaskStatusAdvanced(
                TaskStatus.ACTIVATING, T1, T0, T1, null, "TaskFailedToStart", "first"));
    TaskView second =
        apply(
            first,
            new TaskStatusAdvanced(
                TaskStatus.STOPPED, T3, T2, T3, T2, "EssentialContainerExited", "second"));

    assertEquals(T0, second.pullStartedAt());
    assertEquals(T1, second.pullStoppedAt());
    assertEquals("TaskFailedToStart", second.stopCode());
    assertEquals("first", second.stoppedReason());
    assertEquals(T3, second.stoppedAt());
    assertEquals(T2, second.executionStoppedAt());
  }

  @Test
  void executionStoppedAtDefaultsToTheTimeOfTheStoppedReport() {
    TaskView stopped =
        apply(
            created(),
            new TaskStatusAdvanced(TaskStatus.STOPPED, T2, null, null, null, null, null));

    assertEquals(T2, stopped.stoppedAt());
    assertEquals(T2, stopped.executionStoppedAt());
    assertEquals(T2, stopped.stoppingAt());
    assertNull(stopped.startedAt());
  }

  @Test
  void stopRequestKeepsAStopCodeAndStoppingAtAlreadyKnown() {
    TaskView stopping =
        apply(
            created(),
            new TaskStatusAdvanced(
                TaskStatus.STOPPING,
                T1,
                null,
                null,
                null,
                "EssentialContainerExited",
                "Essential container in task exited"));

    TaskView asked =
        TaskProgress.stopRequested(
            stopping, new TaskStopRequested("UserInitiated", "Task stopped by user", T2));

    assertEquals("EssentialContainerExited", asked.stopCode());
    assertEquals("Essential container in task exited", asked.stoppedReason());
    assertEquals(T1, asked.stoppingAt());
    assertEquals(TaskStatus.STOPPED, asked.desiredStatus());
  }

  @Test
  void stopRequestOfARunningTaskRecordsItsCodeReasonAndTime() {
    TaskView asked =
        TaskProgress.stopRequested(
            created(), new TaskStopRequested("UserInitiated", "Task stopped by user", T2));

    assertEquals(TaskStatus.PENDING, asked.lastStatus());
    assertEquals(TaskStatus.STOPPED, asked.desiredStatus());
    assertEquals("UserInitiated", asked.stopCode());
    assertEquals("Task stopped by user", asked.stoppedReason());
    assertEquals(T2, asked.stoppingAt());
  }

  @Test
  void everyAppliedEventAddsOneToTheVersion() {
    TaskView view = created();
    view =
        view.withContainer(
            container(ContainerStatus.RUNNING, null, null, List.of(), HealthStatus.UNKNOWN));
    view = TaskProgress.withHealth(view, HealthStatus.HEALTHY);
    view =
        apply(view, new TaskStatusAdvanced(TaskStatus.RUNNING, T1, null, null, null, null, null));
    view = TaskProgress.stopRequested(view, new TaskStopRequested("UserInitiated", "x", T2));

    assertEquals(5, view.version());
  }

  @Test
  void eventsOfAReportReplayedOntoTheViewGiveTheReportedState() {
    TaskView view = created();
    StateReport report =
        new StateReport(
            TaskStatus.RUNNING,
            List.of(
                new ContainerState(
                    "app",
                    "busybox:1",
                    "c1",
                    ContainerStatus.RUNNING,
                    null,
                    null,
                    BINDINGS,
                    HealthStatus.HEALTHY),
                new ContainerState(
                    "sidecar",
                    "envoy:1",
                    "c2",
                    ContainerStatus.STOPPED,
                    0,
                    null,
                    List.of(),
                    HealthStatus.UNKNOWN)),
            HealthStatus.HEALTHY,
            null,
            null,
            null,
            null,
            null);

    for (Event e : TaskProgress.eventsFor(view, report, T1)) {
      if (e instanceof ContainerStateChanged c) view = view.withContainer(c.container());
      else if (e instanceof TaskHealthChanged h)
        view = TaskProgress.withHealth(view, h.healthStatus());
      else view = apply(view, assertInstanceOf(TaskStatusAdvanced.class, e));
    }

    assertEquals(report.containers(), view.containers());
    assertEquals(HealthStatus.HEALTHY, view.healthStatus());
    assertEquals(TaskStatus.RUNNING, view.lastStatus());
    assertTrue(TaskProgress.eventsFor(view, report, T2).isEmpty());
  }

  @Test
  void anAwsvpcTasksInterface_isRecordedOnce_andKeptThroughItsStop() {
    Task.NetworkInterface eni = new Task.NetworkInterface("169.254.123.7", "02:42:a9:fe:7b:07");
    StateReport report =
        new StateReport(TaskStatus.RUNNING, List.of(), null, null, null, null, null, null, eni);
    TaskView view = created();

    List<Task.Event> events = TaskProgress.eventsFor(view, report, T1);

    assertEquals(new Task.NetworkInterfaceAttached(eni, T1), events.get(0));
    TaskView attached = view;
    for (Task.Event e : events) {
      attached = Task.viewIn(Task.applied(new Task.LiveTask(attached), e)).orElseThrow();
    }
    assertEquals(eni, attached.networkInterface());
    assertTrue(
        TaskProgress.eventsFor(attached, report, T2).isEmpty(), "nothing new the second time");
    TaskView stopped =
        apply(
            attached, new TaskStatusAdvanced(TaskStatus.STOPPED, T3, null, null, null, null, null));
    assertEquals(eni, stopped.networkInterface());
  }

  // ---- helpers ----

  private static TaskView apply(TaskView view, TaskStatusAdvanced event) {
    return TaskProgress.advanced(view, event);
  }

  private static ContainerState container(
      ContainerStatus status,
      Integer exitCode,
      String reason,
      List<NetworkBinding> bindings,
      HealthStatus health) {
    return new ContainerState("app", "busybox:1", "c1", status, exitCode, reason, bindings, health);
  }

  private static TaskView created() {
    return TaskProgress.created("123456789012/default/t1", new Task.TaskCreated(spec(), T0));
  }

  private static TaskSpec spec() {
    return new TaskSpec(
        "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
        "app",
        1,
        json(
            """
        {"containerDefinitions":[{"name":"app","image":"busybox:1"},{"name":"sidecar","image":"envoy:1"}]}
        """),
        null,
        null,
        null,
        List.of(),
        "i-1",
        0,
        0,
        null,
        null,
        "EC2");
  }
}
