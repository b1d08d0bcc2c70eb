package io.harbormaster.placement;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.capacity.CapacitySpread;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.LaunchRequest.Origin;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskNetworkConfiguration;
import io.harbormaster.task.TaskResources;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;

/**
 * The one way tasks are launched, for RunTask, StartTask and services: the task definition revision
 * → the tasks' demand → room for each task (the cluster's placement, or a reservation on a named
 * instance) → the Task entities. A service persists its launch between the room and the Task
 * entities, so the steps are also offered one by one ({@link #prepare}, {@link #place}, {@link
 * #create}).
 */
public final class TaskLauncher {
  /** The entities a launch talks to ({@link EntityLaunchPorts} in production). */
  public interface Ports {
    /** Revision 0 is the family's latest ACTIVE revision. */
    CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
        String accountId, String family, int revision);

    /** Starts a new Task entity's recovery now, so that it overlaps placement; no answer. */
    void warmUp(String accountId, String cluster, String taskId);

    /** Places and reserves one task per id. */
    CompletionStage<ClusterPlacement.Outcome> place(
        String accountId,
        String cluster,
        List<String> taskIds,
        Demand demand,
        TaskSummary summary,
        List<ConstraintSpec> constraints,
        List<StrategySpec> strategies);

    /** Fails with the instance's refusal (a client error: no room, draining, unknown) or none. */
    CompletionStage<Done> reserve(
        String accountId,
        String cluster,
        String instanceId,
        String taskId,
        Demand demand,
        TaskSummary summary,
        Instant at);

    /** Gives a reservation back; no answer. */
    void release(String accountId, String cluster, String instanceId, String taskId, Instant at);

    CompletionStage<TaskView> createTask(
        String accountId, String cluster, String taskId, TaskSpec spec, Instant at);

    /** Fails when no Task entity of that id exists. */
    CompletionStage<TaskView> task(String accountId, String cluster, String taskId);

    /** The capacity providers the cluster uses and its default strategy. */
    CompletionStage<ClusterCapacity> clusterCapacity(String accountId, String cluster);

    /**
     * How many live tasks of {@code group} each capacity provider holds (what a service's spread
     * has reached).
     */
    CompletionStage<Map<String, Integer>> tasksByProvider(
        String accountId, String cluster, String group);
  }

  /** A cluster's capacity providers (PutClusterCapacityProviders). */
  public record ClusterCapacity(
      List<String> providers, List<CapacityProviderStrategyItem> defaultStrategy) {}

  /**
   * How a launch gets its capacity: a launch type, or a capacity provider strategy with the tasks
   * each provider has already.
   */
  public record Capacity(
      String launchType,
      List<CapacityProviderStrategyItem> strategy,
      Map<String, Integer> existing) {
    static Capacity launchType(String launchType) {
      return new Capacity(launchType, List.of(), Map.of());
    }
  }

  /** A request with its revision read and checked: what all its tasks share. */
  public record Prepared(
      LaunchRequest request,
      String taskDefinitionArn,
      TaskDefinitionFamily.Revision revision,
      Demand demand,
      String group,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      JsonNode networkConfiguration,
      Capacity capacity) {
    public TaskSummary summary() {
      return summary(null);
    }

    /** What the reservation of a task on {@code capacityProvider} (null: none) keeps. */
    public TaskSummary summary(String capacityProvider) {
      return new TaskSummary(revision.family(), group, request.startedBy(), capacityProvider);
    }

    /** The spec of one of the tasks, on the instance that has room for it. */
    public TaskSpec spec(String instanceId) {
      return spec(instanceId, null);
    }

    /**
     * The spec of one of the tasks, on an instance of {@code capacityProvider} (null: launched
     * without a strategy).
     */
    public TaskSpec spec(String instanceId, String capacityProvider) {
      String launchType =
          capacityProvider == null
              ? capacity.launchType()
              : CapacityProviders.isFargate(capacityProvider) ? "FARGATE" : "EC2";
      return new TaskSpec(
          taskDefinitionArn,
          revision.family(),
          revision.revision(),
          revision.definition(),
          request.overrides(),
          group,
          request.startedBy(),
          request.tags(),
          instanceId,
          demand.cpu(),
          demand.memory(),
          null,
          request.clientToken(),
          launchType,
          networkConfiguration,
          capacityProvider);
    }
  }

  /** A task that has room on an instance, with the spec its Task entity is created with. */
  public record PlacedTask(String taskId, String instanceId, TaskSpec spec) {}

  /**
   * Where the tasks found room: the ones placed, and why the others did not (RunTask's {@code
   * failures[]}; {@code clusterError} when the cluster itself could not be asked).
   */
  public record Placement(
      int asked,
      List<PlacedTask> placed,
      List<PlacementFailure> failures,
      Optional<String> clusterError) {
    public boolean allPlaced() {
      return placed.size() >= asked;
    }

    /** Why the other tasks found no room, one clause per reason and instance. */
    public String reasons() {
      return clusterError.orElseGet(
          () ->
              failures.isEmpty()
                  ? "no container instance was available"
                  : failures.stream()
                      .map(f -> f.reason() + " on (container-instance " + shortId(f.arn()) + ")")
                      .distinct()
                      .collect(Collectors.joining(", ")));
    }

    private static String shortId(String arn) {
      return arn == null ? "unknown" : arn.substring(arn.lastIndexOf('/') + 1);
    }
  }

  /** The tasks created, and the failures as RunTask's and StartTask's {@code failures[]}. */
  public record Launched(List<TaskView> tasks, List<PlacementFailure> failures) {}

  /** A service's tasks spread across zones, then instances, unless it names strategies. */
  private static final List<StrategySpec> SERVICE_DEFAULT_STRATEGIES =
      PlacementStrategy.SERVICE_DEFAULT.stream()
          .map(s -> new StrategySpec(s.type().name().toLowerCase(Locale.ROOT), s.field()))
          .toList();

  private final Ports ports;
  private final Clock clock;

  public TaskLauncher(Ports ports, Clock clock) {
    this.ports = ports;
    this.clock = clock;
  }

  // ---- whole launches ----

  /**
   * RunTask: places {@code count} tasks and creates those placed. With a clientToken, a retry finds
   * the tasks the first request created and answers with them.
   */
  public CompletionStage<Launched> run(LaunchRequest request) {
    return prepare(request)
        .thenCompose(
            prepared -> {
              List<String> taskIds = taskIds(request);
              // The idempotency lookup (a recovery of the first task's entity, tens of ms) and
              // placement start together (the SDKs send a clientToken with every RunTask): a retry
              // is rare, and what its placement reserves is given back.
              CompletionStage<List<TaskView>> lookup = existing(request, taskIds);
              CompletableFuture<Object> placement =
                  place(prepared, taskIds)
                      .<Object>thenApply(placed -> placed)
                      .exceptionally(failure -> failure)
                      .toCompletableFuture();
              return lookup.thenCompose(
                  found -> {
                    if (!found.isEmpty()) {
                      // A retry is answered at once (under load it must not queue for placement
                      // again); what placement reserves for it is given back when it answers.
                      placement.thenAccept(
                          answer -> {
                            if (answer instanceof Placement placed)
                              giveBack(request, found, placed);
                          });
                      return CompletableFuture.completedFuture(new Launched(found, List.of()));
                    }
                    return placement.thenCompose(
                        answer ->
                            answer instanceof Throwable failure
                                ? CompletableFuture.failedFuture(failure)
                                : createPlaced(prepared, (Placement) answer));
                  });
            });
  }

  /**
   * StartTask: one new task on each named instance. A refused or unanswered reservation, or a Task
   * entity that is not created, is a failure of that instance; the others go on.
   */
  public CompletionStage<Launched> start(LaunchRequest request) {
    return prepare(request)
        .thenCompose(
            prepared -> {
              List<CompletableFuture<Object>> results = new ArrayList<>();
              for (String instanceId : request.instanceIds()) {
                String taskId = newTaskId();
                CompletionStage<Object> result =
                    ports
                        .reserve(
                            request.accountId(),
                            request.cluster(),
                            instanceId,
                            taskId,
                            prepared.demand(),
                            prepared.summary(),
                            clock.instant())
                        .thenCompose(
                            reserved ->
                                create(
                                        prepared,
                                        new PlacedTask(
                                            taskId, instanceId, prepared.spec(instanceId)))
                                    .<Object>thenApply(task -> task))
                        .exceptionally(
                            failure ->
                                new PlacementFailure(
                                    instanceArn(request, instanceId),
                                    Entities.asEcsException(failure).getMessage()));
                results.add(result.toCompletableFuture());
              }
              return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        List<TaskView> tasks = new ArrayList<>();
                        List<PlacementFailure> failures = new ArrayList<>();
                        for (CompletableFuture<Object> r : results) {
                          if (r.join() instanceof TaskView task) tasks.add(task);
                          else failures.add((PlacementFailure) r.join());
                        }
                        return new Launched(tasks, failures);
                      });
            });
  }

  /**
   * Places the request's tasks (on its named instances, if it names any) and creates those placed;
   * a task that finds no room is a failure of the result, a Task entity not created fails the
   * stage.
   */
  public CompletionStage<Launched> launch(LaunchRequest request) {
    return prepare(request)
        .thenCompose(
            prepared ->
                place(prepared).thenCompose(placement -> createPlaced(prepared, placement)));
  }

  // ---- the steps ----

  /** Reads the request's revision and works out what its tasks share. */
  public CompletionStage<Prepared> prepare(LaunchRequest request) {
    LaunchRequest.TaskDefinitionRef ref = request.taskDefinition();
    // The revision and the cluster's capacity providers are read at the same time.
    return ports
        .taskDefinition(request.accountId(), ref.family(), ref.revision())
        .thenCombine(
            capacity(request), (revision, capacity) -> prepared(request, revision, capacity));
  }

  /**
   * The launch type, or the strategy: the request's, else the cluster's default strategy, else EC2.
   * A RunTask's strategy names only providers the cluster uses; a service's was checked when it was
   * created or updated, and its spread counts the tasks it has.
   */
  private CompletionStage<Capacity> capacity(LaunchRequest request) {
    List<CapacityProviderStrategyItem> asked = request.capacityProviderStrategy();
    if (asked.isEmpty() && request.launchType() != null)
      return CompletableFuture.completedFuture(Capacity.launchType(request.launchType()));
    if (request.origin() == Origin.SERVICE) {
      if (asked.isEmpty()) return CompletableFuture.completedFuture(Capacity.launchType("EC2"));
      if (!request.instanceIds().isEmpty())
        return CompletableFuture.completedFuture(new Capacity(null, asked, Map.of()));
      String group =
          request.group() != null ? request.group() : "family:" + request.taskDefinition().family();
      return ports
          .tasksByProvider(request.accountId(), request.cluster(), group)
          .thenApply(existing -> new Capacity(null, asked, existing));
    }
    return ports
        .clusterCapacity(request.accountId(), request.cluster())
        .thenApply(
            cluster -> {
              if (asked.isEmpty()) {
                return cluster.defaultStrategy().isEmpty()
                    ? Capacity.launchType("EC2")
                    : new Capacity(null, cluster.defaultStrategy(), Map.of());
              }
              for (CapacityProviderStrategyItem item : asked) {
                if (!cluster.providers().contains(item.capacityProvider()))
                  throw EcsException.invalidParameter(CapacityProviders.NOT_ASSOCIATED);
              }
              return new Capacity(null, asked, Map.of());
            });
  }

  private Prepared prepared(
      LaunchRequest request, TaskDefinitionFamily.Revision revision, Capacity capacity) {
    boolean checked = request.origin() == Origin.API;
    if (checked && revision.status() != TaskDefinitionFamily.Status.ACTIVE) {
      throw EcsException.clientException("TaskDefinition is inactive");
    }
    if (checked) checkOverrides(revision.definition(), request.overrides());
    // a service's was checked against its revision when it was created
    JsonNode networkConfiguration =
        checked
            ? TaskNetworkConfiguration.checked(
                revision.definition().path("networkMode").asText("bridge"),
                request.networkConfiguration())
            : request.networkConfiguration();
    List<ConstraintSpec> constraints = new ArrayList<>(definitionConstraints(revision));
    constraints.addAll(request.constraints());
    String group = request.group() != null ? request.group() : "family:" + revision.family();
    Demand demand = TaskResources.demand(revision.definition(), request.overrides());
    List<StrategySpec> strategies =
        request.origin() == Origin.SERVICE && request.strategies().isEmpty()
            ? SERVICE_DEFAULT_STRATEGIES
            : request.strategies();
    if (checked) {
      try {
        TaskDemands.of(demand, group, constraints, strategies); // again at placement
      } catch (IllegalArgumentException e) { // QueryLanguageException is one too
        throw EcsException.invalidParameter(e.getMessage());
      }
    }
    return new Prepared(
        request,
        Arns.taskDefinition(
            request.region(), request.accountId(), revision.family(), revision.revision()),
        revision,
        demand,
        group,
        List.copyOf(constraints),
        strategies,
        networkConfiguration,
        capacity);
  }

  /**
   * Finds room for the request's tasks: on its named instances (one each, in order), or wherever
   * the cluster's placement puts them. A refused reservation is a failure of the result; an
   * unanswered one fails the stage.
   */
  public CompletionStage<Placement> place(Prepared prepared) {
    return place(prepared, taskIds(prepared.request()));
  }

  private CompletionStage<Placement> place(Prepared prepared, List<String> taskIds) {
    LaunchRequest request = prepared.request();
    if (!request.instanceIds().isEmpty()) return reserveOnNamedInstances(prepared, taskIds);
    if (request.clientToken() == null && request.taskIds().isEmpty()) {
      // New task entities recover (an empty journal read each) during placement, not after it.
      for (String taskId : taskIds) ports.warmUp(request.accountId(), request.cluster(), taskId);
    }
    if (!prepared.capacity().strategy().isEmpty()) return placeOverProviders(prepared, taskIds);
    return ports
        .place(
            request.accountId(),
            request.cluster(),
            taskIds,
            prepared.demand(),
            prepared.summary(),
            prepared.constraints(),
            prepared.strategies())
        .thenApply(
            outcome ->
                new Placement(
                    taskIds.size(),
                    outcome.placed().stream()
                        .map(
                            p ->
                                new PlacedTask(
                                    p.taskId(), p.instanceId(), prepared.spec(p.instanceId())))
                        .toList(),
                    outcome.failures(),
                    outcome.clusterError()));
  }

  /**
   * Spreads the tasks over the strategy's providers by ECS's base/weight rule, and places each
   * provider's share on that provider's instances only.
   */
  private CompletionStage<Placement> placeOverProviders(Prepared prepared, List<String> taskIds) {
    LaunchRequest request = prepared.request();
    List<String> providers =
        CapacitySpread.assign(
            prepared.capacity().strategy(), prepared.capacity().existing(), taskIds.size());
    Map<String, List<String>> idsByProvider = new LinkedHashMap<>();
    for (int i = 0; i < taskIds.size(); i++)
      idsByProvider.computeIfAbsent(providers.get(i), p -> new ArrayList<>()).add(taskIds.get(i));
    List<CompletableFuture<Placement>> shares = new ArrayList<>();
    idsByProvider.forEach(
        (provider, ids) -> {
          List<ConstraintSpec> constraints = new ArrayList<>(prepared.constraints());
          constraints.add(new ConstraintSpec("memberOf", CapacityProviders.memberOf(provider)));
          shares.add(
              ports
                  .place(
                      request.accountId(),
                      request.cluster(),
                      ids,
                      prepared.demand(),
                      prepared.summary(provider),
                      constraints,
                      prepared.strategies())
                  .thenApply(
                      outcome ->
                          new Placement(
                              ids.size(),
                              outcome.placed().stream()
                                  .map(
                                      p ->
                                          new PlacedTask(
                                              p.taskId(),
                                              p.instanceId(),
                                              prepared.spec(p.instanceId(), provider)))
                                  .toList(),
                              outcome.failures(),
                              outcome.clusterError()))
                  .toCompletableFuture());
        });
    return CompletableFuture.allOf(shares.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              List<PlacedTask> placed = new ArrayList<>();
              List<PlacementFailure> failures = new ArrayList<>();
              Optional<String> clusterError = Optional.empty();
              for (CompletableFuture<Placement> share : shares) {
                Placement p = share.join();
                placed.addAll(p.placed());
                failures.addAll(p.failures());
                if (clusterError.isEmpty()) clusterError = p.clusterError();
              }
              return new Placement(taskIds.size(), placed, failures, clusterError);
            });
  }

  private CompletionStage<Placement> reserveOnNamedInstances(
      Prepared prepared, List<String> taskIds) {
    LaunchRequest request = prepared.request();
    List<CompletableFuture<Optional<String>>> refusals = new ArrayList<>();
    for (int i = 0; i < taskIds.size(); i++) {
      String instanceId = request.instanceIds().get(i);
      refusals.add(
          ports
              .reserve(
                  request.accountId(),
                  request.cluster(),
                  instanceId,
                  taskIds.get(i),
                  prepared.demand(),
                  prepared.summary(),
                  clock.instant())
              .thenApply(reserved -> Optional.<String>empty())
              .exceptionally(
                  failure -> {
                    EcsException e = Entities.asEcsException(failure);
                    if (e.httpStatus() < 500) return Optional.of(e.getMessage());
                    throw new CompletionException(e);
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(refusals.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              List<PlacedTask> placed = new ArrayList<>();
              List<PlacementFailure> failures = new ArrayList<>();
              for (int i = 0; i < taskIds.size(); i++) {
                String instanceId = request.instanceIds().get(i);
                Optional<String> refusal = refusals.get(i).join();
                if (refusal.isEmpty())
                  placed.add(new PlacedTask(taskIds.get(i), instanceId, prepared.spec(instanceId)));
                else
                  failures.add(
                      new PlacementFailure(instanceArn(request, instanceId), refusal.get()));
              }
              return new Placement(taskIds.size(), placed, failures, Optional.empty());
            });
  }

  /** Creates the Task entity of a task that has room. */
  public CompletionStage<TaskView> create(Prepared prepared, PlacedTask task) {
    LaunchRequest request = prepared.request();
    return ports.createTask(
        request.accountId(),
        request.cluster(),
        task.taskId(),
        task.spec(),
        request.receivedAt() != null ? request.receivedAt() : clock.instant());
  }

  /**
   * Creates the Task entity of a task placed earlier (a service's, once its launch is recorded).
   */
  public CompletionStage<TaskView> create(
      String accountId, String cluster, String taskId, TaskSpec spec) {
    return ports.createTask(accountId, cluster, taskId, spec, clock.instant());
  }

  // ---- helpers ----

  /** Creates every placed task; a cluster that could not be asked and placed none is an error. */
  private CompletionStage<Launched> createPlaced(Prepared prepared, Placement placement) {
    if (placement.clusterError().isPresent() && placement.placed().isEmpty()) {
      throw EcsException.invalidParameter(placement.clusterError().get());
    }
    List<CompletableFuture<TaskView>> created = new ArrayList<>();
    for (PlacedTask task : placement.placed())
      created.add(create(prepared, task).toCompletableFuture());
    return CompletableFuture.allOf(created.toArray(CompletableFuture[]::new))
        .thenApply(
            x ->
                new Launched(
                    created.stream().map(CompletableFuture::join).toList(), placement.failures()));
  }

  /**
   * With a clientToken, a retried RunTask names the same task ids, so it finds the tasks it already
   * started.
   */
  private CompletionStage<List<TaskView>> existing(LaunchRequest request, List<String> taskIds) {
    if (request.clientToken() == null)
      return CompletableFuture.completedFuture(List.of()); // fresh random ids: nothing to find
    String accountId = request.accountId();
    String cluster = request.cluster();
    return ports
        .task(accountId, cluster, taskIds.get(0))
        .thenCompose(
            first -> {
              // The first exists, so this is a retry: fetch the others (the first is not asked
              // twice).
              List<CompletableFuture<Optional<TaskView>>> all = new ArrayList<>();
              all.add(CompletableFuture.completedFuture(Optional.of(first)));
              for (String id : taskIds.subList(1, taskIds.size())) {
                all.add(
                    ports
                        .task(accountId, cluster, id)
                        .thenApply(Optional::of)
                        .exceptionally(f -> Optional.empty())
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x ->
                          all.stream()
                              .map(CompletableFuture::join)
                              .flatMap(Optional::stream)
                              .toList());
            })
        .exceptionally(f -> List.of());
  }

  /**
   * A retried RunTask found its tasks: the reservations its own placement made for them are given
   * back, except the one a live task holds already (placement asked that instance again, and it
   * answered with the same one).
   */
  private void giveBack(LaunchRequest request, List<TaskView> found, Placement placement) {
    for (PlacedTask placed : placement.placed()) {
      TaskView task =
          found.stream().filter(t -> t.taskId().equals(placed.taskId())).findFirst().orElse(null);
      boolean heldByTheTask =
          task != null
              && task.lastStatus() != TaskStatus.STOPPED
              && placed.instanceId().equals(task.spec().containerInstanceId());
      if (heldByTheTask) continue;
      ports.release(
          request.accountId(),
          request.cluster(),
          placed.instanceId(),
          placed.taskId(),
          clock.instant());
    }
  }

  /** The request's task ids: given, derived from its clientToken, or new. */
  private static List<String> taskIds(LaunchRequest request) {
    if (!request.taskIds().isEmpty()) return request.taskIds();
    int count = request.instanceIds().isEmpty() ? request.count() : request.instanceIds().size();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          request.clientToken() == null
              ? newTaskId()
              : UUID.nameUUIDFromBytes(
                      (request.clientToken() + "#" + i).getBytes(StandardCharsets.UTF_8))
                  .toString()
                  .replace("-", ""));
    }
    return ids;
  }

  private static String newTaskId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private String instanceArn(LaunchRequest request, String instanceId) {
    return Arns.containerInstance(
        request.region(), request.accountId(), request.cluster(), instanceId);
  }

  private static List<ConstraintSpec> definitionConstraints(
      TaskDefinitionFamily.Revision revision) {
    List<ConstraintSpec> out = new ArrayList<>();
    for (JsonNode c : revision.definition().path("placementConstraints")) {
      out.add(
          new ConstraintSpec(
              c.path("type").asText(),
              c.hasNonNull("expression") ? c.get("expression").asText() : null));
    }
    return out;
  }

  private static void checkOverrides(JsonNode definition, JsonNode overrides) {
    if (overrides == null) return;
    Set<String> names = new HashSet<>();
    definition.path("containerDefinitions").forEach(c -> names.add(c.path("name").asText()));
    for (JsonNode o : overrides.path("containerOverrides")) {
      String name = o.path("name").asText();
      if (!names.contains(name)) {
        throw EcsException.invalidParameter(
            "Override for container named " + name + " is not a container in the TaskDefinition.");
      }
    }
  }
}
