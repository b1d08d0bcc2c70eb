package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskDemands;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskResources;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.views.JsonViews;
import io.harbormaster.views.TaskJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** RunTask, StartTask, StopTask, DescribeTasks, ListTasks. */
public final class TaskHandlers {
  private static final int MAX_COUNT = 10;
  private static final int MAX_DESCRIBE = 100;
  private final Entities entities;
  private final EcsPaging paging;
  private final InstanceHandlers instances;

  public TaskHandlers(Entities entities, EcsPaging paging, InstanceHandlers instances) {
    this.entities = entities;
    this.paging = paging;
    this.instances = instances;
  }

  public void register(EcsOperations operations) {
    operations
        .register("RunTask", this::runTask)
        .register("StartTask", this::startTask)
        .register("StopTask", this::stopTask)
        .register("DescribeTasks", this::describeTasks)
        .register("ListTasks", this::listTasks);
  }

  /** Everything RunTask and StartTask share, checked before anything is placed. */
  private record Launch(
      String cluster,
      TaskDefinitionFamily.Revision revision,
      JsonNode overrides,
      String group,
      String startedBy,
      List<Tag> tags,
      Demand demand,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      String clientToken,
      String launchType) {
    TaskSummary summary() {
      return new TaskSummary(revision.family(), group, startedBy);
    }
  }

  CompletionStage<JsonNode> runTask(RequestContext ctx, JsonNode input) {
    int count = input.path("count").asInt(1);
    if (count < 1 || count > MAX_COUNT) {
      throw EcsException.invalidParameter(
          "count must be between 1 and " + MAX_COUNT + ", not " + count + ".");
    }
    String launchType = JsonViews.text(input, "launchType").orElse("EC2");
    if (!launchType.equals("EC2") && !launchType.equals("EXTERNAL")) {
      throw EcsException.invalidParameter(
          "launchType "
              + launchType
              + " is not supported here: tasks run on the "
              + "cluster's container instances (EC2 or EXTERNAL).");
    }
    return launch(ctx, input)
        .thenCompose(
            launch -> {
              List<String> taskIds = taskIds(launch.clientToken(), count);
              // The idempotency lookup (a recovery of the first task's entity, tens of ms) and
              // placement start together
              // (the SDKs send a clientToken with every RunTask): a retry is rare, and what its
              // placement reserves is
              // given back. New task entities recover (an empty journal read) during placement too,
              // not after it.
              CompletionStage<List<TaskView>> lookup =
                  existing(ctx, launch.cluster(), taskIds, launch.clientToken());
              if (launch.clientToken() == null) {
                for (String id : taskIds) {
                  entities.<Task.Command, TaskView>warmUp(
                      Task.ENTITY_KEY,
                      Task.entityId(ctx.accountId(), launch.cluster(), id),
                      Task.Get::new);
                }
              }
              CompletableFuture<Object> placement =
                  entities
                      .<ClusterPlacement.Command, ClusterPlacement.Outcome>askPlain(
                          ClusterPlacement.ENTITY_KEY,
                          ClusterPlacement.entityId(ctx.accountId(), launch.cluster()),
                          replyTo ->
                              new ClusterPlacement.Place(
                                  taskIds,
                                  launch.demand(),
                                  launch.summary(),
                                  launch.constraints(),
                                  launch.strategies(),
                                  entities.answerBy(),
                                  replyTo))
                      .<Object>thenApply(outcome -> outcome)
                      .exceptionally(failure -> failure)
                      .toCompletableFuture();
              return lookup.thenCompose(
                  found -> {
                    if (!found.isEmpty()) {
                      // A retry is answered at once (under load it must not queue for placement
                      // again); what placement
                      // reserves for it is given back when it answers.
                      placement.thenAccept(
                          answer -> {
                            if (answer instanceof ClusterPlacement.Outcome outcome)
                              giveBack(ctx, launch.cluster(), found, outcome);
                          });
                      return CompletableFuture.completedFuture(runResponse(ctx, found, List.of()));
                    }
                    return placement.thenCompose(answer -> placed(ctx, launch, answer));
                  });
            });
  }

  /** Creates the tasks placement placed; {@code answer} is its Outcome or the ask's failure. */
  private CompletionStage<JsonNode> placed(RequestContext ctx, Launch launch, Object answer) {
    if (answer instanceof Throwable failure) return CompletableFuture.failedFuture(failure);
    ClusterPlacement.Outcome outcome = (ClusterPlacement.Outcome) answer;
    if (outcome.clusterError().isPresent() && outcome.placed().isEmpty()) {
      throw EcsException.invalidParameter(outcome.clusterError().get());
    }
    List<CompletableFuture<TaskView>> created = new ArrayList<>();
    for (ClusterPlacement.Placed placed : outcome.placed()) {
      created.add(create(ctx, launch, placed.taskId(), placed.instanceId()).toCompletableFuture());
    }
    List<ObjectNode> failures =
        outcome.failures().stream()
            .map(f -> JsonViews.object().put("arn", f.arn()).put("reason", f.reason()))
            .toList();
    return CompletableFuture.allOf(created.toArray(CompletableFuture[]::new))
        .thenApply(
            x ->
                runResponse(ctx, created.stream().map(CompletableFuture::join).toList(), failures));
  }

  /**
   * A retried RunTask found its tasks: the reservations its own placement made for them are given
   * back, except the one a live task holds already (placement asked that instance again, and it
   * answered with the same one).
   */
  private void giveBack(
      RequestContext ctx, String cluster, List<TaskView> found, ClusterPlacement.Outcome outcome) {
    for (ClusterPlacement.Placed placed : outcome.placed()) {
      TaskView task =
          found.stream().filter(t -> t.taskId().equals(placed.taskId())).findFirst().orElse(null);
      boolean heldByTheTask =
          task != null
              && task.lastStatus() != io.harbormaster.task.TaskStatus.STOPPED
              && placed.instanceId().equals(task.spec().containerInstanceId());
      if (heldByTheTask) continue;
      entities.<ContainerInstance.Command, org.apache.pekko.Done>ask(
          ContainerInstance.ENTITY_KEY,
          ContainerInstance.entityId(ctx.accountId(), cluster, placed.instanceId()),
          replyTo -> new ContainerInstance.Release(placed.taskId(), Instant.now(), replyTo));
    }
  }

  CompletionStage<JsonNode> startTask(RequestContext ctx, JsonNode input) {
    List<String> refs = JsonViews.textList(input, "containerInstances");
    if (refs.isEmpty() || refs.size() > MAX_COUNT) {
      throw EcsException.invalidParameter(
          "containerInstances must name 1 to " + MAX_COUNT + " instances.");
    }
    return launch(ctx, input)
        .thenCompose(
            launch -> {
              List<CompletableFuture<Object>> results = new ArrayList<>();
              for (String ref : refs) {
                String instanceId = InstanceHandlers.instanceId(ctx, launch.cluster(), ref);
                String taskId = newTaskId();
                CompletionStage<Object> result =
                    entities
                        .<ContainerInstance.Command, InstanceView>ask(
                            ContainerInstance.ENTITY_KEY,
                            ContainerInstance.entityId(
                                ctx.accountId(), launch.cluster(), instanceId),
                            replyTo ->
                                new ContainerInstance.Reserve(
                                    taskId,
                                    launch.demand(),
                                    launch.summary(),
                                    Instant.now(),
                                    replyTo))
                        .thenCompose(
                            view ->
                                create(ctx, launch, taskId, instanceId).<Object>thenApply(t -> t))
                        .exceptionally(
                            failure ->
                                JsonViews.object()
                                    .put(
                                        "arn",
                                        Arns.containerInstance(
                                            ctx.region(),
                                            ctx.accountId(),
                                            launch.cluster(),
                                            instanceId))
                                    .put("reason", Entities.asEcsException(failure).getMessage()));
                results.add(result.toCompletableFuture());
              }
              return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        List<TaskView> tasks = new ArrayList<>();
                        List<ObjectNode> failures = new ArrayList<>();
                        results.forEach(
                            r -> {
                              Object value = r.join();
                              if (value instanceof TaskView t) tasks.add(t);
                              else failures.add((ObjectNode) value);
                            });
                        return runResponse(ctx, tasks, failures);
                      });
            });
  }

  CompletionStage<JsonNode> stopTask(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String taskId =
        taskId(ctx, cluster, JsonViews.text(input, "task").orElse(""))
            .orElseThrow(() -> EcsException.invalidParameter("The referenced task was not found."));
    String reason = JsonViews.text(input, "reason").orElse("Task stopped by user");
    if (reason.length() > 255)
      throw EcsException.invalidParameter("reason can have at most 255 characters.");
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                entities.<Task.Command, TaskView>ask(
                    Task.ENTITY_KEY,
                    Task.entityId(ctx.accountId(), cluster, taskId),
                    replyTo -> new Task.Stop("UserInitiated", reason, ctx.receivedAt(), replyTo)))
        .thenApply(task -> JsonViews.wrap("task", TaskJson.view(ctx.view(), task, false)));
  }

  CompletionStage<JsonNode> describeTasks(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "tasks");
    if (refs.isEmpty() || refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter("tasks must name 1 to " + MAX_DESCRIBE + " tasks.");
    }
    boolean tags = JsonViews.includes(input, "TAGS");
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                DescribeFanOut.lookUp(
                    refs,
                    ref ->
                        taskId(ctx, cluster, ref)
                            .map(
                                id ->
                                    entities.<Task.Command, TaskView>ask(
                                        Task.ENTITY_KEY,
                                        Task.entityId(ctx.accountId(), cluster, id),
                                        Task.Get::new))))
        .thenCompose(
            lookups ->
                agentsConnected(ctx, cluster, DescribeFanOut.found(lookups))
                    .thenApply(
                        agents ->
                            DescribeFanOut.answer(
                                "tasks",
                                refs,
                                lookups,
                                task ->
                                    TaskJson.view(
                                        ctx.view(),
                                        task,
                                        tags,
                                        Optional.ofNullable(
                                            agents.get(task.spec().containerInstanceId()))),
                                id -> Arns.task(ctx.region(), ctx.accountId(), cluster, id))));
  }

  /**
   * Whether the agent of each of the tasks' container instances is connected (a task's
   * connectivity). An instance that does not answer, or no longer exists, is left out: its tasks
   * then show no connectivity rather than a guess.
   */
  private CompletionStage<Map<String, Boolean>> agentsConnected(
      RequestContext ctx, String cluster, List<TaskView> found) {
    Map<String, CompletableFuture<Optional<Boolean>>> asks = new HashMap<>();
    for (TaskView task : found) {
      String instanceId = task.spec().containerInstanceId();
      if (instanceId == null || asks.containsKey(instanceId)) continue;
      asks.put(
          instanceId,
          entities
              .<ContainerInstance.Command, InstanceView>ask(
                  ContainerInstance.ENTITY_KEY,
                  ContainerInstance.entityId(ctx.accountId(), cluster, instanceId),
                  ContainerInstance.Get::new)
              .thenApply(view -> Optional.of(view.agentConnected()))
              .exceptionally(failure -> Optional.empty())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              Map<String, Boolean> connected = new HashMap<>();
              asks.forEach((id, answer) -> answer.join().ifPresent(c -> connected.put(id, c)));
              return connected;
            });
  }

  CompletionStage<JsonNode> listTasks(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> instance =
        JsonViews.text(input, "containerInstance")
            .map(ref -> InstanceHandlers.instanceId(ctx, cluster, ref));
    Optional<String> family = JsonViews.text(input, "family");
    Optional<String> startedBy = JsonViews.text(input, "startedBy");
    Optional<String> serviceGroup = JsonViews.text(input, "serviceName").map(s -> "service:" + s);
    String desired = JsonViews.text(input, "desiredStatus").orElse("RUNNING");
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(info -> instances.instances(ctx, cluster))
        .thenApply(
            views -> {
              Set<String> seen = new HashSet<>();
              List<String> ids = new ArrayList<>();
              for (InstanceView v : views) {
                if (instance.isPresent() && !instance.get().equals(v.registration().instanceId()))
                  continue;
                List<Reservation> candidates = new ArrayList<>(v.reservations().values());
                candidates.addAll(v.recentlyStopped());
                for (Reservation r : candidates) {
                  if (!matchesDesired(r.phase(), desired)) continue;
                  if (family.isPresent() && !family.get().equals(r.summary().family())) continue;
                  if (startedBy.isPresent() && !startedBy.get().equals(r.summary().startedBy()))
                    continue;
                  if (serviceGroup.isPresent() && !serviceGroup.get().equals(r.summary().group()))
                    continue;
                  if (seen.add(r.taskId())) ids.add(r.taskId());
                }
              }
              ids.sort(null);
              List<String> page =
                  ids.stream()
                      .filter(id -> after.map(a -> id.compareTo(a) > 0).orElse(true))
                      .toList();
              ObjectNode out = JsonViews.object();
              ArrayNode arns = out.putArray("taskArns");
              page.stream()
                  .limit(max)
                  .forEach(id -> arns.add(Arns.task(ctx.region(), ctx.accountId(), cluster, id)));
              if (page.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), page.get(max - 1)));
              return out;
            });
  }

  private static boolean matchesDesired(TaskPhase phase, String desired) {
    return switch (desired) {
      case "STOPPED" -> phase == TaskPhase.STOPPING || phase == TaskPhase.STOPPED;
      case "PENDING" -> phase == TaskPhase.RESERVED || phase == TaskPhase.PENDING;
      default ->
          phase == TaskPhase.RESERVED || phase == TaskPhase.PENDING || phase == TaskPhase.RUNNING;
    };
  }

  // ---- shared steps ----
  private CompletionStage<Launch> launch(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    var ref =
        TaskDefinitionHandlers.TaskDefinitionRef.parse(
            ctx, JsonViews.text(input, "taskDefinition").orElse(""));
    JsonNode overrides = JsonViews.member(input, "overrides").orElse(null);
    String startedBy = JsonViews.text(input, "startedBy").orElse(null);
    if (startedBy != null && !startedBy.matches("[A-Za-z0-9_-]{1,128}")) {
      throw EcsException.invalidParameter(
          "startedBy has 1 to 128 letters, digits, hyphens and underscores.");
    }
    List<Tag> tags = ResourceRefs.tags(input, "tags");
    List<ConstraintSpec> requested = PlacementSpecs.constraints(input.path("placementConstraints"));
    List<StrategySpec> strategies = PlacementSpecs.strategies(input.path("placementStrategy"));
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                entities.<TaskDefinitionFamily.Command, TaskDefinitionFamily.Revision>ask(
                    TaskDefinitionFamily.ENTITY_KEY,
                    TaskDefinitionFamily.entityId(ctx.accountId(), ref.family()),
                    replyTo -> new TaskDefinitionFamily.Get(ref.revision(), replyTo)))
        .thenApply(
            revision -> {
              if (revision.status() != TaskDefinitionFamily.Status.ACTIVE) {
                throw EcsException.clientException("TaskDefinition is inactive");
              }
              checkOverrides(revision.definition(), overrides);
              List<ConstraintSpec> all =
                  new ArrayList<>(
                      PlacementSpecs.constraints(
                          revision.definition().path("placementConstraints")));
              all.addAll(requested);
              String group = JsonViews.text(input, "group").orElse("family:" + revision.family());
              Demand demand = TaskResources.demand(revision.definition(), overrides);
              try {
                TaskDemands.of(
                    demand,
                    group,
                    all,
                    strategies); // parsed here to report mistakes, again at placement
              } catch (IllegalArgumentException e) { // QueryLanguageException is one too
                throw EcsException.invalidParameter(e.getMessage());
              }
              // RunTask's launchType (checked there; EC2 by default); StartTask has none and starts
              // EC2 tasks
              return new Launch(
                  cluster,
                  revision,
                  overrides,
                  group,
                  startedBy,
                  tags,
                  demand,
                  all,
                  strategies,
                  JsonViews.text(input, "clientToken").orElse(null),
                  JsonViews.text(input, "launchType").orElse("EC2"));
            });
  }

  private CompletionStage<TaskView> create(
      RequestContext ctx, Launch launch, String taskId, String instanceId) {
    var revision = launch.revision();
    TaskSpec spec =
        new TaskSpec(
            Arns.taskDefinition(
                ctx.region(), ctx.accountId(), revision.family(), revision.revision()),
            revision.family(),
            revision.revision(),
            revision.definition(),
            launch.overrides(),
            launch.group(),
            launch.startedBy(),
            launch.tags(),
            instanceId,
            launch.demand().cpu(),
            launch.demand().memory(),
            null,
            launch.clientToken(),
            launch.launchType());
    return entities.ask(
        Task.ENTITY_KEY,
        Task.entityId(ctx.accountId(), launch.cluster(), taskId),
        replyTo -> new Task.Create(spec, ctx.receivedAt(), replyTo));
  }

  /**
   * With a clientToken, a retried RunTask names the same task ids, so it finds the tasks it already
   * started.
   */
  private CompletionStage<List<TaskView>> existing(
      RequestContext ctx, String cluster, List<String> taskIds, String clientToken) {
    if (clientToken == null)
      return CompletableFuture.completedFuture(List.of()); // fresh random ids: nothing to find
    return entities
        .<Task.Command, TaskView>ask(
            Task.ENTITY_KEY, Task.entityId(ctx.accountId(), cluster, taskIds.get(0)), Task.Get::new)
        .thenCompose(
            first -> {
              // The first exists, so this is a retry: fetch the others (the first is not asked
              // twice).
              List<CompletableFuture<Optional<TaskView>>> all = new ArrayList<>();
              all.add(CompletableFuture.completedFuture(Optional.of(first)));
              for (String id : taskIds.subList(1, taskIds.size())) {
                all.add(
                    entities
                        .<Task.Command, TaskView>ask(
                            Task.ENTITY_KEY,
                            Task.entityId(ctx.accountId(), cluster, id),
                            Task.Get::new)
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

  private static List<String> taskIds(String clientToken, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          clientToken == null
              ? newTaskId()
              : UUID.nameUUIDFromBytes((clientToken + "#" + i).getBytes(StandardCharsets.UTF_8))
                  .toString()
                  .replace("-", ""));
    }
    return ids;
  }

  private static String newTaskId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static ObjectNode runResponse(
      RequestContext ctx, List<TaskView> tasks, List<ObjectNode> failures) {
    ObjectNode out = JsonViews.object();
    ArrayNode t = out.putArray("tasks");
    tasks.forEach(task -> t.add(TaskJson.view(ctx.view(), task, true)));
    ArrayNode f = out.putArray("failures");
    failures.forEach(f::add);
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

  /** A task named by id or ARN in this cluster. */
  static Optional<String> taskId(RequestContext ctx, String cluster, String ref) {
    if (ref == null || ref.isEmpty()) return Optional.empty();
    if (!ref.startsWith("arn:"))
      return ref.matches("[A-Za-z0-9-]{1,64}") ? Optional.of(ref) : Optional.empty();
    return Arns.parse(ref)
        .filter(a -> a.resourceType().equals("task"))
        .filter(a -> a.accountId().equals(ctx.accountId()) && a.region().equals(ctx.region()))
        .map(Arns.ParsedArn::resourceId)
        .filter(id -> id.startsWith(cluster + "/"))
        .map(id -> id.substring(cluster.length() + 1));
  }
}
