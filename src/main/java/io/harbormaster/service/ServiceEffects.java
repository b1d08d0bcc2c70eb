package io.harbormaster.service;

import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service.TaskReport;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A service's effects on the sharded entities around it: the cluster's placement, task definitions,
 * tasks.
 */
public final class ServiceEffects implements Service.Effects {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Entities entities;
  private final Clock clock;

  /**
   * @param clock when the reservations, task creations, stops and removals it asks for happened
   */
  public ServiceEffects(ActorSystem<?> system, Entities entities, Clock clock) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.entities = entities;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Map<String, Instance>> instances(
      String accountId, String clusterName, Set<String> inUse) {
    return entities
        .<ClusterPlacement.Command, ClusterPlacement.Instances>askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(accountId, clusterName),
            ClusterPlacement.GetInstances::new)
        .thenCompose(
            found -> {
              Map<String, Instance> out = new LinkedHashMap<>();
              for (InstanceView v : found.instances())
                out.put(v.registration().instanceId(), instance(v));
              // The placement's snapshot may lack an instance (it is starting, or its bootstrap
              // failed): ask the
              // instance itself before anyone concludes that its tasks are gone.
              List<CompletableFuture<Optional<InstanceView>>> asked = new ArrayList<>();
              for (String id : inUse) {
                if (out.containsKey(id)) continue;
                asked.add(
                    entities
                        .<ContainerInstance.Command, InstanceView>ask(
                            ContainerInstance.ENTITY_KEY,
                            ContainerInstance.entityId(accountId, clusterName, id),
                            ContainerInstance.Get::new)
                        .thenApply(Optional::of)
                        .exceptionally(
                            failure -> {
                              EcsException e = Entities.asEcsException(failure);
                              if (e.httpStatus() < 500)
                                return Optional.empty(); // never registered: gone for sure
                              throw new CompletionException(e);
                            })
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        asked.forEach(
                            a ->
                                a.join()
                                    .ifPresent(
                                        v -> out.put(v.registration().instanceId(), instance(v))));
                        return out;
                      });
            });
  }

  static Instance instance(InstanceView v) {
    return new Instance(
        v.registration().instanceId(),
        v.status().name(),
        v.agentConnected(),
        v.disconnectedSince());
  }

  @Override
  public CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
      String accountId, String taskDefinitionArn) {
    Optional<Arns.ParsedArn> arn = Arns.parse(taskDefinitionArn);
    if (arn.isEmpty() || arn.get().resourceId().lastIndexOf(':') < 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("not a task definition ARN: " + taskDefinitionArn));
    }
    String id = arn.get().resourceId();
    String family = id.substring(0, id.lastIndexOf(':'));
    int revision = Integer.parseInt(id.substring(id.lastIndexOf(':') + 1));
    return entities.ask(
        TaskDefinitionFamily.ENTITY_KEY,
        TaskDefinitionFamily.entityId(accountId, family),
        replyTo -> new TaskDefinitionFamily.Get(revision, replyTo));
  }

  @Override
  public CompletionStage<ClusterPlacement.Outcome> place(
      String accountId,
      String clusterName,
      List<String> taskIds,
      Demand demand,
      TaskSummary summary,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies) {
    // The new task entities recover (an empty journal read each) while placement reserves, not
    // after it.
    for (String taskId : taskIds) {
      entities.<Task.Command, Task.TaskView>warmUp(
          Task.ENTITY_KEY, Task.entityId(accountId, clusterName, taskId), Task.Get::new);
    }
    return entities.askPlain(
        ClusterPlacement.ENTITY_KEY,
        ClusterPlacement.entityId(accountId, clusterName),
        replyTo ->
            new ClusterPlacement.Place(
                taskIds, demand, summary, constraints, strategies, entities.answerBy(), replyTo));
  }

  @Override
  public CompletionStage<Optional<String>> reserve(
      String accountId,
      String clusterName,
      String instanceId,
      String taskId,
      Demand demand,
      TaskSummary summary) {
    return entities
        .<ContainerInstance.Command, InstanceView>ask(
            ContainerInstance.ENTITY_KEY,
            ContainerInstance.entityId(accountId, clusterName, instanceId),
            replyTo ->
                new ContainerInstance.Reserve(taskId, demand, summary, clock.instant(), replyTo))
        .thenApply(view -> Optional.<String>empty())
        .exceptionally(
            failure -> {
              EcsException e = Entities.asEcsException(failure);
              if (e.httpStatus() < 500)
                return Optional.of(e.getMessage()); // refused: no room, draining, unknown
              throw new CompletionException(e);
            });
  }

  @Override
  public CompletionStage<TaskReport> createTask(
      String accountId, String clusterName, String taskId, TaskSpec spec) {
    return entities
        .<Task.Command, Task.TaskView>ask(
            Task.ENTITY_KEY,
            Task.entityId(accountId, clusterName, taskId),
            replyTo -> new Task.Create(spec, clock.instant(), replyTo))
        .thenApply(TaskReport::of);
  }

  @Override
  public void stopTask(
      String accountId, String clusterName, String taskId, String stopCode, String reason) {
    sharding
        .entityRefFor(Task.ENTITY_KEY, Task.entityId(accountId, clusterName, taskId))
        .tell(new Task.Stop(stopCode, reason, clock.instant(), system.ignoreRef()));
  }

  @Override
  public CompletionStage<Optional<TaskReport>> task(
      String accountId, String clusterName, String taskId) {
    return entities
        .<Task.Command, Task.TaskView>ask(
            Task.ENTITY_KEY, Task.entityId(accountId, clusterName, taskId), Task.Get::new)
        .thenApply(view -> Optional.of(TaskReport.of(view)))
        .exceptionally(
            failure -> {
              EcsException e = Entities.asEcsException(failure);
              if (e.httpStatus() < 500) return Optional.empty(); // the Task entity does not exist
              throw new CompletionException(e);
            });
  }

  @Override
  public void inactivated(String accountId, String clusterName, String serviceName) {
    sharding
        .entityRefFor(Cluster.ENTITY_KEY, Cluster.entityId(accountId, clusterName))
        .tell(new Cluster.RemoveService(serviceName, clock.instant(), system.ignoreRef()));
  }
}
