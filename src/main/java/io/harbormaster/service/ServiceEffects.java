package io.harbormaster.service;

import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.Service.TaskReport;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A service's effects on the sharded entities around it: the cluster's placement and instances, and
 * its tasks, launched through the {@link TaskLauncher} RunTask and StartTask use.
 */
public final class ServiceEffects implements Service.Effects {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Entities entities;
  private final TaskLauncher launcher;
  private final Clock clock;
  private final Duration askTimeout;

  /**
   * @param clock when the stops and the cluster's list changes it asks for happened
   * @param askTimeout how long it waits for the cluster to answer
   */
  public ServiceEffects(
      ActorSystem<?> system,
      Entities entities,
      TaskLauncher launcher,
      Clock clock,
      Duration askTimeout) {
    this.system = system;
    this.askTimeout = askTimeout;
    this.sharding = ClusterSharding.get(system);
    this.entities = entities;
    this.launcher = launcher;
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
        v.registration().instanceId(), v.status(), v.agentConnected(), v.disconnectedSince());
  }

  @Override
  public TaskLauncher launcher() {
    return launcher;
  }

  @Override
  public CompletionStage<TaskReport> createTask(
      String accountId, String clusterName, String taskId, TaskSpec spec) {
    return launcher.create(accountId, clusterName, taskId, spec).thenApply(TaskReport::of);
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
  public CompletionStage<Done> clusterLists(
      String accountId, String clusterName, String serviceName, boolean listed) {
    var cluster =
        sharding.entityRefFor(Cluster.ENTITY_KEY, Cluster.entityId(accountId, clusterName));
    CompletionStage<Cluster.ClusterInfo> answer =
        listed
            ? cluster.askWithStatus(
                replyTo -> new Cluster.AddService(serviceName, clock.instant(), replyTo),
                askTimeout)
            : cluster.askWithStatus(
                replyTo -> new Cluster.RemoveService(serviceName, clock.instant(), replyTo),
                askTimeout);
    return answer.thenApply(info -> Done.done());
  }
}
