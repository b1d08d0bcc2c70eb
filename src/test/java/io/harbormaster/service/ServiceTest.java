package io.harbormaster.service;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.service.Service.Command;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.Event;
import io.harbormaster.service.Service.InactiveService;
import io.harbormaster.service.Service.LiveService;
import io.harbormaster.service.Service.ServiceChange;
import io.harbormaster.service.Service.ServiceCreated;
import io.harbormaster.service.Service.ServiceEvent;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceStatus;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.Service.State;
import io.harbormaster.service.Service.TaskReport;
import io.harbormaster.service.Service.TaskStopOrdered;
import io.harbormaster.service.Service.TasksLaunched;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceMessage;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.StopOrder;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EntityTestKit;
import io.harbormaster.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Service entity carrying out decisions: what it persists, in which order, and what it asks of
 * the rest of the system. The decisions come from a small scripted reconciler here (the real one
 * has its own tests), and the rest of the system is a hand-written fake that places, reserves and
 * creates tasks in memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ServiceTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("ServiceTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final String CLUSTER = "default";
  private static final String TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
  private static final String TD2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
  private static final Instant CREATED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant UPDATED = Instant.parse("2026-11-02T10:00:00Z");
  private static final AtomicInteger NEXT = new AtomicInteger();

  /** Nothing happens on the timers unless a test asks for it. */
  private static final ServiceSettings QUIET =
      new ServiceSettings(
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofMinutes(3),
          Duration.ofSeconds(30),
          Duration.ofMinutes(5));

  // ---- the fake world ----
  private static final class FakeWorld implements Service.Effects {
    final Map<String, Instance> instances =
        new ConcurrentHashMap<>(
            Map.of(
                "i-1", new Instance("i-1", ContainerInstance.Status.ACTIVE, true, null),
                "i-2", new Instance("i-2", ContainerInstance.Status.ACTIVE, true, null)));
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, TaskSpec> created = new ConcurrentHashMap<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final List<String> reserved = new CopyOnWriteArrayList<>();

    /** What the cluster was told, in order (true: list the service, false: forget it). */
    final List<Boolean> clusterTold = new CopyOnWriteArrayList<>();

    /** The cluster's answers, one per telling; when they run out it acknowledges. */
    final Queue<Supplier<CompletionStage<Done>>> clusterAnswers = new ConcurrentLinkedQueue<>();

    volatile boolean placementFails;
    volatile boolean noInstances;
    volatile boolean creationFails;
    volatile boolean instanceFull;

    /** This many instance lookups never answer (as if their answers were dropped). */
    final AtomicInteger unansweredLookups = new AtomicInteger();

    private final AtomicInteger nextInstance = new AtomicInteger();

    @Override
    public CompletionStage<Map<String, Instance>> instances(
        String accountId, String clusterName, Set<String> inUse) {
      if (unansweredLookups.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        return new CompletableFuture<>();
      return CompletableFuture.completedFuture(Map.copyOf(instances));
    }

    @Override
    public TaskLauncher launcher() {
      return new TaskLauncher(new LaunchPorts(), Clock.systemUTC());
    }

    /** The launcher's view of this world. */
    private final class LaunchPorts implements TaskLauncher.Ports {
      @Override
      public CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
          String accountId, String family, int revision) {
        return FakeWorld.this.taskDefinition(accountId, family, revision);
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
        return FakeWorld.this.place(
            accountId, cluster, taskIds, demand, summary, constraints, strategies);
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
        return FakeWorld.this.reserve(accountId, cluster, instanceId, taskId, demand, summary);
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
      public CompletionStage<TaskView> createTask(
          String accountId, String cluster, String taskId, TaskSpec spec, Instant at) {
        return create(accountId, cluster, taskId, spec, at);
      }

      @Override
      public CompletionStage<TaskView> task(String accountId, String cluster, String taskId) {
        TaskSpec spec = created.get(taskId);
        return spec == null
            ? CompletableFuture.failedFuture(EcsException.resourceNotFound("no task " + taskId))
            : CompletableFuture.completedFuture(pending(accountId, cluster, taskId, spec, CREATED));
      }
    }

    CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
        String accountId, String family, int revision) {
      JsonNode definition =
          JSON.createObjectNode()
              .put("family", "web")
              .set(
                  "containerDefinitions",
                  JSON.createArrayNode()
                      .add(
                          JSON.createObjectNode()
                              .put("name", "web")
                              .put("image", "busybox")
                              .put("memory", 64)));
      return CompletableFuture.completedFuture(
          new TaskDefinitionFamily.Revision(
              "web",
              revision,
              definition,
              TaskDefinitionFamily.Status.ACTIVE,
              List.of(),
              "arn:aws:iam::123456789012:root",
              CREATED,
              null,
              null));
    }

    CompletionStage<ClusterPlacement.Outcome> place(
        String accountId,
        String clusterName,
        List<String> taskIds,
        Demand demand,
        TaskSummary summary,
        List<ConstraintSpec> constraints,
        List<StrategySpec> strategies) {
      calls.add(
          "place "
              + taskIds.size()
              + " "
              + summary.group()
              + " "
              + summary.startedBy()
              + " "
              + strategies);
      if (noInstances) {
        return CompletableFuture.completedFuture(
            new ClusterPlacement.Outcome(
                List.of(),
                List.of(),
                Optional.of(io.harbormaster.scheduler.PlacementResult.NO_CONTAINER_INSTANCES)));
      }
      if (placementFails) {
        return CompletableFuture.completedFuture(
            new ClusterPlacement.Outcome(
                List.of(),
                List.of(
                    new PlacementFailure(
                        "arn:aws:ecs:us-east-1:123456789012:container-instance/default/i-1",
                        "RESOURCE:MEMORY")),
                Optional.empty()));
      }
      List<ClusterPlacement.Placed> placed = new ArrayList<>();
      for (String id : taskIds)
        placed.add(
            new ClusterPlacement.Placed(id, "i-" + (1 + nextInstance.getAndIncrement() % 2)));
      return CompletableFuture.completedFuture(
          new ClusterPlacement.Outcome(placed, List.of(), Optional.empty()));
    }

    CompletionStage<Done> reserve(
        String accountId,
        String clusterName,
        String instanceId,
        String taskId,
        Demand demand,
        TaskSummary summary) {
      reserved.add(taskId + "@" + instanceId);
      return instanceFull
          ? CompletableFuture.failedFuture(EcsException.clientException("RESOURCE:MEMORY"))
          : CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<TaskReport> createTask(
        String accountId, String clusterName, String taskId, TaskSpec spec) {
      return launcher().create(accountId, clusterName, taskId, spec).thenApply(TaskReport::of);
    }

    CompletionStage<TaskView> create(
        String accountId, String clusterName, String taskId, TaskSpec spec, Instant at) {
      calls.add("create " + taskId);
      if (creationFails)
        return CompletableFuture.failedFuture(new IllegalStateException("node is down"));
      created.put(taskId, spec);
      return CompletableFuture.completedFuture(pending(accountId, clusterName, taskId, spec, at));
    }

    private static TaskView pending(
        String accountId, String cluster, String taskId, TaskSpec spec, Instant at) {
      return new TaskView(
          accountId,
          cluster,
          taskId,
          spec,
          TaskStatus.PENDING,
          TaskStatus.RUNNING,
          List.of(),
          io.harbormaster.task.HealthStatus.UNKNOWN,
          null,
          null,
          at,
          null,
          null,
          null,
          null,
          null,
          null,
          1);
    }

    @Override
    public void stopTask(
        String accountId, String clusterName, String taskId, String stopCode, String reason) {
      stopped.add(taskId + " " + stopCode + " " + reason);
    }

    @Override
    public CompletionStage<Optional<TaskReport>> task(
        String accountId, String clusterName, String taskId) {
      TaskSpec spec = created.get(taskId);
      return CompletableFuture.completedFuture(
          spec == null
              ? Optional.empty()
              : Optional.of(
                  new TaskReport(
                      taskId,
                      spec.containerInstanceId(),
                      TaskStatus.PENDING,
                      false,
                      TaskHealth.UNKNOWN,
                      null,
                      null,
                      null,
                      1)));
    }

    @Override
    public CompletionStage<Done> clusterLists(
        String accountId, String clusterName, String serviceName, boolean listed) {
      clusterTold.add(listed);
      Supplier<CompletionStage<Done>> answer = clusterAnswers.poll();
      return answer != null ? answer.get() : CompletableFuture.completedFuture(Done.done());
    }
  }

  /**
   * A minimal stand-in for the reconciler: keep desiredCount live tasks of the PRIMARY deployment,
   * stop the newest surplus and the tasks of other deployments, say "steady" once all run. It is
   * not the real reconciler's logic.
   */
  private static Decision keepDesired(Input in) {
    Deployment primary =
        in.deployments().stream()
            .filter(d -> d.status() == DeploymentStatus.PRIMARY)
            .findFirst()
            .orElseThrow();
    List<ServiceTask> live =
        in.tasks().stream()
            .filter(t -> !t.desiredStopped() && t.lastStatus() != TaskStatus.STOPPED)
            .toList();
    List<ServiceTask> current =
        live.stream().filter(t -> t.deploymentId().equals(primary.id())).toList();
    List<StopOrder> stops = new ArrayList<>();
    live.stream()
        .filter(t -> !t.deploymentId().equals(primary.id()))
        .forEach(
            t -> stops.add(new StopOrder(t.taskId(), Service.STOP_CODE, "Deployment replaced it")));
    current.stream()
        .sorted(Comparator.comparing(ServiceTask::taskId).reversed())
        .limit(Math.max(0, current.size() - in.spec().desiredCount()))
        .forEach(
            t ->
                stops.add(
                    new StopOrder(
                        t.taskId(),
                        Service.STOP_CODE,
                        "Scaling activity initiated by " + "(deployment " + primary.id() + ")")));
    List<Launch> launches = new ArrayList<>();
    int missing = in.spec().desiredCount() - current.size();
    if (missing > 0)
      launches.add(
          new Launch(primary.id(), primary.taskDefinitionArn(), missing, Optional.empty()));
    List<String> forget =
        in.tasks().stream()
            .filter(t -> t.lastStatus() == TaskStatus.STOPPED)
            .map(ServiceTask::taskId)
            .toList();
    boolean steady =
        missing == 0
            && stops.isEmpty()
            && current.stream().allMatch(t -> t.lastStatus() == TaskStatus.RUNNING);
    List<ServiceMessage> messages =
        steady && !in.steady()
            ? List.of(
                new ServiceMessage(
                    "SERVICE_STEADY_STATE",
                    "INFO",
                    "(service " + in.spec().serviceName() + ") has reached a steady state."))
            : List.of();
    return new Decision(
        launches,
        stops,
        in.deployments(),
        messages,
        forget,
        in.throttle(),
        steady,
        Optional.empty());
  }

  /** The time the service and its controller read: it moves only when a test moves it. */
  private record Fixture(
      String name,
      FakeWorld world,
      SettableClock clock,
      EventSourcedBehaviorTestKit<Command, Event, State> service) {}

  private Fixture fixture(ServiceSettings settings, Function<Input, Decision> reconciler) {
    String name = "web" + NEXT.incrementAndGet();
    FakeWorld world = new FakeWorld();
    SettableClock clock = new SettableClock(CREATED);
    var service =
        EntityTestKit.<Command, Event, State>create(
            testKit.system(),
            Service.create(
                Service.entityId(ACCOUNT, CLUSTER, name),
                new EventTags(4),
                settings,
                world,
                reconciler,
                null,
                clock));
    return new Fixture(name, world, clock, service);
  }

  private Fixture fixture() {
    return fixture(QUIET, ServiceTest::keepDesired);
  }

  private static ServiceSpec spec(String name, int desired) {
    return new ServiceSpec(
        name,
        TD1,
        desired,
        SchedulingStrategy.REPLICA,
        "EC2",
        new DeploymentSettings(100, 200, false, false),
        List.of(),
        List.of(),
        null,
        List.of(new Tag("team", "a")));
  }

  private static ServiceView create(Fixture f, int desired) {
    return success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Create(
                        spec(f.name(), desired), "ecs-svc/1000000000000000001", CREATED, r)));
  }

  private static ServiceView view(Fixture f) {
    return Service.viewOf(f.service().getState());
  }

  private static ServiceView awaitView(Fixture f, String what, Predicate<ServiceView> done) {
    return Await.until(what, Duration.ofSeconds(10), Duration.ofMillis(20), () -> view(f), done);
  }

  private static List<Object> journal(Fixture f) {
    return f.service()
        .persistenceTestKit()
        .persistedInStorage("Service|" + Service.entityId(ACCOUNT, CLUSTER, f.name()));
  }

  private static <T> List<T> journal(Fixture f, Class<T> type) {
    return journal(f).stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static void report(
      Fixture f, String taskId, TaskStatus status, TaskHealth health, long version) {
    f.service()
        .runCommand(
            new Service.TaskChanged(
                new TaskReport(
                    taskId,
                    "i-1",
                    status,
                    false,
                    health,
                    status == TaskStatus.RUNNING ? UPDATED : null,
                    null,
                    null,
                    version)));
  }

  private static List<String> messages(ServiceView v) {
    return v.events().stream().map(ServiceEvent::message).toList();
  }

  // ---- create, describe, refusals ----

  @Test
  void aCreatedServiceIsActiveWithOnePrimaryDeploymentInProgress() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));

    var result =
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Create(
                        spec(f.name(), 2), "ecs-svc/1000000000000000001", CREATED, r));

    ServiceView view = success(result);
    Deployment primary =
        new Deployment(
            "ecs-svc/1000000000000000001",
            DeploymentStatus.PRIMARY,
            TD1,
            RolloutState.IN_PROGRESS,
            "ECS deployment ecs-svc/1000000000000000001 in progress.",
            0,
            CREATED,
            CREATED);
    assertEquals(List.of(new ServiceCreated(spec(f.name(), 2), primary, CREATED)), result.events());
    assertEquals(ServiceStatus.ACTIVE, view.status());
    assertEquals(List.of(primary), view.deployments());
    assertEquals(List.of(primary), view.visibleDeployments());
    assertEquals(0, view.runningCount(null));
    assertInstanceOf(LiveService.class, result.state());
  }

  // ---- the cluster's list of services ----

  @Test
  void createIsAnsweredOnceTheClusterListsTheService() {
    Fixture f = fixture();
    CompletableFuture<Done> clusterAnswer = new CompletableFuture<>();
    f.world().clusterAnswers.add(() -> clusterAnswer);

    CompletableFuture<ServiceView> created = CompletableFuture.supplyAsync(() -> create(f, 0));

    Await.until(
        "the cluster told",
        Duration.ofSeconds(5),
        Duration.ofMillis(20),
        () -> List.copyOf(f.world().clusterTold),
        told -> !told.isEmpty());
    assertInstanceOf(LiveService.class, f.service().getState());
    assertFalse(created.isDone(), "answered before the cluster listed the service");
    clusterAnswer.complete(Done.done());
    assertEquals(ServiceStatus.ACTIVE, created.join().status());
    assertEquals(List.of(true), f.world().clusterTold);
  }

  @Test
  void aClusterThatDoesNotAnswerIsToldAgainUntilItDoes() {
    Fixture f = fixture();
    f.world()
        .clusterAnswers
        .add(() -> CompletableFuture.failedFuture(new TimeoutException("no answer")));

    ServiceView view = create(f, 0);

    assertEquals(ServiceStatus.ACTIVE, view.status());
    assertEquals(List.of(true, true), f.world().clusterTold);
  }

  @Test
  void aClusterThatRefusesFailsTheCreateWithItsRefusal() {
    Fixture f = fixture();
    f.world()
        .clusterAnswers
        .add(
            () ->
                CompletableFuture.failedFuture(
                    new StatusReply.ErrorMessage("ClusterNotFoundException: Cluster not found.")));

    var result =
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r -> new Service.Create(spec(f.name(), 0), "ecs-svc/1", CREATED, r));

    // The caller sees the cluster's refusal, as when the handler asked the cluster first.
    assertTrue(result.reply().isError(), () -> "expected a refusal, got " + result.reply());
    assertEquals(
        "ClusterNotFoundException: Cluster not found.", result.reply().getError().getMessage());
    assertEquals(List.of(true), f.world().clusterTold);
  }

  @Test
  void aRecoveredServiceTellsTheClusterAgain() {
    Fixture f = fixture();
    create(f, 0);

    f.service().restart();

    Await.until(
        "the cluster told again",
        Duration.ofSeconds(5),
        Duration.ofMillis(20),
        () -> List.copyOf(f.world().clusterTold),
        told -> told.size() == 2);
    assertEquals(List.of(true, true), f.world().clusterTold);
  }

  @Test
  void creatingAServiceThatExistsIsNotIdempotent() {
    Fixture f = fixture();
    create(f, 0);
    // The first reconcile persists the steady state on its own; let it land so the refusal is
    // observed alone.
    awaitView(f, "the steady state", ServiceView::steady);

    assertRefused(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r -> new Service.Create(spec(f.name(), 1), "ecs-svc/2", UPDATED, r)),
        "InvalidParameterException",
        "Creation of service was not idempotent.");
  }

  @Test
  void anUnknownServiceIsNotFound() {
    Fixture f = fixture();

    assertRefused(
        f.service().<StatusReply<ServiceView>>runCommand(Service.Get::new),
        "ServiceNotFoundException",
        "Service not found.");
    assertRefused(
        f.service().<StatusReply<ServiceView>>runCommand(r -> new Service.Delete(true, UPDATED, r)),
        "ServiceNotFoundException",
        "Service not found.");
    assertRefused(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Update(
                        new ServiceChange(3, null, null, null, null, null, false),
                        "ecs-svc/2",
                        UPDATED,
                        r)),
        "ServiceNotFoundException",
        "Service not found.");
  }

  // ---- launches ----

  @Test
  void launchesArePlacedAndRecordedWithTheirInstancesBeforeTheTasksAreCreated() {
    Fixture f = fixture();
    create(f, 2);

    ServiceView view =
        awaitView(
            f, "two tasks created", v -> v.tasks().size() == 2 && f.world().created.size() == 2);

    List<TasksLaunched> launched = journal(f, TasksLaunched.class);
    assertEquals(1, launched.size());
    assertEquals("ecs-svc/1000000000000000001", launched.get(0).deploymentId());
    List<String> ids = launched.get(0).tasks().stream().map(Service.LaunchedTask::taskId).toList();
    assertEquals(Set.copyOf(ids), f.world().created.keySet());
    assertEquals(
        List.of(
            "place 2 service:"
                + f.name()
                + " ecs-svc/1000000000000000001 "
                + "[StrategySpec[type=spread, field=attribute:ecs.availability-zone], "
                + "StrategySpec[type=spread, field=instanceId]]",
            "create " + ids.get(0),
            "create " + ids.get(1)),
        f.world().calls);
    TaskSpec spec = f.world().created.get(ids.get(0));
    assertEquals("service:" + f.name(), spec.group());
    assertEquals("ecs-svc/1000000000000000001", spec.startedBy());
    assertEquals(TD1, spec.taskDefinitionArn());
    assertEquals(64, spec.memory());
    assertEquals("EC2", spec.launchType(), "the service's launch type");
    assertTrue(
        messages(view)
            .contains(
                "(service "
                    + f.name()
                    + ") has started 2 tasks: (task "
                    + ids.get(0)
                    + ") (task "
                    + ids.get(1)
                    + ")."),
        messages(view).toString());
  }

  @Test
  void aBigLaunchGoesToPlacementInBatchesEachRecordedBeforeTheNext() {
    Fixture f =
        fixture(
            new ServiceSettings(
                Duration.ofHours(1),
                Duration.ofHours(1),
                Duration.ofMinutes(3),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                3),
            ServiceTest::keepDesired);
    create(f, 7);

    awaitView(
        f, "seven tasks created", v -> v.tasks().size() == 7 && f.world().created.size() == 7);

    assertEquals(
        List.of(3, 3, 1),
        journal(f, TasksLaunched.class).stream().map(e -> e.tasks().size()).toList());
    assertEquals(
        List.of(3, 3, 1),
        f.world().calls.stream()
            .filter(c -> c.startsWith("place "))
            .map(c -> Integer.parseInt(c.split(" ")[1]))
            .toList());
    assertEquals(7, f.world().created.size());
  }

  @Test
  void aStepWhoseAnswerIsLostDoesNotBlockTheServiceForGood() {
    Fixture f =
        fixture(
            new ServiceSettings(
                Duration.ofMillis(100),
                Duration.ofHours(1),
                Duration.ofMinutes(3),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5)),
            ServiceTest::keepDesired);
    f.world().unansweredLookups.set(1);
    create(f, 2);
    Await.until(
        "the first lookup asked",
        Duration.ofSeconds(10),
        Duration.ofMillis(20),
        () -> f.world().unansweredLookups.get(),
        n -> n == 0);
    assertTrue(view(f).tasks().isEmpty(), "nothing decided while the first step is unanswered");

    // the first reconcile never hears back; once six reconcile intervals passed on the service's
    // clock without progress, the tick decides again
    f.clock().advance(Duration.ofSeconds(1));
    awaitView(f, "two tasks created", v -> v.tasks().size() == 2 && f.world().created.size() == 2);
    assertEquals(1, journal(f, TasksLaunched.class).size());
  }

  @Test
  void aLaunchWhoseTaskCouldNotBeCreatedIsStillTrackedAndCreatedAgainWithTheSameId() {
    Fixture f =
        fixture(
            new ServiceSettings(
                Duration.ofHours(1),
                Duration.ofMillis(100),
                Duration.ofMinutes(3),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5)),
            ServiceTest::keepDesired);
    f.world().creationFails = true;
    create(f, 1);
    ServiceView launched = awaitView(f, "one launch recorded", v -> v.tasks().size() == 1);
    String taskId = launched.tasks().firstKey();
    assertTrue(f.world().created.isEmpty());

    f.world().creationFails = false;
    f.clock().advance(Duration.ofMinutes(2)); // past recreateAfter: the refresh creates it again

    awaitView(f, "the task created again", v -> f.world().created.containsKey(taskId));
    assertEquals(Set.of(taskId), f.world().created.keySet());
    assertTrue(
        f.world()
            .reserved
            .contains(taskId + "@" + launched.tasks().get(taskId).task().instanceId()),
        f.world().reserved.toString());
    assertEquals(1, journal(f, TasksLaunched.class).size(), "no second launch");
  }

  @Test
  void aLaunchWhoseTaskCannotBeCreatedAgainBecauseItsInstanceIsFullCountsAsFailedToStart() {
    Fixture f =
        fixture(
            new ServiceSettings(
                Duration.ofHours(1),
                Duration.ofMillis(100),
                Duration.ofMinutes(3),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5)),
            ServiceTest::keepDesired);
    f.world().creationFails = true;
    f.world().instanceFull = true;
    create(f, 1);
    String taskId =
        awaitView(f, "one launch recorded", v -> v.tasks().size() == 1).tasks().firstKey();
    f.clock().advance(Duration.ofMinutes(2)); // past recreateAfter

    awaitView(f, "the task given up", v -> !v.tasks().containsKey(taskId));

    Service.TaskStateRecorded given =
        journal(f, Service.TaskStateRecorded.class).stream()
            .filter(e -> e.task().taskId().equals(taskId))
            .findFirst()
            .orElseThrow();
    assertEquals(TaskStatus.STOPPED, given.task().lastStatus());
    assertEquals("TaskFailedToStart", given.task().stopCode());
    assertEquals(
        "The task could not be started after a control-plane restart: RESOURCE:MEMORY",
        given.task().stoppedReason());
  }

  @Test
  void aPlacementFailureEndingInAFullStop_isNotFollowedByAnother() {
    Fixture f = fixture();
    f.world().noInstances = true;
    create(f, 1);

    String expected =
        "(service "
            + f.name()
            + ") was unable to place a task because no container instance met all "
            + "of its requirements. Reason: No Container Instances were found in your cluster.";
    awaitView(f, "the placement failure", v -> messages(v).contains(expected));
  }

  @Test
  void aPlacementFailureBecomesAServiceEventOnceAndLaunchesNothing() {
    Fixture f = fixture();
    f.world().placementFails = true;
    create(f, 1);

    String expected =
        "(service "
            + f.name()
            + ") was unable to place a task because no container instance met all "
            + "of its requirements. Reason: RESOURCE:MEMORY on (container-instance i-1).";
    awaitView(f, "the placement failure", v -> messages(v).contains(expected));
    f.service().runCommand(new Service.Reconcile());
    f.service().runCommand(new Service.Reconcile());
    awaitView(
        f,
        "three placements tried",
        v -> f.world().calls.stream().filter(c -> c.startsWith("place")).count() >= 3);

    ServiceView view = view(f);
    assertEquals(
        1, messages(view).stream().filter(expected::equals).count(), messages(view).toString());
    assertEquals("SERVICE_TASK_PLACEMENT_FAILURE", view.events().get(0).eventName());
    assertTrue(view.tasks().isEmpty());
    assertTrue(journal(f, TasksLaunched.class).isEmpty());
  }

  @Test
  void aDecisionMadeFromAStateThatMovedOnIsRefusedWithTheStateItMovedTo() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));
    ServiceView now = create(f, 0);
    Decision steady =
        new Decision(
            List.of(),
            List.of(),
            now.deployments(),
            List.of(),
            List.of(),
            now.throttle(),
            true,
            Optional.empty());

    var stale =
        f.service()
            .<ServiceController.Command>runCommand(
                r -> new Service.RecordDecision(steady, 0, UPDATED, now.version() - 1, r));
    var current =
        f.service()
            .<ServiceController.Command>runCommand(
                r -> new Service.RecordDecision(steady, 0, UPDATED, now.version(), r));

    assertTrue(stale.hasNoEvents());
    assertEquals(new ServiceController.DecisionRecorded(steady, false, now), stale.reply());
    assertEquals(List.of(new Service.SteadinessChanged(true, UPDATED)), current.events());
    assertEquals(new ServiceController.DecisionRecorded(steady, true, view(f)), current.reply());
  }

  // ---- task notifications ----

  @Test
  void taskNotificationsAreRecordedAndStaleOnesIgnored() {
    Fixture f = fixture();
    create(f, 1);
    String taskId = awaitView(f, "a task", v -> v.tasks().size() == 1).tasks().firstKey();

    report(f, taskId, TaskStatus.RUNNING, TaskHealth.HEALTHY, 5);
    report(
        f, taskId, TaskStatus.PENDING, TaskHealth.UNKNOWN, 3); // an older notification, overtaken

    ServiceView view = awaitView(f, "steady", ServiceView::steady);
    ServiceTask task = view.tasks().get(taskId).task();
    assertEquals(TaskStatus.RUNNING, task.lastStatus());
    assertEquals(TaskHealth.HEALTHY, task.health());
    assertEquals(5, view.tasks().get(taskId).version());
    assertEquals(1, view.runningCount(null));
    assertTrue(messages(view).contains("(service " + f.name() + ") has reached a steady state."));
  }

  @Test
  void aTasksFirstReportThatOnlyRepeatsItsLaunchIsNotRecorded() {
    Fixture f = fixture();
    create(f, 1);
    String taskId = awaitView(f, "a task", v -> v.tasks().size() == 1).tasks().firstKey();
    assertEquals("i-1", view(f).tasks().get(taskId).task().instanceId());

    report(f, taskId, TaskStatus.PENDING, TaskHealth.UNKNOWN, 1); // the Task entity's "created"
    report(f, taskId, TaskStatus.RUNNING, TaskHealth.UNKNOWN, 2);

    awaitView(
        f,
        "the task running",
        v -> v.tasks().get(taskId).task().lastStatus() == TaskStatus.RUNNING);
    List<Service.TaskStateRecorded> recorded = journal(f, Service.TaskStateRecorded.class);
    assertEquals(
        List.of(TaskStatus.RUNNING), recorded.stream().map(r -> r.task().lastStatus()).toList());
    assertEquals(2, recorded.get(0).version());
  }

  @Test
  void notificationsOfTasksTheServiceDidNotLaunchAreIgnored() {
    Fixture f = fixture();
    create(f, 0);
    awaitView(
        f, "the steady state", ServiceView::steady); // the first reconcile's own events land first

    var result =
        f.service()
            .runCommand(
                new Service.TaskChanged(
                    new TaskReport(
                        "someone-elses",
                        "i-1",
                        TaskStatus.RUNNING,
                        false,
                        TaskHealth.UNKNOWN,
                        UPDATED,
                        null,
                        null,
                        1)));

    assertTrue(result.hasNoEvents());
    assertTrue(view(f).tasks().isEmpty());
  }

  // ---- stops ----

  @Test
  void scalingDownPersistsEachStopWithItsReasonAndThenStopsTheTask() {
    Fixture f = fixture();
    create(f, 2);
    ServiceView two = awaitView(f, "two tasks", v -> v.tasks().size() == 2);
    String newest = two.tasks().lastKey();

    success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Update(
                        new ServiceChange(1, null, null, null, null, null, false),
                        "ecs-svc/2",
                        UPDATED,
                        r)));

    ServiceView view = awaitView(f, "one stop", v -> v.tasks().get(newest).task().desiredStopped());
    String reason = "Scaling activity initiated by (deployment ecs-svc/1000000000000000001)";
    TaskStopOrdered ordered = journal(f, TaskStopOrdered.class).get(0);
    assertEquals(newest, ordered.taskId());
    assertEquals("ServiceSchedulerInitiated", ordered.stopCode());
    assertEquals(reason, ordered.reason());
    awaitView(f, "the stop carried out", v -> !f.world().stopped.isEmpty());
    assertEquals(List.of(newest + " ServiceSchedulerInitiated " + reason), f.world().stopped);
    assertTrue(
        messages(view)
            .contains(
                "(service " + f.name() + ") has stopped 1 running tasks: (task " + newest + ")."),
        messages(view).toString());
    assertEquals(1, view.spec().desiredCount());
  }

  @Test
  void aStoppedTaskIsForgottenOnceTheReconcilerSaysSoAndReplaced() {
    Fixture f = fixture();
    create(f, 1);
    String first = awaitView(f, "a task", v -> v.tasks().size() == 1).tasks().firstKey();

    f.service()
        .runCommand(
            new Service.TaskChanged(
                new TaskReport(
                    first,
                    "i-1",
                    TaskStatus.STOPPED,
                    true,
                    TaskHealth.UNKNOWN,
                    null,
                    "EssentialContainerExited",
                    "Essential container in task exited",
                    9)));

    ServiceView view =
        awaitView(f, "a replacement", v -> !v.tasks().containsKey(first) && v.tasks().size() == 1);
    assertTrue(
        journal(f, Service.TasksForgotten.class).stream()
            .anyMatch(e -> e.taskIds().equals(List.of(first))));
    // The replacement's launch is recorded before its Task entity is created: wait for the
    // creation.
    Await.until(
        "the replacement created",
        Duration.ofSeconds(10),
        Duration.ofMillis(20),
        () -> f.world().created.size(),
        n -> n == 2);
    assertFalse(view.tasks().containsKey(first));
  }

  // ---- deployments ----

  @Test
  void aNewTaskDefinitionStartsANewPrimaryDeploymentAndTheOldOneTurnsActive() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));
    create(f, 1);
    f.service().runCommand(new Service.Reconcile());

    var result =
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Update(
                        new ServiceChange(null, TD2, null, null, null, null, false),
                        "ecs-svc/2000000000000000002",
                        UPDATED,
                        r));

    ServiceView view = success(result);
    assertEquals(
        List.of(
            new Deployment(
                "ecs-svc/2000000000000000002",
                DeploymentStatus.PRIMARY,
                TD2,
                RolloutState.IN_PROGRESS,
                "ECS deployment ecs-svc/2000000000000000002 in progress.",
                0,
                UPDATED,
                UPDATED),
            new Deployment(
                "ecs-svc/1000000000000000001",
                DeploymentStatus.ACTIVE,
                TD1,
                RolloutState.IN_PROGRESS,
                "ECS deployment ecs-svc/1000000000000000001 in progress.",
                0,
                CREATED,
                UPDATED)),
        view.visibleDeployments());
    assertEquals(TD2, view.spec().taskDefinitionArn());
    assertEquals(Throttle.NONE, view.throttle());
  }

  @Test
  void forceNewDeploymentStartsADeploymentOfTheSameTaskDefinition() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));
    create(f, 1);

    ServiceView view =
        success(
            f.service()
                .<StatusReply<ServiceView>>runCommand(
                    r ->
                        new Service.Update(
                            new ServiceChange(null, null, null, null, null, null, true),
                            "ecs-svc/3",
                            UPDATED,
                            r)));

    assertEquals(2, view.visibleDeployments().size());
    assertEquals("ecs-svc/3", view.primary().orElseThrow().id());
    assertEquals(TD1, view.primary().orElseThrow().taskDefinitionArn());
  }

  @Test
  void theReconcilersDeploymentsThrottleAndMessagesArePersisted() {
    Instant notBefore = Instant.parse("2030-01-01T00:00:00Z");
    Fixture f =
        fixture(
            QUIET,
            in -> {
              List<Deployment> completed =
                  in.deployments().stream()
                      .map(
                          d ->
                              new Deployment(
                                  d.id(),
                                  d.status(),
                                  d.taskDefinitionArn(),
                                  RolloutState.COMPLETED,
                                  "ECS deployment " + d.id() + " completed.",
                                  0,
                                  d.createdAt(),
                                  in.now()))
                      .toList();
              return new Decision(
                  List.of(),
                  List.of(),
                  completed,
                  List.of(
                      new ServiceMessage(
                          "SERVICE_TASK_START_IMPAIRED",
                          "WARN",
                          "(service x) is unable to consistently start tasks successfully.")),
                  List.of(),
                  new Throttle(3, notBefore),
                  false,
                  Optional.empty());
            });
    create(f, 0);

    ServiceView view = awaitView(f, "a decision", v -> !v.events().isEmpty());

    assertEquals(RolloutState.COMPLETED, view.deployments().get(0).rolloutState());
    assertEquals(new Throttle(3, notBefore), view.throttle());
    assertEquals("SERVICE_TASK_START_IMPAIRED", view.events().get(0).eventName());
    assertEquals(1, journal(f, Service.DeploymentsChanged.class).size());
    assertEquals(1, journal(f, Service.ThrottleChanged.class).size());
  }

  // ---- DAEMON ----

  @Test
  void aDaemonLaunchReservesOnItsNamedInstance() {
    Fixture f =
        fixture(
            QUIET,
            in -> {
              Deployment primary = in.deployments().get(0);
              boolean onI2 = in.tasks().stream().anyMatch(t -> "i-2".equals(t.instanceId()));
              return new Decision(
                  onI2
                      ? List.of()
                      : List.of(
                          new Launch(
                              primary.id(), primary.taskDefinitionArn(), 1, Optional.of("i-2"))),
                  List.of(),
                  in.deployments(),
                  List.of(),
                  List.of(),
                  in.throttle(),
                  in.steady(),
                  Optional.empty());
            });
    success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Create(
                        new ServiceSpec(
                            f.name(),
                            TD1,
                            0,
                            SchedulingStrategy.DAEMON,
                            "EC2",
                            new DeploymentSettings(0, 100, false, false),
                            List.of(),
                            List.of(),
                            null,
                            List.of()),
                        "ecs-svc/1",
                        CREATED,
                        r)));

    ServiceView view = awaitView(f, "a daemon task", v -> v.tasks().size() == 1);

    String taskId = view.tasks().firstKey();
    assertEquals("i-2", view.tasks().get(taskId).task().instanceId());
    assertEquals(List.of(taskId + "@i-2"), f.world().reserved);
    assertTrue(f.world().calls.stream().noneMatch(c -> c.startsWith("place")));
  }

  @Test
  void aDaemonServiceRecordsItsDesiredCountSoItsHistoryShowsIt() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));
    success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Create(
                        new ServiceSpec(
                            f.name(),
                            TD1,
                            0,
                            SchedulingStrategy.DAEMON,
                            "EC2",
                            new DeploymentSettings(0, 100, false, false),
                            List.of(),
                            List.of(),
                            null,
                            List.of()),
                        "ecs-svc/1",
                        CREATED,
                        r)));

    // what the events and history show is the journal replayed: one task per ACTIVE instance (i-1,
    // i-2), not 0
    awaitView(
        f,
        "the daemon's desired count in its history",
        v -> historyView(f).path("desiredCount").asInt() == 2);
    JsonNode history = historyView(f);
    assertEquals(2, history.path("deployments").path(0).path("desiredCount").asInt());

    f.world().instances.remove("i-2");
    f.service().runCommand(new Service.Reconcile());
    awaitView(f, "one instance fewer", v -> historyView(f).path("desiredCount").asInt() == 1);
    f.service().restart();
    assertEquals(1, view(f).spec().desiredCount());
  }

  /** The service as the events and the history show it: its journal replayed, then viewed. */
  private static JsonNode historyView(Fixture f) {
    var kind = io.harbormaster.events.ResourceKinds.SERVICE;
    String entityId = Service.entityId(ACCOUNT, CLUSTER, f.name());
    var replay = kind.replay(entityId);
    State state = replay.empty();
    for (Object event : journal(f)) state = replay.apply(state, event);
    return kind.view("us-east-1", entityId, state, null).orElseThrow();
  }

  // ---- delete ----

  @Test
  void deletingAServiceScaledAboveZeroNeedsForce() {
    Fixture f = fixture();
    create(f, 1);
    awaitView(
        f, "the task launched", v -> v.tasks().size() == 1); // the launch's own events land first

    assertRefused(
        f.service()
            .<StatusReply<ServiceView>>runCommand(r -> new Service.Delete(false, UPDATED, r)),
        "InvalidParameterException",
        "The service cannot be stopped while it is scaled above 0.");
  }

  @Test
  void aForcedDeleteDrainsTheTasksAndTheServiceTurnsInactiveWhenTheLastOneStopped() {
    Fixture f = fixture();
    create(f, 2);
    List<String> ids =
        List.copyOf(awaitView(f, "two tasks", v -> v.tasks().size() == 2).tasks().keySet());

    ServiceView draining =
        success(
            f.service()
                .<StatusReply<ServiceView>>runCommand(r -> new Service.Delete(true, UPDATED, r)));

    assertEquals(ServiceStatus.DRAINING, draining.status());
    assertEquals(0, draining.spec().desiredCount());
    assertTrue(draining.tasks().values().stream().allMatch(t -> t.task().desiredStopped()));
    awaitView(f, "stops sent", v -> f.world().stopped.size() == 2);
    assertRefused(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Update(
                        new ServiceChange(1, null, null, null, null, null, false),
                        "ecs-svc/9",
                        UPDATED,
                        r)),
        "ServiceNotActiveException",
        "Service was not ACTIVE.");

    for (String id : ids) {
      f.service()
          .runCommand(
              new Service.TaskChanged(
                  new TaskReport(
                      id,
                      "i-1",
                      TaskStatus.STOPPED,
                      true,
                      TaskHealth.UNKNOWN,
                      null,
                      Service.STOP_CODE,
                      "Scaling activity",
                      7)));
    }

    // the controller batches the reports into a write; the last stop makes the service INACTIVE
    awaitView(f, "inactive", v -> v.status() == ServiceStatus.INACTIVE);
    assertInstanceOf(InactiveService.class, f.service().getState());
    Await.until(
        "the cluster told",
        Duration.ofSeconds(10),
        Duration.ofMillis(20),
        () -> List.copyOf(f.world().clusterTold),
        told -> told.contains(false));
    assertEquals(List.of(true, false), f.world().clusterTold);
    assertEquals(1, journal(f, Service.ServiceInactivated.class).size());
  }

  @Test
  void aServiceWithoutTasksIsInactiveRightAfterDeleteAndCanBeCreatedAgain() {
    Fixture f = fixture();
    create(f, 0);

    ServiceView deleted =
        success(
            f.service()
                .<StatusReply<ServiceView>>runCommand(r -> new Service.Delete(false, UPDATED, r)));
    assertEquals(ServiceStatus.INACTIVE, deleted.status());

    ServiceView again =
        success(
            f.service()
                .<StatusReply<ServiceView>>runCommand(
                    r -> new Service.Create(spec(f.name(), 0), "ecs-svc/5", UPDATED, r)));
    assertEquals(ServiceStatus.ACTIVE, again.status());
    assertEquals(List.of("ecs-svc/5"), again.deployments().stream().map(Deployment::id).toList());
    assertTrue(again.version() > deleted.version());
  }

  // ---- tags and replay ----

  @Test
  void tagsAreMergedAndRemoved() {
    Fixture f = fixture();
    create(f, 0);

    success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.TagResource(
                        List.of(new Tag("team", "b"), new Tag("env", "prod")), r)));
    ServiceView view =
        success(
            f.service()
                .<StatusReply<ServiceView>>runCommand(
                    r -> new Service.UntagResource(List.of("env"), r)));

    assertEquals(List.of(new Tag("team", "b")), view.spec().tags());
  }

  @Test
  void everythingSurvivesARestartAndTheServiceHealsFromItsTasks() {
    Fixture f = fixture();
    create(f, 2);
    ServiceView before = awaitView(f, "two tasks", v -> v.tasks().size() == 2);
    String taskId = before.tasks().firstKey();
    report(f, taskId, TaskStatus.RUNNING, TaskHealth.HEALTHY, 4);
    ServiceView settled = awaitView(f, "recorded", v -> v.tasks().get(taskId).version() == 4);

    var restarted = f.service().restart();

    ServiceView after = Service.viewOf(restarted.state());
    assertEquals(settled.tasks(), after.tasks());
    assertEquals(settled.deployments(), after.deployments());
    assertEquals(settled.events(), after.events());
    // Recovery refreshes and reconciles: nothing is launched twice.
    f.service().runCommand(new Service.Reconcile());
    awaitView(f, "quiet", v -> v.tasks().size() == 2);
    assertEquals(1, journal(f, TasksLaunched.class).size());
  }

  // ---- service deployments ----

  @Test
  void eachDeploymentIsAServiceDeploymentAndAStopRollsItBackToItsSourceRevision() {
    Fixture f =
        fixture(
            QUIET,
            in ->
                new Decision(
                    List.of(),
                    List.of(),
                    in.deployments(),
                    List.of(),
                    List.of(),
                    in.throttle(),
                    in.steady(),
                    Optional.empty()));
    create(f, 1);
    success(
        f.service()
            .<StatusReply<ServiceView>>runCommand(
                r ->
                    new Service.Update(
                        new ServiceChange(null, TD2, null, null, null, null, false),
                        "ecs-svc/2000000000000000002",
                        UPDATED,
                        r)));
    ServiceDeployments.Page page =
        success(
            f.service()
                .<StatusReply<ServiceDeployments.Page>>runCommand(
                    r ->
                        new Service.ListDeployments(
                            new ServiceDeployments.ListQuery(Set.of(), null, null, null, 10), r)));
    assertEquals(
        List.of("2000000000000000002", "1000000000000000001"),
        page.deployments().stream().map(ServiceDeployments.Record::targetRevisionId).toList());
    String second = page.deployments().get(0).id();

    ServiceDeployments.Record stopped =
        success(
            f.service()
                .<StatusReply<ServiceDeployments.Record>>runCommand(
                    r ->
                        new Service.StopDeployment(
                            second, "ecs-svc/3000000000000000003", UPDATED.plusSeconds(5), r)));

    assertEquals(ServiceDeployments.Status.ROLLBACK_IN_PROGRESS, stopped.status());
    assertEquals("1000000000000000001", stopped.rollback().revisionId());
    ServiceView view = view(f);
    Deployment primary = view.primary().orElseThrow();
    assertEquals("ecs-svc/3000000000000000003", primary.id());
    assertEquals(TD1, primary.taskDefinitionArn());
    Deployment forward =
        view.deployments().stream()
            .filter(d -> d.id().equals("ecs-svc/2000000000000000002"))
            .findFirst()
            .orElseThrow();
    assertEquals(DeploymentStatus.ACTIVE, forward.status());
    assertEquals(RolloutState.FAILED, forward.rolloutState());
    assertRefused(
        f.service()
            .<StatusReply<ServiceDeployments.Record>>runCommand(
                r -> new Service.StopDeployment(second, "ecs-svc/4", UPDATED, r)),
        "ConflictException",
        "The service deployment is ROLLBACK_IN_PROGRESS and can only be stopped while IN_PROGRESS.");
    assertRefused(
        f.service()
            .<StatusReply<ServiceDeployments.Record>>runCommand(
                r -> new Service.StopDeployment("nope", "ecs-svc/4", UPDATED, r)),
        "ServiceDeploymentNotFoundException",
        "The service deployment does not exist.");

    var restarted = f.service().restart();

    Service.HistoryAnswer answer =
        success(
            f.service()
                .<StatusReply<Service.HistoryAnswer>>runCommand(
                    r ->
                        new Service.DescribeHistory(
                            List.of(second), List.of("1000000000000000001", "x"), r)));
    assertEquals(
        ServiceDeployments.Status.ROLLBACK_IN_PROGRESS,
        answer.deployments().get(0).deployment().status());
    assertEquals(Set.of("1000000000000000001"), answer.deployments().get(0).sources().keySet());
    assertEquals(
        List.of(TD1),
        answer.revisions().stream().map(ServiceDeployments.Revision::taskDefinitionArn).toList());
    assertEquals(Service.historyIn(f.service().getState()), Service.historyIn(restarted.state()));
  }
}
