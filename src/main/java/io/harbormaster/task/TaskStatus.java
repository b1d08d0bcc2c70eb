package io.harbormaster.task;

/** ECS task statuses in lifecycle order: a task's lastStatus only moves forward along this list. */
public enum TaskStatus {
  PROVISIONING,
  PENDING,
  ACTIVATING,
  RUNNING,
  DEACTIVATING,
  STOPPING,
  DEPROVISIONING,
  STOPPED;

  public boolean isAfter(TaskStatus other) {
    return compareTo(other) > 0;
  }
}
