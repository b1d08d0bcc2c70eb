package io.harbormaster.service;

import io.harbormaster.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Level-triggered service scheduling as a pure function: (desired spec, deployments, the service's tasks, the
 * cluster's instances, now) → what to launch, what to stop, how deployments move, and the service events that say
 * why. No Pekko, no clocks, no randomness: the Service entity supplies {@code now} and the id a new deployment
 * would get, persists the decision as events and carries it out.
 *
 * <p>Contract shared by the entity and this function (do not change a record without changing both sides):
 * <ul>
 *   <li>{@link Input#tasks} holds every task the service launched that it has not yet forgotten, including STOPPED
 *       ones; a stopped task is seen here until a decision lists it in {@link Decision#forget} (after it has been
 *       counted for the circuit breaker and start throttling).
 *   <li>Launches are counts per deployment; the entity asks placement for them (DAEMON launches name the instance).
 *   <li>Stops are orders for tasks that are not yet desired-STOPPED; repeating an order is harmless but wasteful.
 * </ul>
 */
public final class ServiceReconciler {
  private ServiceReconciler() {}

  public enum SchedulingStrategy { REPLICA, DAEMON }

  public enum DeploymentStatus { PRIMARY, ACTIVE, INACTIVE }

  public enum RolloutState { IN_PROGRESS, COMPLETED, FAILED }

  public enum TaskHealth { HEALTHY, UNHEALTHY, UNKNOWN }

  /** What the user asked for (CreateService / UpdateService). Percentages as given; rounding is done here. */
  public record Spec(String serviceName, SchedulingStrategy scheduling, int desiredCount,
      int minimumHealthyPercent, int maximumPercent, boolean circuitBreakerEnabled, boolean rollback,
      Duration healthCheckGracePeriod) {}

  /**
   * One deployment as DescribeServices shows it. {@code failedTasks} counts tasks that failed for the circuit
   * breaker; the running/pending counts are derived from the tasks, not stored.
   */
  public record Deployment(String id, DeploymentStatus status, String taskDefinitionArn, RolloutState rolloutState,
      String rolloutStateReason, int failedTasks, Instant createdAt, Instant updatedAt) {}

  /**
   * A task the service launched, as it last reported. {@code startedAt} is null until the task reached RUNNING;
   * {@code stopCode} is set once the task stopped (TaskFailedToStart, EssentialContainerExited, ...).
   */
  public record ServiceTask(String taskId, String deploymentId, String instanceId, TaskStatus lastStatus,
      boolean desiredStopped, TaskHealth health, Instant startedAt, String stopCode, String stoppedReason) {}

  /**
   * A container instance of the cluster. {@code disconnectedSince} is set while its agent is away; after
   * {@link Input#lostHostTimeout} the instance's tasks count as lost and are replaced elsewhere.
   */
  public record Instance(String instanceId, String status, boolean agentConnected, Instant disconnectedSince) {}

  /** Start throttling: consecutive tasks that stopped without ever running, and when the next launch may go. */
  public record Throttle(int consecutiveStartFailures, Instant notBefore) {
    public static final Throttle NONE = new Throttle(0, null);
  }

  /**
   * @param instances every container instance of the cluster by id (DAEMON targets the ACTIVE ones; DRAINING ones
   *     lose their service tasks)
   * @param steady whether the last decision reported a steady state (so the event is said once per arrival)
   * @param newDeploymentId the id a deployment created by this decision (a rollback) must take
   */
  public record Input(Spec spec, List<Deployment> deployments, List<ServiceTask> tasks,
      Map<String, Instance> instances, Throttle throttle, boolean steady, Duration lostHostTimeout,
      String newDeploymentId, Instant now) {}

  /** Start {@code count} tasks of a deployment; {@code instanceId} pins a DAEMON task to its instance. */
  public record Launch(String deploymentId, String taskDefinitionArn, int count, Optional<String> instanceId) {}

  /** Stop one task; stopCode is ServiceSchedulerInitiated, the reason is what DescribeTasks shows. */
  public record StopOrder(String taskId, String stopCode, String reason) {}

  /** A service event (DescribeServices events / ECS Service Action), e.g. SERVICE_STEADY_STATE, INFO. */
  public record ServiceMessage(String eventName, String eventType, String message) {}

  /**
   * @param deployments the deployments after this decision (status, rollout state, failed counts changed; a
   *     rollback appends the new PRIMARY with {@link Input#newDeploymentId}; drained ACTIVE ones become INACTIVE)
   * @param wakeAt when the entity should reconcile again without news (throttle end, grace end, lost-host timeout)
   */
  public record Decision(List<Launch> launches, List<StopOrder> stops, List<Deployment> deployments,
      List<ServiceMessage> messages, List<String> forget, Throttle throttle, boolean steady,
      Optional<Instant> wakeAt) {

    public boolean changesNothing(Input input) {
      return launches.isEmpty() && stops.isEmpty() && messages.isEmpty() && forget.isEmpty()
          && deployments.equals(input.deployments()) && throttle.equals(input.throttle()) && steady == input.steady();
    }
  }

  /** The decision for this input. Placeholder until the reconciler lands: it decides nothing. */
  public static Decision reconcile(Input input) {
    return new Decision(List.of(), List.of(), input.deployments(), List.of(), List.of(), input.throttle(),
        input.steady(), Optional.empty());
  }
}
