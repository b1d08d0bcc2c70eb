package io.harbormaster.task;

/**
 * A container's lastStatus in lifecycle order: it only moves forward along this list. The names are
 * what journals and snapshots of tasks hold (they were strings once) and what DescribeTasks shows,
 * so they never change.
 */
public enum ContainerStatus {
  PENDING,
  RUNNING,
  STOPPED
}
