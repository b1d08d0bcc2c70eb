package io.harbormaster.placement;

import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** A launch's ports as asks of the sharded entities, each with the API's ask timeout. */
public final class EntityLaunchPorts implements TaskLauncher.Ports {
  private final Entities entities;

  public EntityLaunchPorts(Entities entities) {
    this.entities = entities;
  }

  @Override
  public CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
      String accountId, String family, int revision) {
    return entities.ask(
        TaskDefinitionFamily.ENTITY_KEY,
        TaskDefinitionFamily.entityId(accountId, family),
        replyTo -> new TaskDefinitionFamily.Get(revision, replyTo));
  }

  @Override
  public void warmUp(String accountId, String cluster, String taskId) {
    entities.<Task.Command, TaskView>warmUp(
        Task.ENTITY_KEY, Task.entityId(accountId, cluster, taskId), Task.Get::new);
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
    return entities.askPlain(
        ClusterPlacement.ENTITY_KEY,
        ClusterPlacement.entityId(accountId, cluster),
        replyTo ->
            new ClusterPlacement.Place(
                taskIds, demand, summary, constraints, strategies, entities.answerBy(), replyTo));
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
    return entities
        .<ContainerInstance.Command, InstanceView>ask(
            ContainerInstance.ENTITY_KEY,
            ContainerInstance.entityId(accountId, cluster, instanceId),
            replyTo -> new ContainerInstance.Reserve(taskId, demand, summary, at, replyTo))
        .thenApply(view -> Done.getInstance());
  }

  @Override
  public void release(
      String accountId, String cluster, String instanceId, String taskId, Instant at) {
    entities.<ContainerInstance.Command, Done>ask(
        ContainerInstance.ENTITY_KEY,
        ContainerInstance.entityId(accountId, cluster, instanceId),
        replyTo -> new ContainerInstance.Release(taskId, at, replyTo));
  }

  @Override
  public CompletionStage<TaskView> createTask(
      String accountId, String cluster, String taskId, TaskSpec spec, Instant at) {
    return entities.ask(
        Task.ENTITY_KEY,
        Task.entityId(accountId, cluster, taskId),
        replyTo -> new Task.Create(spec, at, replyTo));
  }

  @Override
  public CompletionStage<TaskLauncher.ClusterCapacity> clusterCapacity(
      String accountId, String cluster) {
    return entities
        .<Cluster.Command, Cluster.ClusterInfo>ask(
            Cluster.ENTITY_KEY, Cluster.entityId(accountId, cluster), Cluster.Get::new)
        .thenApply(
            info -> {
              if (info.status() != Cluster.Status.ACTIVE)
                throw EcsException.clusterNotFound("Cluster not found.");
              return new TaskLauncher.ClusterCapacity(
                  info.spec().capacityProviders() == null
                      ? List.of()
                      : info.spec().capacityProviders(),
                  CapacityProviderStrategyItem.listOf(
                      info.spec().defaultCapacityProviderStrategy()));
            });
  }

  @Override
  public CompletionStage<Map<String, Integer>> tasksByProvider(
      String accountId, String cluster, String group) {
    return entities
        .<ClusterPlacement.Command, ClusterPlacement.Instances>askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(accountId, cluster),
            ClusterPlacement.GetInstances::new)
        .thenApply(
            instances -> {
              Map<String, Integer> counts = new HashMap<>();
              for (InstanceView instance : instances.instances()) {
                for (ContainerInstance.Reservation r : instance.reservations().values()) {
                  boolean live =
                      r.phase() != ContainerInstance.TaskPhase.STOPPING
                          && r.phase() != ContainerInstance.TaskPhase.STOPPED;
                  if (live
                      && group.equals(r.summary().group())
                      && r.summary().capacityProvider() != null)
                    counts.merge(r.summary().capacityProvider(), 1, Integer::sum);
                }
              }
              return counts;
            });
  }

  @Override
  public CompletionStage<TaskView> task(String accountId, String cluster, String taskId) {
    return entities.ask(Task.ENTITY_KEY, Task.entityId(accountId, cluster, taskId), Task.Get::new);
  }
}
