package io.harbormaster.task;

/**
 * ECS's health status of a task or a container. The names are what journals and snapshots of tasks
 * hold (they were strings once) and what DescribeTasks shows, so they never change.
 */
public enum HealthStatus {
  HEALTHY,
  UNHEALTHY,
  UNKNOWN
}
