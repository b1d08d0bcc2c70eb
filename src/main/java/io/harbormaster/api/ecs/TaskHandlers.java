package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.views.JsonViews;
import io.harbormaster.views.TaskJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** RunTask, StartTask, StopTask, DescribeTasks, ListTasks. */
public final class TaskHandlers {
  private final Entities entities;
  private final EcsPaging paging;
  private final InstanceHandlers instances;
  private final TaskLauncher launcher;

  public TaskHandlers(
      Entities entities, EcsPaging paging, InstanceHandlers instances, TaskLauncher launcher) {
    this.entities = entities;
    this.paging = paging;
    this.instances = instances;
    this.launcher = launcher;
  }

  public void register(EcsOperations operations) {
    operations
        .register("RunTask", this::runTask)
        .register("StartTask", this::startTask)
        .register("StopTask", this::stopTask)
        .register("DescribeTasks", this::describeTasks)
        .register("ListTasks", this::listTasks);
  }

  CompletionStage<JsonNode> runTask(RequestContext ctx, JsonNode input) {
    RunTaskRequest request = RunTaskRequest.runTask(ctx, input);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(info -> launcher.run(request.toLaunch(ctx)))
        .thenApply(launched -> runResponse(ctx, launched));
  }

  CompletionStage<JsonNode> startTask(RequestContext ctx, JsonNode input) {
    RunTaskRequest request = RunTaskRequest.startTask(ctx, input);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(info -> launcher.start(request.toLaunch(ctx)))
        .thenApply(launched -> runResponse(ctx, launched));
  }

  CompletionStage<JsonNode> stopTask(RequestContext ctx, JsonNode input) {
    StopTaskRequest request = StopTaskRequest.decode(ctx, input);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(
            info ->
                entities.<Task.Command, TaskView>ask(
                    Task.ENTITY_KEY,
                    Task.entityId(ctx.accountId(), request.cluster(), request.taskId()),
                    replyTo ->
                        new Task.Stop(
                            "UserInitiated", request.reason(), ctx.receivedAt(), replyTo)))
        .thenApply(task -> JsonViews.wrap("task", TaskJson.view(ctx.view(), task, false)));
  }

  CompletionStage<JsonNode> describeTasks(RequestContext ctx, JsonNode input) {
    DescribeTasksRequest request = DescribeTasksRequest.decode(ctx, input);
    String cluster = request.cluster();
    List<String> refs = request.tasks();
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
                                        request.tags(),
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
    ListTasksRequest request = ListTasksRequest.decode(ctx, input, paging);
    String cluster = request.cluster();
    int max = request.maxResults();
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(info -> instances.instances(ctx, cluster))
        .thenApply(
            views -> {
              Set<String> seen = new HashSet<>();
              List<String> ids = new ArrayList<>();
              for (InstanceView v : views) {
                if (!request.lists(v.registration().instanceId())) continue;
                List<Reservation> candidates = new ArrayList<>(v.reservations().values());
                candidates.addAll(v.recentlyStopped());
                for (Reservation r : candidates) {
                  if (request.matches(r) && seen.add(r.taskId())) ids.add(r.taskId());
                }
              }
              ids.sort(null);
              List<String> page =
                  ids.stream()
                      .filter(id -> request.after().map(a -> id.compareTo(a) > 0).orElse(true))
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

  private static ObjectNode runResponse(RequestContext ctx, TaskLauncher.Launched launched) {
    ObjectNode out = JsonViews.object();
    ArrayNode t = out.putArray("tasks");
    launched.tasks().forEach(task -> t.add(TaskJson.view(ctx.view(), task, true)));
    ArrayNode f = out.putArray("failures");
    launched.failures().forEach(x -> f.addObject().put("arn", x.arn()).put("reason", x.reason()));
    return out;
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
