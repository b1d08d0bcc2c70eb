package io.harbormaster.service;

import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskView;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A service's tasks tell their service of every change (status, health, stop), so it reconciles at
 * once. Tasks of other groups (RunTask, StartTask) are nobody's business here.
 */
public final class ServiceTaskNotifications implements Task.Effects {
  private final ClusterSharding sharding;

  public ServiceTaskNotifications(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
  }

  /** Tells both, in order: the instance's bookkeeping first, then the service. */
  public static Task.Effects andThen(Task.Effects first, Task.Effects second) {
    return new Task.Effects() {
      @Override
      public void creating(TaskView task) {
        first.creating(task);
        second.creating(task);
      }

      @Override
      public void created(TaskView task) {
        first.created(task);
        second.created(task);
      }

      @Override
      public void stopRequested(TaskView task) {
        first.stopRequested(task);
        second.stopRequested(task);
      }

      @Override
      public void changed(TaskView task) {
        first.changed(task);
        second.changed(task);
      }
    };
  }

  /** The service hears of its task once it exists (it recorded the launch before asking for it). */
  @Override
  public void creating(TaskView task) {}

  @Override
  public void created(TaskView task) {
    tell(task);
  }

  @Override
  public void stopRequested(TaskView task) {
    tell(task);
  }

  @Override
  public void changed(TaskView task) {
    tell(task);
  }

  private void tell(TaskView task) {
    String group = task.spec().group();
    if (group == null || !group.startsWith(Service.GROUP_PREFIX)) return;
    String serviceName = group.substring(Service.GROUP_PREFIX.length());
    sharding
        .entityRefFor(
            Service.ENTITY_KEY, Service.entityId(task.accountId(), task.clusterName(), serviceName))
        .tell(new Service.TaskChanged(Service.TaskReport.of(task)));
  }
}
