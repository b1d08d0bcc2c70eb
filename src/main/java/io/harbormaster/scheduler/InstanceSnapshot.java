package io.harbormaster.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One container instance as placement sees it, frozen at the moment the snapshot was taken.
 *
 * @param id the container instance id (the last part of its ARN)
 * @param arn the container instance ARN, which RunTask names in {@code failures[]}
 * @param ec2InstanceId the host's EC2 (or external) instance id; the {@code ec2InstanceId} query
 *     subject
 * @param registered what the instance offered when it registered
 * @param remaining what is left after the tasks it holds (and every reservation in flight)
 * @param attributes built-in ({@code ecs.availability-zone}, {@code ecs.instance-type}, {@code
 *     ecs.os-type}, {@code ecs.cpu-architecture}, capabilities) and custom attributes; an attribute
 *     without a value (as capabilities are) maps to {@code ""}
 * @param runningTasksCount the {@code runningTasksCount} query subject
 * @param tasksByGroup how many active tasks of each task group the instance holds ({@code
 *     service:web}, {@code family:batch}, or a custom group); drives {@code task:group}, {@code
 *     distinctInstance} and {@code spread}. Standalone tasks default to {@code family:<family>}, so
 *     this also counts families.
 */
public record InstanceSnapshot(
    String id,
    String arn,
    String ec2InstanceId,
    Status status,
    boolean agentConnected,
    String agentVersion,
    Instant registeredAt,
    Resources registered,
    Resources remaining,
    Map<String, String> attributes,
    int runningTasksCount,
    Map<String, Integer> tasksByGroup) {

  /** ECS's container instance statuses; only ACTIVE instances receive tasks. */
  public enum Status {
    REGISTERING,
    REGISTRATION_FAILED,
    ACTIVE,
    DRAINING,
    DEREGISTERING,
    INACTIVE
  }

  public static final String AVAILABILITY_ZONE = "ecs.availability-zone";
  public static final String INSTANCE_TYPE = "ecs.instance-type";
  public static final String OS_TYPE = "ecs.os-type";
  public static final String CPU_ARCHITECTURE = "ecs.cpu-architecture";

  public InstanceSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(registeredAt, "registeredAt");
    Objects.requireNonNull(registered, "registered");
    Objects.requireNonNull(remaining, "remaining");
    attributes = Map.copyOf(attributes);
    tasksByGroup = Map.copyOf(tasksByGroup);
  }

  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  public int tasksInGroup(String group) {
    return tasksByGroup.getOrDefault(group, 0);
  }

  /**
   * The instance after one more task of this demand lands on it. {@code runningTasksCount} goes up
   * too although the new task is only PENDING: otherwise a batch would pile onto an instance that
   * {@code runningTasksCount == 0} selected, because it would still look empty.
   */
  public InstanceSnapshot withTaskPlaced(TaskDemand demand) {
    Map<String, Integer> groups = new HashMap<>(tasksByGroup);
    groups.merge(demand.group(), 1, Integer::sum);
    return new InstanceSnapshot(
        id,
        arn,
        ec2InstanceId,
        status,
        agentConnected,
        agentVersion,
        registeredAt,
        registered,
        remaining.minus(demand),
        attributes,
        runningTasksCount + 1,
        groups);
  }
}
