package io.harbormaster.service;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceStatus;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.Service.TaskReport;
import io.harbormaster.service.Service.TrackedTask;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller alone, its entity a probe: what it asks the entity to record, when, and what it
 * does once the entity answered. (ServiceTest runs it with the real entity.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ServiceControllerTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withName("ServiceControllerTest").build();

  private static final String TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
  private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
  private static final String DEPLOYMENT = "ecs-svc/1";

  /** Nothing happens on the timers during a test. */
  private static final ServiceSettings QUIET =
      new ServiceSettings(
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofMinutes(3),
          Duration.ofHours(1),
          Duration.ofMinutes(5));

  private static final class FakeWorld implements Service.Effects {
    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final List<Boolean> clusterTold = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Map<String, Instance>> instances(
        String accountId, String clusterName, Set<String> inUse) {
      return CompletableFuture.completedFuture(
          Map.of("i-1", new Instance("i-1", ContainerInstance.Status.ACTIVE, true, null)));
    }

    @Override
    public TaskLauncher launcher() {
      return new TaskLauncher(new LaunchPorts(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /**
     * The launcher's view of this world: every task placed on i-1. The controller creates the
     * placed tasks through {@link #createTask}; only a task created again (not tested here) would
     * go through the launcher's own creation.
     */
    private final class LaunchPorts implements TaskLauncher.Ports {
      @Override
      public CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
          String accountId, String family, int revision) {
        return CompletableFuture.completedFuture(
            new TaskDefinitionFamily.Revision(
                "web",
                1,
                JSON.createObjectNode()
                    .put("family", "web")
                    .set(
                        "containerDefinitions",
                        JSON.createArrayNode()
                            .add(
                                JSON.createObjectNode()
                                    .put("name", "web")
                                    .put("image", "busybox")
                                    .put("memory", 64))),
                TaskDefinitionFamily.Status.ACTIVE,
                List.of(),
                "arn:aws:iam::123456789012:root",
                NOW,
                null,
                null));
      }

      @Override
      public void warmUp(String accountId, String cluster, String taskId) {}

      @Override
      public CompletionStage<ClusterPlacement.Outcome> place(
          String accountId,
          String cluster,
          List<String> taskIds,
          Demand demand,
          TaskSummary summary,
          List<ConstraintSpec> constraints,
          List<StrategySpec> strategies) {
        return CompletableFuture.completedFuture(
            new ClusterPlacement.Outcome(
                taskIds.stream().map(id -> new ClusterPlacement.Placed(id, "i-1")).toList(),
                List.of(),
                Optional.empty()));
      }

      @Override
      public CompletionStage<Done> reserve(
          String accountId,
          String cluster,
          String instanceId,
          String taskId,
          Demand demand,
          TaskSummary summary,
          Instant at) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public void release(
          String accountId, String cluster, String instanceId, String taskId, Instant at) {}

      @Override
      public CompletionStage<TaskLauncher.ClusterCapacity> clusterCapacity(
          String accountId, String cluster) {
        return CompletableFuture.completedFuture(
            new TaskLauncher.ClusterCapacity(List.of(), List.of()));
      }

      @Override
      public CompletionStage<java.util.Map<String, Integer>> tasksByProvider(
          String accountId, String cluster, String group) {
        return CompletableFuture.completedFuture(java.util.Map.of());
      }

      @Override
      public CompletionStage<Task.TaskView> createTask(
          String accountId, String cluster, String taskId, TaskSpec spec, Instant at) {
        return CompletableFuture.failedFuture(
            new UnsupportedOperationException("the controller creates through createTask"));
      }

      @Override
      public CompletionStage<Task.TaskView> task(String accountId, String cluster, String taskId) {
        return CompletableFuture.failedFuture(
            new UnsupportedOperationException("not asked in these tests"));
      }
    }

    @Override
    public CompletionStage<TaskReport> createTask(
        String accountId, String clusterName, String taskId, TaskSpec spec) {
      created.add(taskId);
      return CompletableFuture.completedFuture(
          new TaskReport(
              taskId, "i-1", TaskStatus.PENDING, false, TaskHealth.UNKNOWN, null, null, null, 1));
    }

    @Override
    public void stopTask(
        String accountId, String clusterName, String taskId, String stopCode, String reason) {
      stopped.add(taskId + " " + reason);
    }

    @Override
    public CompletionStage<Optional<TaskReport>> task(
        String accountId, String clusterName, String taskId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Done> clusterLists(
        String accountId, String clusterName, String serviceName, boolean listed) {
      clusterTold.add(listed);
      return CompletableFuture.completedFuture(Done.done());
    }
  }

  private static Decision launching(Input in, int count) {
    return new Decision(
        count == 0 ? List.of() : List.of(new Launch(DEPLOYMENT, TD1, count, Optional.empty())),
        List.of(),
        in.deployments(),
        List.of(),
        List.of(),
        in.throttle(),
        in.steady(),
        Optional.empty());
  }

  private static ServiceView view(ServiceStatus status, long version, String... taskIds) {
    SortedMap<String, TrackedTask> tasks = new TreeMap<>();
    for (String id : taskIds)
      tasks.put(
          id,
          new TrackedTask(
              new ServiceTask(
                  id,
                  DEPLOYMENT,
                  "i-1",
                  TaskStatus.PENDING,
                  false,
                  TaskHealth.UNKNOWN,
                  null,
                  null,
                  null),
              1,
              NOW,
              null));
    return new ServiceView(
        "123456789012",
        "default",
        new ServiceSpec(
            "web",
            TD1,
            taskIds.length,
            SchedulingStrategy.REPLICA,
            "EC2",
            new DeploymentSettings(100, 200, false, false),
            List.of(),
            List.of(),
            null,
            List.of()),
        status,
        NOW,
        List.of(
            new Deployment(
                DEPLOYMENT,
                DeploymentStatus.PRIMARY,
                TD1,
                RolloutState.IN_PROGRESS,
                "in progress",
                0,
                NOW,
                NOW)),
        tasks,
        Throttle.NONE,
        false,
        List.of(),
        version);
  }

  private record Running(
      FakeWorld world,
      TestProbe<Service.Command> entity,
      ActorRef<ServiceController.Command> ref) {}

  private Running start(ServiceView view, Function<Input, Decision> reconciler) {
    FakeWorld world = new FakeWorld();
    TestProbe<Service.Command> entity = testKit.createTestProbe();
    ActorRef<ServiceController.Command> ref =
        testKit.spawn(
            ServiceController.create(
                "123456789012/default/web",
                view,
                entity.ref(),
                QUIET,
                world,
                reconciler,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    return new Running(world, entity, ref);
  }

  private static TaskReport report(String taskId, TaskStatus status, long version) {
    return new TaskReport(
        taskId, "i-1", status, false, TaskHealth.UNKNOWN, null, null, null, version);
  }

  @Test
  void aDecisionRefusedBecauseTheStateMovedOnIsMadeAgainFromTheStateTheEntityHandedBack() {
    Running c = start(view(ServiceStatus.ACTIVE, 3), in -> launching(in, 0));

    Service.RecordDecision first = c.entity().expectMessageClass(Service.RecordDecision.class);
    assertEquals(3, first.basisVersion());
    assertEquals(NOW, first.at());
    first
        .replyTo()
        .tell(
            new ServiceController.DecisionRecorded(
                first.decision(), false, view(ServiceStatus.ACTIVE, 7)));

    Service.RecordDecision again = c.entity().expectMessageClass(Service.RecordDecision.class);
    assertEquals(7, again.basisVersion());
  }

  @Test
  void launchesAreRecordedBeforeTheirTasksAreCreated() {
    Running c = start(view(ServiceStatus.ACTIVE, 1), in -> launching(in, 2));
    Service.RecordDecision decision = c.entity().expectMessageClass(Service.RecordDecision.class);
    decision
        .replyTo()
        .tell(
            new ServiceController.DecisionRecorded(
                decision.decision(), true, view(ServiceStatus.ACTIVE, 1)));

    Service.RecordLaunch launch = c.entity().expectMessageClass(Service.RecordLaunch.class);
    assertEquals(DEPLOYMENT, launch.deploymentId());
    assertEquals(2, launch.tasks().size());
    assertTrue(c.world().created.isEmpty(), "nothing created before the launch is recorded");

    List<String> ids = launch.tasks().stream().map(Service.LaunchedTask::taskId).toList();
    launch.replyTo().tell(new ServiceController.LaunchRecorded(ids, true));
    Await.until(
        "the tasks created",
        Duration.ofSeconds(5),
        Duration.ofMillis(20),
        () -> List.copyOf(c.world().created),
        created -> created.size() == 2);
    assertEquals(Set.copyOf(ids), Set.copyOf(c.world().created));
  }

  @Test
  void reportsThatArriveWhileAWriteIsUnderWayGoIntoTheNextWriteTheNewestPerTask() {
    Running c = start(view(ServiceStatus.ACTIVE, 1, "t1", "t2"), in -> launching(in, 0));
    Service.RecordDecision decision = c.entity().expectMessageClass(Service.RecordDecision.class);
    decision
        .replyTo()
        .tell(
            new ServiceController.DecisionRecorded(
                decision.decision(), true, view(ServiceStatus.ACTIVE, 1, "t1", "t2")));

    c.ref().tell(new ServiceController.TaskChanged(report("t1", TaskStatus.RUNNING, 2)));
    Service.RecordTaskReports firstWrite =
        c.entity().expectMessageClass(Service.RecordTaskReports.class);
    assertEquals(List.of(report("t1", TaskStatus.RUNNING, 2)), firstWrite.reports());

    c.ref().tell(new ServiceController.TaskChanged(report("t2", TaskStatus.RUNNING, 2)));
    c.ref().tell(new ServiceController.TaskChanged(report("t2", TaskStatus.PENDING, 1))); // stale
    c.ref().tell(new ServiceController.TaskChanged(report("t1", TaskStatus.STOPPED, 3)));
    c.ref().tell(new ServiceController.TaskChanged(report("other", TaskStatus.RUNNING, 5)));
    firstWrite.replyTo().tell(new ServiceController.ReportsRecorded(false));

    Service.RecordTaskReports secondWrite =
        c.entity().expectMessageClass(Service.RecordTaskReports.class);
    assertEquals(
        List.of(report("t2", TaskStatus.RUNNING, 2), report("t1", TaskStatus.STOPPED, 3)),
        secondWrite.reports());
  }

  @Test
  void theStopsTheEntityRecordedAreCarriedOut() {
    Running c = start(view(ServiceStatus.ACTIVE, 1, "t1"), in -> launching(in, 0));

    c.ref()
        .tell(
            new ServiceController.StateChanged(
                view(ServiceStatus.DRAINING, 2, "t1"),
                List.of(
                    new Service.ServiceDeleted(NOW),
                    new Service.TaskStopOrdered("t1", Service.STOP_CODE, "Service deleted", NOW))));

    Await.until(
        "the stop sent",
        Duration.ofSeconds(5),
        Duration.ofMillis(20),
        () -> List.copyOf(c.world().stopped),
        stopped -> !stopped.isEmpty());
    assertEquals(List.of("t1 Service deleted"), c.world().stopped);
  }

  @Test
  void aControllerOfAnInactiveServiceStops() {
    FakeWorld world = new FakeWorld();
    TestProbe<Service.Command> entity = testKit.createTestProbe();
    ActorRef<ServiceController.Command> ref =
        testKit.spawn(
            ServiceController.create(
                "123456789012/default/web",
                view(ServiceStatus.INACTIVE, 9),
                entity.ref(),
                QUIET,
                world,
                in -> launching(in, 1),
                Clock.fixed(NOW, ZoneOffset.UTC)));

    entity.expectTerminated(ref);
    // the entity, not its controller, tells the cluster
    assertEquals(List.of(), world.clusterTold);
  }
}
