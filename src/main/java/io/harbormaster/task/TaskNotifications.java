package io.harbormaster.task;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.task.Task.TaskView;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A task's changes told to its container instance: the instance tracks the task's phase (counts,
 * and resources given back when it stops) and passes payloads and stop orders on to its agent.
 */
public final class TaskNotifications implements Task.Effects {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final String region;
  private final Clock clock;

  public TaskNotifications(ActorSystem<?> system, String region, Clock clock) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.region = region;
    this.clock = clock;
  }

  /**
   * The payload goes to the agent while TaskCreated is being written: the container's start
   * overlaps the write. If the write fails, the agent runs a task that does not exist; its
   * reservation, never told PENDING, then times out and the session's next reconcile stops the task
   * on the agent ("not assigned to this container instance").
   */
  @Override
  public void creating(TaskView task) {
    instanceOf(task)
        .tell(
            new ContainerInstance.DeliverToAgent(
                new AgentMessages.StartTask(TaskPayloads.of(region, task))));
  }

  @Override
  public void created(TaskView task) {
    instanceOf(task)
        .tell(
            new ContainerInstance.TrackTask(
                task.taskId(), TaskPhase.PENDING, clock.instant(), system.ignoreRef()));
  }

  @Override
  public void stopRequested(TaskView task) {
    EntityRef<ContainerInstance.Command> instance = instanceOf(task);
    instance.tell(
        new ContainerInstance.TrackTask(
            task.taskId(), TaskPhase.STOPPING, clock.instant(), system.ignoreRef()));
    instance.tell(
        new ContainerInstance.DeliverToAgent(
            new AgentMessages.StopTask(
                task.taskId(),
                task.stoppedReason() == null ? "Task stopped by user" : task.stoppedReason())));
  }

  @Override
  public void changed(TaskView task) {
    instanceOf(task)
        .tell(
            new ContainerInstance.TrackTask(
                task.taskId(), phaseOf(task), clock.instant(), system.ignoreRef()));
  }

  public static TaskPhase phaseOf(TaskView task) {
    if (task.lastStatus() == TaskStatus.STOPPED) return TaskPhase.STOPPED;
    if (task.desiredStatus() == TaskStatus.STOPPED) return TaskPhase.STOPPING;
    return task.lastStatus().compareTo(TaskStatus.RUNNING) >= 0
        ? TaskPhase.RUNNING
        : TaskPhase.PENDING;
  }

  private EntityRef<ContainerInstance.Command> instanceOf(TaskView task) {
    return sharding.entityRefFor(
        ContainerInstance.ENTITY_KEY,
        ContainerInstance.entityId(
            task.accountId(), task.clusterName(), task.spec().containerInstanceId()));
  }
}
