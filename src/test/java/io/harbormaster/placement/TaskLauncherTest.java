package io.harbormaster.placement;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.LaunchRequest.Origin;
import io.harbormaster.placement.LaunchRequest.TaskDefinitionRef;
import io.harbormaster.placement.TaskLauncher.Launched;
import io.harbormaster.placement.TaskLauncher.Placement;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/**
 * The one launch pipeline against hand-written fake entities: what it asks for, in which order, and
 * what RunTask, StartTask and a service get back.
 */
class TaskLauncherTest {
  private static final String REGION = "eu-west-1";
  private static final String ACCOUNT = "123456789012";
  private static final String CLUSTER = "default";
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Instant RECEIVED = Instant.parse("2026-12-07T09:59:59Z");
  private static final String TD_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3";

  /** The entities around a launch, in memory; every ask is written down. */
  private static final class FakeEntities implements TaskLauncher.Ports {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, TaskDefinitionFamily.Revision> revisions = new LinkedHashMap<>();
    final Map<String, TaskView> tasks = new LinkedHashMap<>();

    /** Instances that have room, in the order placement uses them. */
    final List<String> room = new ArrayList<>(List.of("i-1", "i-2"));

    /** Instances that refuse a reservation, and why. */
    final Map<String, String> refusing = new LinkedHashMap<>();

    /** Instances whose reservation gets no answer. */
    final Set<String> silent = new HashSet<>();

    /** No Task entity is created (its shard's node is down). */
    boolean creationFails;

    Optional<String> clusterError = Optional.empty();
    List<StrategySpec> strategiesAsked;
    List<ConstraintSpec> constraintsAsked;
    final List<List<ConstraintSpec>> constraintsPerPlace = new CopyOnWriteArrayList<>();

    /** The cluster's capacity providers and default strategy. */
    TaskLauncher.ClusterCapacity clusterCapacity =
        new TaskLauncher.ClusterCapacity(List.of(), List.of());

    /** The tasks a service's group has on each capacity provider. */
    Map<String, Integer> tasksByProvider = Map.of();

    FakeEntities withRevision(int revision, TaskDefinitionFamily.Status status, JsonNode def) {
      revisions.put(
          "web:" + revision,
          new TaskDefinitionFamily.Revision(
              "web",
              revision,
              def,
              status,
              List.of(),
              "arn:aws:iam::" + ACCOUNT + ":root",
              NOW,
              null,
              null));
      return this;
    }

    @Override
    public CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
        String accountId, String family, int revision) {
      calls.add("taskDefinition " + family + ":" + revision);
      TaskDefinitionFamily.Revision found = revisions.get(family + ":" + revision);
      return found != null
          ? CompletableFuture.completedFuture(found)
          : CompletableFuture.failedFuture(
              EcsException.clientException("Unable to describe task definition."));
    }

    @Override
    public void warmUp(String accountId, String cluster, String taskId) {
      calls.add("warmUp " + taskId);
    }

    @Override
    public CompletionStage<ClusterPlacement.Outcome> place(
        String accountId,
        String cluster,
        List<String> taskIds,
        Demand demand,
        TaskSummary summary,
        List<ConstraintSpec> constraints,
        List<StrategySpec> strategies) {
      calls.add("place " + taskIds.size() + " " + summary);
      constraintsAsked = constraints;
      constraintsPerPlace.add(constraints);
      strategiesAsked = strategies;
      List<ClusterPlacement.Placed> placed = new ArrayList<>();
      List<PlacementFailure> failures = new ArrayList<>();
      for (int i = 0; i < taskIds.size(); i++) {
        if (i < room.size()) placed.add(new ClusterPlacement.Placed(taskIds.get(i), room.get(i)));
      }
      if (placed.size() < taskIds.size()) {
        failures.add(new PlacementFailure(instanceArn("i-9"), "RESOURCE:MEMORY"));
      }
      return CompletableFuture.completedFuture(
          new ClusterPlacement.Outcome(placed, failures, clusterError));
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
      calls.add("reserve " + taskId + "@" + instanceId + " at " + at);
      if (silent.contains(instanceId))
        return CompletableFuture.failedFuture(
            new CompletionException(
                EcsException.server("The request timed out inside the service; retry it.")));
      String refusal = refusing.get(instanceId);
      return refusal == null
          ? CompletableFuture.completedFuture(Done.getInstance())
          : CompletableFuture.failedFuture(
              new CompletionException(new EcsException(ErrorType.RESOURCE_SHORTFALL, refusal)));
    }

    @Override
    public void release(
        String accountId, String cluster, String instanceId, String taskId, Instant at) {
      calls.add("release " + taskId + "@" + instanceId);
    }

    @Override
    public CompletionStage<TaskView> createTask(
        String accountId, String cluster, String taskId, TaskSpec spec, Instant at) {
      calls.add("create " + taskId + "@" + spec.containerInstanceId() + " at " + at);
      if (creationFails)
        return CompletableFuture.failedFuture(
            new CompletionException(EcsException.server("Internal error: node is down")));
      TaskView task = view(taskId, spec, TaskStatus.PENDING, at);
      tasks.put(taskId, task);
      return CompletableFuture.completedFuture(task);
    }

    @Override
    public CompletionStage<TaskLauncher.ClusterCapacity> clusterCapacity(
        String accountId, String cluster) {
      calls.add("clusterCapacity");
      return CompletableFuture.completedFuture(clusterCapacity);
    }

    @Override
    public CompletionStage<Map<String, Integer>> tasksByProvider(
        String accountId, String cluster, String group) {
      calls.add("tasksByProvider " + group);
      return CompletableFuture.completedFuture(tasksByProvider);
    }

    @Override
    public CompletionStage<TaskView> task(String accountId, String cluster, String taskId) {
      calls.add("task " + taskId);
      TaskView task = tasks.get(taskId);
      return task != null
          ? CompletableFuture.completedFuture(task)
          : CompletableFuture.failedFuture(
              EcsException.resourceNotFound("The referenced task was not found."));
    }
  }

  private static TaskView view(String taskId, TaskSpec spec, TaskStatus status, Instant at) {
    return new TaskView(
        ACCOUNT,
        CLUSTER,
        taskId,
        spec,
        status,
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

  private static String instanceArn(String instanceId) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":container-instance/default/" + instanceId;
  }

  private static ObjectNode definition() {
    ObjectNode def = JSON.createObjectNode().put("family", "web");
    def.putArray("containerDefinitions")
        .addObject()
        .put("name", "web")
        .put("image", "busybox")
        .put("cpu", 128)
        .put("memory", 64);
    return def;
  }

  private static FakeEntities world() {
    return new FakeEntities().withRevision(3, TaskDefinitionFamily.Status.ACTIVE, definition());
  }

  private static TaskLauncher launcher(FakeEntities entities) {
    return new TaskLauncher(entities, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static LaunchRequest runTask(int count, String clientToken) {
    return apiRequest(count, List.of(), clientToken);
  }

  private static LaunchRequest startTask(String... instanceIds) {
    return apiRequest(instanceIds.length, List.of(instanceIds), null);
  }

  private static LaunchRequest apiRequest(int count, List<String> instanceIds, String clientToken) {
    return new LaunchRequest(
        Origin.API,
        REGION,
        ACCOUNT,
        CLUSTER,
        new TaskDefinitionRef("web", 3),
        count,
        List.of(),
        instanceIds,
        null,
        "me",
        null,
        List.of(),
        List.of(),
        List.of(),
        clientToken,
        "EC2",
        RECEIVED);
  }

  private static LaunchRequest serviceLaunch(int count, Optional<String> instanceId) {
    return LaunchRequest.forService(
        ACCOUNT,
        CLUSTER,
        TD_ARN,
        count,
        instanceId,
        "service:web",
        "ecs-svc/1",
        List.of(),
        List.of(),
        "EC2",
        null,
        List.of());
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static EcsException failureOf(CompletionStage<?> stage) {
    CompletionException e =
        assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
    return assertInstanceOf(EcsException.class, e.getCause());
  }

  // ---- capacity provider strategies ----

  private static CapacityProviderStrategyItem item(String provider, int base, int weight) {
    return new CapacityProviderStrategyItem(provider, base, weight);
  }

  private static LaunchRequest runTaskWith(
      int count, String launchType, List<CapacityProviderStrategyItem> strategy) {
    LaunchRequest r = runTask(count, null);
    return new LaunchRequest(
        r.origin(),
        r.region(),
        r.accountId(),
        r.cluster(),
        r.taskDefinition(),
        r.count(),
        r.taskIds(),
        r.instanceIds(),
        r.group(),
        r.startedBy(),
        r.overrides(),
        r.tags(),
        r.constraints(),
        r.strategies(),
        r.clientToken(),
        launchType,
        r.receivedAt(),
        null,
        strategy);
  }

  @Test
  void run_withStrategy_spreadsByBaseThenWeight_onEachProvidersInstancesOnly() {
    FakeEntities entities = world();
    entities.clusterCapacity =
        new TaskLauncher.ClusterCapacity(List.of("blue", "green"), List.of());
    // base 1 on blue, then 1:1: blue, blue (tie, listed first), green.
    Launched launched =
        join(
            launcher(entities)
                .run(runTaskWith(3, null, List.of(item("blue", 1, 1), item("green", 0, 1)))));

    assertEquals(
        List.of("blue", "blue", "green"),
        launched.tasks().stream().map(t -> t.spec().capacityProviderName()).toList());
    assertEquals(
        List.of("EC2", "EC2", "EC2"),
        launched.tasks().stream().map(t -> t.spec().launchType()).toList());
    List<List<ConstraintSpec>> constraints = entities.constraintsPerPlace;
    assertEquals(2, constraints.size());
    assertEquals(
        new ConstraintSpec("memberOf", "attribute:harbormaster.capacity-provider == blue"),
        constraints.get(0).get(constraints.get(0).size() - 1));
    assertEquals(
        new ConstraintSpec("memberOf", "attribute:harbormaster.capacity-provider == green"),
        constraints.get(1).get(constraints.get(1).size() - 1));
    assertTrue(
        entities.calls.contains("place 2 " + new TaskSummary("web", "family:web", "me", "blue")));
    assertTrue(
        entities.calls.contains("place 1 " + new TaskSummary("web", "family:web", "me", "green")));
  }

  @Test
  void run_strategyWithAProviderTheClusterDoesNotUse_isRefusedInEcsWords() {
    FakeEntities entities = world();
    entities.clusterCapacity = new TaskLauncher.ClusterCapacity(List.of("blue"), List.of());

    EcsException e =
        failureOf(launcher(entities).run(runTaskWith(1, null, List.of(item("green", 0, 1)))));

    assertEquals(ErrorType.INVALID_PARAMETER, e.type());
    assertEquals(io.harbormaster.capacity.CapacityProviders.NOT_ASSOCIATED, e.getMessage());
    assertTrue(entities.calls.stream().noneMatch(c -> c.startsWith("place")));
  }

  @Test
  void run_withoutLaunchTypeOrStrategy_usesTheClustersDefaultStrategy_elseEc2() {
    FakeEntities entities = world();
    entities.clusterCapacity =
        new TaskLauncher.ClusterCapacity(List.of("FARGATE"), List.of(item("FARGATE", 0, 1)));

    Launched launched = join(launcher(entities).run(runTaskWith(1, null, List.of())));

    assertEquals("FARGATE", launched.tasks().get(0).spec().capacityProviderName());
    assertEquals("FARGATE", launched.tasks().get(0).spec().launchType());
    assertEquals(
        new ConstraintSpec("memberOf", "attribute:harbormaster.fargate exists"),
        entities.constraintsAsked.get(entities.constraintsAsked.size() - 1));

    FakeEntities plain = world();
    Launched ec2 = join(launcher(plain).run(runTaskWith(1, null, List.of())));
    assertEquals("EC2", ec2.tasks().get(0).spec().launchType());
    assertNull(ec2.tasks().get(0).spec().capacityProviderName());
  }

  @Test
  void service_spreadCountsTheTasksItHasPerProvider() {
    FakeEntities entities = world();
    // Its base of 1 is on blue already: the next task goes to green, the only one with a weight.
    entities.tasksByProvider = Map.of("blue", 1);
    LaunchRequest launch =
        LaunchRequest.forService(
            ACCOUNT,
            CLUSTER,
            TD_ARN,
            1,
            Optional.empty(),
            "service:web",
            "ecs-svc/1",
            List.of(),
            List.of(),
            null,
            null,
            List.of(item("blue", 1, 0), item("green", 0, 1)));

    Placement placement =
        join(launcher(entities).prepare(launch).thenCompose(launcher(entities)::place));

    assertEquals("green", placement.placed().get(0).spec().capacityProviderName());
    assertTrue(entities.calls.contains("tasksByProvider service:web"));
    assertFalse(entities.calls.contains("clusterCapacity"));
  }

  // ---- RunTask ----

  @Test
  void run_placesEveryTaskAndCreatesItOnItsInstance() {
    FakeEntities entities = world();

    Launched launched = join(launcher(entities).run(runTask(2, null)));

    assertEquals(2, launched.tasks().size());
    assertEquals(List.of(), launched.failures());
    TaskSpec spec = launched.tasks().get(0).spec();
    assertEquals(TD_ARN, spec.taskDefinitionArn());
    assertEquals("family:web", spec.group());
    assertEquals("me", spec.startedBy());
    assertEquals("i-1", spec.containerInstanceId());
    assertEquals(128, spec.cpu());
    assertEquals(64, spec.memory());
    assertEquals("i-2", launched.tasks().get(1).spec().containerInstanceId());
    // New ids: their entities warm up before placement; the tasks carry the request's time.
    List<String> ids = launched.tasks().stream().map(TaskView::taskId).toList();
    assertEquals(
        List.of(
            "taskDefinition web:3",
            "warmUp " + ids.get(0),
            "warmUp " + ids.get(1),
            "place 2 TaskSummary[family=web, group=family:web, startedBy=me, capacityProvider=null]",
            "create " + ids.get(0) + "@i-1 at " + RECEIVED,
            "create " + ids.get(1) + "@i-2 at " + RECEIVED),
        entities.calls);
    assertEquals(List.of(), entities.strategiesAsked, "RunTask's default is placement's own");
  }

  @Test
  void run_placementRefused_reportsWhyAndCreatesNothing() {
    FakeEntities entities = world();
    entities.room.clear();

    Launched launched = join(launcher(entities).run(runTask(1, null)));

    assertEquals(List.of(), launched.tasks());
    assertEquals(
        List.of(new PlacementFailure(instanceArn("i-9"), "RESOURCE:MEMORY")), launched.failures());
    assertFalse(entities.calls.stream().anyMatch(c -> c.startsWith("create")));
  }

  @Test
  void run_partialPlacement_createsThePlacedTasksAndReportsTheRest() {
    FakeEntities entities = world();

    Launched launched = join(launcher(entities).run(runTask(3, null)));

    assertEquals(2, launched.tasks().size());
    assertEquals(
        List.of(new PlacementFailure(instanceArn("i-9"), "RESOURCE:MEMORY")), launched.failures());
  }

  @Test
  void run_clusterNotAskedAndNothingPlaced_isAnInvalidParameter() {
    FakeEntities entities = world();
    entities.room.clear();
    entities.clusterError = Optional.of("The cluster's instances could not be read.");

    EcsException e = failureOf(launcher(entities).run(runTask(1, null)));

    assertEquals(ErrorType.INVALID_PARAMETER, e.type());
    assertEquals("The cluster's instances could not be read.", e.getMessage());
  }

  @Test
  void run_taskDefinitionMissing_failsWithTheFamilysAnswerAndPlacesNothing() {
    FakeEntities entities = new FakeEntities();

    EcsException e = failureOf(launcher(entities).run(runTask(1, null)));

    assertEquals("Unable to describe task definition.", e.getMessage());
    assertEquals(List.of("taskDefinition web:3"), entities.calls);
  }

  @Test
  void run_inactiveRevision_isRefused() {
    FakeEntities entities =
        new FakeEntities().withRevision(3, TaskDefinitionFamily.Status.INACTIVE, definition());

    EcsException e = failureOf(launcher(entities).run(runTask(1, null)));

    assertEquals(ErrorType.CLIENT, e.type());
    assertEquals("TaskDefinition is inactive", e.getMessage());
  }

  @Test
  void run_overrideOfAContainerNotInTheDefinition_isAnInvalidParameter() {
    FakeEntities entities = world();
    ObjectNode overrides = JSON.createObjectNode();
    overrides.putArray("containerOverrides").addObject().put("name", "sidecar");
    LaunchRequest request = runTask(1, null);
    LaunchRequest withOverrides =
        new LaunchRequest(
            request.origin(),
            request.region(),
            request.accountId(),
            request.cluster(),
            request.taskDefinition(),
            request.count(),
            request.taskIds(),
            request.instanceIds(),
            request.group(),
            request.startedBy(),
            overrides,
            request.tags(),
            request.constraints(),
            request.strategies(),
            request.clientToken(),
            request.launchType(),
            request.receivedAt());

    EcsException e = failureOf(launcher(entities).run(withOverrides));

    assertEquals(ErrorType.INVALID_PARAMETER, e.type());
    assertEquals(
        "Override for container named sidecar is not a container in the TaskDefinition.",
        e.getMessage());
  }

  @Test
  void run_createFailure_failsTheRequest() {
    FakeEntities entities = world();
    entities.creationFails = true;

    EcsException e = failureOf(launcher(entities).run(runTask(2, null)));

    assertEquals(500, e.httpStatus());
  }

  @Test
  void run_retriedWithItsClientToken_answersWithTheSameTasksAndGivesTheNewReservationsBack() {
    FakeEntities entities = world();
    TaskLauncher launcher = launcher(entities);
    Launched first = join(launcher.run(runTask(1, "token-1")));
    entities.calls.clear();
    entities.room.set(0, "i-2"); // the retry's placement picks another instance

    Launched retry = join(launcher.run(runTask(1, "token-1")));

    String taskId = first.tasks().get(0).taskId();
    assertEquals(List.of(taskId), retry.tasks().stream().map(TaskView::taskId).toList());
    assertEquals("i-1", retry.tasks().get(0).spec().containerInstanceId());
    assertTrue(entities.calls.contains("release " + taskId + "@i-2"), entities.calls.toString());
    assertFalse(entities.calls.stream().anyMatch(c -> c.startsWith("create")));
    assertFalse(entities.calls.stream().anyMatch(c -> c.startsWith("warmUp")));
  }

  @Test
  void run_retryPlacedOnTheInstanceItsTaskHolds_keepsThatReservation() {
    FakeEntities entities = world();
    TaskLauncher launcher = launcher(entities);
    join(launcher.run(runTask(1, "token-1")));
    entities.calls.clear();

    join(launcher.run(runTask(1, "token-1")));

    assertFalse(entities.calls.stream().anyMatch(c -> c.startsWith("release")));
  }

  // ---- StartTask ----

  @Test
  void start_createsOneTaskOnEachNamedInstance() {
    FakeEntities entities = world();

    Launched launched = join(launcher(entities).start(startTask("i-1", "i-2")));

    assertEquals(
        List.of("i-1", "i-2"),
        launched.tasks().stream().map(t -> t.spec().containerInstanceId()).toList());
    assertEquals(List.of(), launched.failures());
    assertTrue(entities.calls.stream().noneMatch(c -> c.startsWith("place")));
    assertTrue(
        entities.calls.stream()
            .filter(c -> c.startsWith("reserve"))
            .allMatch(c -> c.endsWith(" at " + NOW)));
  }

  @Test
  void start_reservationRefused_isAFailureOfThatInstanceOnly() {
    FakeEntities entities = world();
    entities.refusing.put("i-2", "RESOURCE:MEMORY");

    Launched launched = join(launcher(entities).start(startTask("i-1", "i-2")));

    assertEquals(1, launched.tasks().size());
    assertEquals("i-1", launched.tasks().get(0).spec().containerInstanceId());
    assertEquals(
        List.of(new PlacementFailure(instanceArn("i-2"), "RESOURCE:MEMORY")), launched.failures());
  }

  @Test
  void start_reservationUnanswered_isAFailureOfThatInstanceToo() {
    FakeEntities entities = world();
    entities.silent.add("i-1");

    Launched launched = join(launcher(entities).start(startTask("i-1")));

    assertEquals(List.of(), launched.tasks());
    assertEquals(
        List.of(
            new PlacementFailure(
                instanceArn("i-1"), "The request timed out inside the service; retry it.")),
        launched.failures());
  }

  @Test
  void start_createFailure_isAFailureOfThatInstance() {
    FakeEntities entities = world();
    entities.creationFails = true;

    Launched launched = join(launcher(entities).start(startTask("i-1")));

    assertEquals(List.of(), launched.tasks());
    assertEquals(
        List.of(new PlacementFailure(instanceArn("i-1"), "Internal error: node is down")),
        launched.failures());
  }

  // ---- services ----

  @Test
  void serviceLaunch_placesWithTheServicesDefaultStrategiesAndCreatesNothingYet() {
    FakeEntities entities = world();
    TaskLauncher launcher = launcher(entities);

    Placement placement =
        join(launcher.prepare(serviceLaunch(2, Optional.empty())).thenCompose(launcher::place));

    assertTrue(placement.allPlaced());
    assertEquals(2, placement.placed().size());
    TaskSpec spec = placement.placed().get(0).spec();
    assertEquals(TD_ARN, spec.taskDefinitionArn());
    assertEquals("service:web", spec.group());
    assertEquals("ecs-svc/1", spec.startedBy());
    assertNull(spec.clientToken());
    assertEquals(
        List.of(
            new StrategySpec("spread", "attribute:ecs.availability-zone"),
            new StrategySpec("spread", "instanceId")),
        entities.strategiesAsked);
    assertTrue(entities.calls.stream().noneMatch(c -> c.startsWith("create")));
  }

  @Test
  void serviceLaunch_keepsLaunchingARevisionDeregisteredSinceItsDeployment() {
    FakeEntities entities =
        new FakeEntities().withRevision(3, TaskDefinitionFamily.Status.INACTIVE, definition());
    TaskLauncher launcher = launcher(entities);

    Placement placement =
        join(launcher.prepare(serviceLaunch(1, Optional.empty())).thenCompose(launcher::place));

    assertEquals(1, placement.placed().size());
  }

  @Test
  void serviceLaunch_placementRefused_saysWhyPerInstance() {
    FakeEntities entities = world();
    entities.room.clear();
    TaskLauncher launcher = launcher(entities);

    Placement placement =
        join(launcher.prepare(serviceLaunch(1, Optional.empty())).thenCompose(launcher::place));

    assertFalse(placement.allPlaced());
    assertEquals("RESOURCE:MEMORY on (container-instance i-9)", placement.reasons());
  }

  @Test
  void serviceLaunch_onARefusingInstance_namesTheInstanceInItsReason() {
    FakeEntities entities = world();
    entities.refusing.put("i-2", "DRAINING");
    TaskLauncher launcher = launcher(entities);

    Placement placement =
        join(launcher.prepare(serviceLaunch(1, Optional.of("i-2"))).thenCompose(launcher::place));

    assertFalse(placement.allPlaced());
    assertEquals("DRAINING on (container-instance i-2)", placement.reasons());
  }

  @Test
  void serviceLaunch_onAnInstanceThatDoesNotAnswer_failsTheStage() {
    FakeEntities entities = world();
    entities.silent.add("i-2");
    TaskLauncher launcher = launcher(entities);

    EcsException e =
        failureOf(
            launcher.prepare(serviceLaunch(1, Optional.of("i-2"))).thenCompose(launcher::place));

    assertEquals(500, e.httpStatus());
  }

  @Test
  void serviceLaunch_taskDefinitionArnThatIsNotOne_failsTheStage() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LaunchRequest.forService(
                ACCOUNT,
                CLUSTER,
                "web:3",
                1,
                Optional.empty(),
                "service:web",
                "ecs-svc/1",
                List.of(),
                List.of(),
                "EC2",
                null,
                List.of()));
  }

  @Test
  void serviceTaskAgain_reservesTheSameInstanceAndCreatesTheSameTaskId() {
    FakeEntities entities = world();

    Launched launched =
        join(
            launcher(entities)
                .launch(
                    LaunchRequest.serviceTaskAgain(
                        ACCOUNT,
                        CLUSTER,
                        TD_ARN,
                        "t-1",
                        "i-2",
                        "service:web",
                        "ecs-svc/1",
                        "EC2",
                        null)));

    assertEquals(List.of("t-1"), launched.tasks().stream().map(TaskView::taskId).toList());
    assertEquals(
        List.of("taskDefinition web:3", "reserve t-1@i-2 at " + NOW, "create t-1@i-2 at " + NOW),
        entities.calls);
  }

  @Test
  void serviceTaskAgain_refusedReservation_createsNothingAndSaysWhy() {
    FakeEntities entities = world();
    entities.refusing.put("i-2", "RESOURCE:MEMORY");

    Launched launched =
        join(
            launcher(entities)
                .launch(
                    LaunchRequest.serviceTaskAgain(
                        ACCOUNT,
                        CLUSTER,
                        TD_ARN,
                        "t-1",
                        "i-2",
                        "service:web",
                        "ecs-svc/1",
                        "EC2",
                        null)));

    assertEquals(List.of(), launched.tasks());
    assertEquals("RESOURCE:MEMORY", launched.failures().get(0).reason());
    assertTrue(entities.calls.stream().noneMatch(c -> c.startsWith("create")));
  }
}
