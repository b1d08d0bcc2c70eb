package io.harbormaster.service;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Level-triggered service scheduling as a pure function: (desired spec, deployments, the service's
 * tasks, the cluster's instances, now) → what to launch, what to stop, how deployments move, and
 * the service events that say why. No Pekko, no clocks, no randomness: the Service entity supplies
 * {@code now} and the id a new deployment would get, persists the decision as events and carries it
 * out.
 *
 * <p>Contract shared by the entity and this function (do not change a record without changing both
 * sides):
 *
 * <ul>
 *   <li>{@link Input#tasks} holds every task the service launched that it has not yet forgotten,
 *       including STOPPED ones; a stopped task is seen here until a decision lists it in {@link
 *       Decision#forget} (after it has been counted for the circuit breaker and start throttling).
 *   <li>Launches are counts per deployment; the entity asks placement for them (DAEMON launches
 *       name the instance).
 *   <li>Stops are orders for tasks that are not yet desired-STOPPED; repeating an order is harmless
 *       but wasteful.
 *   <li>When UpdateService makes a new PRIMARY deployment, the entity resets {@link Throttle} to
 *       {@link Throttle#NONE} (a new task definition starts afresh); a rollback made here resets it
 *       here.
 *   <li>{@link Input#deployments} keeps INACTIVE deployments at least while one is the newest
 *       COMPLETED one: a circuit-breaker rollback returns to its task definition.
 *   <li>For DAEMON services {@link Spec#desiredCount} is ignored; {@link #desiredCount(Input)} says
 *       what to show.
 * </ul>
 */
public final class ServiceReconciler {
  private ServiceReconciler() {}

  public enum SchedulingStrategy {
    REPLICA,
    DAEMON
  }

  public enum DeploymentStatus {
    PRIMARY,
    ACTIVE,
    INACTIVE
  }

  public enum RolloutState {
    IN_PROGRESS,
    COMPLETED,
    FAILED
  }

  public enum TaskHealth {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN
  }

  /**
   * What the user asked for (CreateService / UpdateService). Percentages as given; rounding is done
   * here.
   */
  public record Spec(
      String serviceName,
      SchedulingStrategy scheduling,
      int desiredCount,
      int minimumHealthyPercent,
      int maximumPercent,
      boolean circuitBreakerEnabled,
      boolean rollback,
      Duration healthCheckGracePeriod) {}

  /**
   * One deployment as DescribeServices shows it. {@code failedTasks} counts tasks that failed for
   * the circuit breaker; the running/pending counts are derived from the tasks, not stored.
   */
  public record Deployment(
      String id,
      DeploymentStatus status,
      String taskDefinitionArn,
      RolloutState rolloutState,
      String rolloutStateReason,
      int failedTasks,
      Instant createdAt,
      Instant updatedAt) {}

  /**
   * A task the service launched, as it last reported. {@code startedAt} is null until the task
   * reached RUNNING; {@code stopCode} is set once the task stopped (TaskFailedToStart,
   * EssentialContainerExited, ...).
   */
  public record ServiceTask(
      String taskId,
      String deploymentId,
      String instanceId,
      TaskStatus lastStatus,
      boolean desiredStopped,
      TaskHealth health,
      Instant startedAt,
      String stopCode,
      String stoppedReason) {}

  /**
   * A container instance of the cluster. {@code disconnectedSince} is set while its agent is away;
   * after {@link Input#lostHostTimeout} the instance's tasks count as lost and are replaced
   * elsewhere.
   */
  public record Instance(
      String instanceId,
      ContainerInstance.Status status,
      boolean agentConnected,
      Instant disconnectedSince) {}

  /**
   * Start throttling: consecutive tasks that stopped without ever running, and when the next launch
   * may go.
   */
  public record Throttle(int consecutiveStartFailures, Instant notBefore) {
    public static final Throttle NONE = new Throttle(0, null);
  }

  /**
   * @param instances every container instance of the cluster by id (DAEMON targets the ACTIVE ones;
   *     DRAINING ones lose their service tasks)
   * @param steady whether the last decision reported a steady state (so the event is said once per
   *     arrival)
   * @param newDeploymentId the id a deployment created by this decision (a rollback) must take
   */
  public record Input(
      Spec spec,
      List<Deployment> deployments,
      List<ServiceTask> tasks,
      Map<String, Instance> instances,
      Throttle throttle,
      boolean steady,
      Duration lostHostTimeout,
      String newDeploymentId,
      Instant now) {}

  /**
   * Start {@code count} tasks of a deployment; {@code instanceId} pins a DAEMON task to its
   * instance.
   */
  public record Launch(
      String deploymentId, String taskDefinitionArn, int count, Optional<String> instanceId) {}

  /**
   * Stop one task; stopCode is ServiceSchedulerInitiated, the reason is what DescribeTasks shows.
   */
  public record StopOrder(String taskId, String stopCode, String reason) {}

  /**
   * A service event (DescribeServices events / ECS Service Action), e.g. SERVICE_STEADY_STATE,
   * INFO.
   */
  public record ServiceMessage(String eventName, String eventType, String message) {}

  /**
   * @param deployments the deployments after this decision (status, rollout state, failed counts
   *     changed; a rollback appends the new PRIMARY with {@link Input#newDeploymentId}; drained
   *     ACTIVE ones become INACTIVE)
   * @param wakeAt when the entity should reconcile again without news (throttle end, grace end,
   *     lost-host timeout)
   */
  public record Decision(
      List<Launch> launches,
      List<StopOrder> stops,
      List<Deployment> deployments,
      List<ServiceMessage> messages,
      List<String> forget,
      Throttle throttle,
      boolean steady,
      Optional<Instant> wakeAt) {

    public boolean changesNothing(Input input) {
      return launches.isEmpty()
          && stops.isEmpty()
          && messages.isEmpty()
          && forget.isEmpty()
          && deployments.equals(input.deployments())
          && throttle.equals(input.throttle())
          && steady == input.steady();
    }
  }

  /** The stop code of every order this function gives (DescribeTasks shows it). */
  public static final String STOP_CODE = "ServiceSchedulerInitiated";

  /** Event names of the {@link ServiceMessage}s this function says. */
  public static final String STEADY_STATE = "SERVICE_STEADY_STATE";

  public static final String TASK_START_IMPAIRED = "SERVICE_TASK_START_IMPAIRED";
  public static final String DEPLOYMENT_IN_PROGRESS = "SERVICE_DEPLOYMENT_IN_PROGRESS";
  public static final String DEPLOYMENT_COMPLETED = "SERVICE_DEPLOYMENT_COMPLETED";
  public static final String DEPLOYMENT_FAILED = "SERVICE_DEPLOYMENT_FAILED";

  /**
   * Not an ECS Service Action name: the "has stopped N running tasks" line of DescribeServices
   * events only.
   */
  public static final String TASKS_STOPPED = "SERVICE_TASKS_STOPPED";

  /** The stopped reason of a task replaced because it stayed UNHEALTHY past the grace period. */
  public static final String UNHEALTHY_REASON = "Task failed container health checks";

  /**
   * The decision for this input; the same input always gives the same decision. Rules, in the order
   * applied:
   *
   * <ol>
   *   <li>STOPPED tasks are counted and forgotten. One that never reached RUNNING and was not
   *       stopped by the scheduler or a user is a start failure: it adds to the consecutive count
   *       of {@link Throttle} and, on a PRIMARY IN_PROGRESS deployment, to its {@code failedTasks}.
   *       A task seen RUNNING since the throttle's {@code notBefore} resets the consecutive count
   *       first. See {@link ThrottleBackoff} for the waits.
   *   <li>A RUNNING task UNHEALTHY for longer than the grace period (from {@code startedAt}) is
   *       stopped and replaced; on a PRIMARY IN_PROGRESS deployment it counts as failed for the
   *       circuit breaker.
   *   <li>Circuit breaker (if enabled): the PRIMARY IN_PROGRESS deployment with {@code failedTasks}
   *       ≥ {@link RolloutBounds#circuitBreakerThreshold} becomes FAILED. With rollback and a
   *       COMPLETED deployment to return to, a new PRIMARY ({@link Input#newDeploymentId}) takes
   *       that deployment's task definition and the failed one becomes ACTIVE and is drained;
   *       otherwise the FAILED PRIMARY launches nothing more.
   *   <li>Tasks on a lost instance (agent away for {@link Input#lostHostTimeout}, or the instance
   *       gone) no longer count and are ordered to stop, so the stale copies stop when the agent
   *       returns; PENDING tasks on a DRAINING instance are stopped at once.
   *   <li>Launches for the PRIMARY deployment up to the desired count, never taking the non-stopped
   *       tasks (of any deployment, those already ordered to stop included, lost ones excluded)
   *       above {@link RolloutBounds#maxTotal}; none while throttled.
   *   <li>Voluntary stops of tasks that must go (older deployments, DRAINING instances, more than
   *       desired): tasks that are not healthy go first and freely, healthy ones only while the
   *       healthy RUNNING tasks stay at or above {@link RolloutBounds#minHealthy}. Among tasks the
   *       PRIMARY has too many of, the order is not yet RUNNING, then RUNNING but not healthy, then
   *       healthy newest first (by {@code startedAt}).
   *   <li>Older ACTIVE deployments without non-stopped tasks become INACTIVE. When only the
   *       PRIMARY's desired tasks are left, all healthy and RUNNING, and this decision launches and
   *       stops nothing, the service is steady (said once per arrival) and an IN_PROGRESS PRIMARY
   *       is COMPLETED.
   * </ol>
   *
   * A task counts as healthy when it is RUNNING, not on its way to STOPPED, and its health is not
   * UNHEALTHY (a task without health checks stays UNKNOWN). DAEMON services treat each ACTIVE,
   * non-lost instance as one slot: the desired count is the number of those instances and launches
   * name the instance.
   */
  public static Decision reconcile(Input input) {
    return new Pass(input).decide();
  }

  /**
   * The desired count DescribeServices shows: the spec's for REPLICA, the eligible instances for
   * DAEMON.
   */
  public static int desiredCount(Input input) {
    return new Pass(input).desired();
  }

  /** Where a task's instance leaves it. */
  private enum Place {
    ACTIVE,
    DRAINING,
    LOST
  }

  /** One reconciliation: reads the input, collects the decision. Lives for a single call. */
  private static final class Pass {
    private final Input in;
    private final Spec spec;
    private final Instant now;
    private final List<ServiceTask> tasks;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final List<Launch> launches = new ArrayList<>();
    private final List<StopOrder> stops = new ArrayList<>();
    private final Set<String> ordered = new HashSet<>();
    private final List<ServiceMessage> messages = new ArrayList<>();
    private final List<String> forget = new ArrayList<>();
    private final List<Instant> wakes = new ArrayList<>();
    private final Map<String, Place> places = new HashMap<>();
    private Throttle throttle;

    Pass(Input in) {
      this.in = in;
      this.spec = in.spec();
      this.now = in.now();
      List<ServiceTask> sorted = new ArrayList<>(in.tasks());
      sorted.sort(Comparator.comparing(ServiceTask::taskId));
      this.tasks = sorted;
      for (Deployment d : in.deployments()) deployments.put(d.id(), d);
      this.throttle = in.throttle() == null ? Throttle.NONE : in.throttle();
    }

    Decision decide() {
      countStoppedTasks();
      replaceUnhealthy();
      tripCircuitBreaker();
      stopLostAndDrainingPending();
      Optional<Deployment> primary = primary();
      boolean launching =
          primary.isPresent() && primary.get().rolloutState() != RolloutState.FAILED;
      if (launching) {
        switch (spec.scheduling()) {
          case REPLICA -> replica(primary.get());
          case DAEMON -> daemon(primary.get());
        }
      }
      retireDrainedDeployments();
      boolean steady = launching && launches.isEmpty() && stops.isEmpty() && settled(primary.get());
      if (steady && primary.get().rolloutState() == RolloutState.IN_PROGRESS) {
        Deployment p = primary.get();
        deployments.put(
            p.id(),
            withRollout(p, RolloutState.COMPLETED, "ECS deployment " + p.id() + " completed."));
        say(DEPLOYMENT_COMPLETED, "INFO", "(deployment " + p.id() + ") deployment completed.");
      }
      if (steady && !in.steady()) say(STEADY_STATE, "INFO", "has reached a steady state.");
      if (!stops.isEmpty()) {
        StringBuilder ids = new StringBuilder();
        for (StopOrder s : stops) ids.append(" (task ").append(s.taskId()).append(')');
        say(TASKS_STOPPED, "INFO", "has stopped " + stops.size() + " running tasks:" + ids + ".");
      }
      Optional<Instant> wakeAt =
          wakes.stream().filter(now::isBefore).min(Comparator.naturalOrder());
      return new Decision(
          List.copyOf(launches),
          List.copyOf(stops),
          List.copyOf(deployments.values()),
          List.copyOf(messages),
          List.copyOf(forget),
          throttle,
          steady,
          wakeAt);
    }

    int desired() {
      return switch (spec.scheduling()) {
        case REPLICA -> Math.max(0, spec.desiredCount());
        case DAEMON -> eligibleInstances().size();
      };
    }

    // ---- rules 1-4: accounting and forced stops ----

    private void countStoppedTasks() {
      Instant since = throttle.notBefore();
      if (throttle.consecutiveStartFailures() > 0
          && since != null
          && tasks.stream()
              .anyMatch(t -> t.startedAt() != null && !t.startedAt().isBefore(since))) {
        throttle = Throttle.NONE;
      }
      int failures = 0;
      for (ServiceTask t : tasks) {
        if (t.lastStatus() != TaskStatus.STOPPED) continue;
        forget.add(t.taskId());
        if (failedToStart(t)) {
          failures++;
          countFailure(t);
        }
      }
      if (failures > 0) {
        int consecutive = throttle.consecutiveStartFailures() + failures;
        Duration delay = ThrottleBackoff.delayAfter(consecutive);
        throttle = new Throttle(consecutive, now.plus(delay));
        if (!delay.isZero())
          say(TASK_START_IMPAIRED, "WARN", "is unable to consistently start tasks successfully.");
      }
    }

    private static boolean failedToStart(ServiceTask t) {
      return t.startedAt() == null
          && !STOP_CODE.equals(t.stopCode())
          && !"UserInitiated".equals(t.stopCode());
    }

    /**
     * A failure counts for the circuit breaker only while its deployment is the PRIMARY being
     * rolled out.
     */
    private void countFailure(ServiceTask t) {
      Deployment d = deployments.get(t.deploymentId());
      if (d == null
          || d.status() != DeploymentStatus.PRIMARY
          || d.rolloutState() != RolloutState.IN_PROGRESS) return;
      deployments.put(
          d.id(),
          new Deployment(
              d.id(),
              d.status(),
              d.taskDefinitionArn(),
              d.rolloutState(),
              d.rolloutStateReason(),
              d.failedTasks() + 1,
              d.createdAt(),
              now));
    }

    private void replaceUnhealthy() {
      for (ServiceTask t : tasks) {
        if (!live(t)
            || stopping(t)
            || t.lastStatus() != TaskStatus.RUNNING
            || t.health() != TaskHealth.UNHEALTHY) {
          continue;
        }
        Instant graceEnd = t.startedAt() == null ? now : t.startedAt().plus(grace());
        if (now.isBefore(graceEnd)) {
          wakes.add(graceEnd);
        } else {
          stop(t, UNHEALTHY_REASON);
          countFailure(t);
        }
      }
    }

    private void tripCircuitBreaker() {
      Optional<Deployment> primary = primary();
      if (!spec.circuitBreakerEnabled() || primary.isEmpty()) return;
      Deployment p = primary.get();
      if (p.rolloutState() != RolloutState.IN_PROGRESS
          || p.failedTasks() < RolloutBounds.circuitBreakerThreshold(desired())) {
        return;
      }
      boolean startFailures =
          tasks.stream()
              .anyMatch(
                  t ->
                      t.lastStatus() == TaskStatus.STOPPED
                          && failedToStart(t)
                          && p.id().equals(t.deploymentId()));
      String what = startFailures ? "tasks failed to start." : "tasks failed health checks.";
      Optional<Deployment> target =
          spec.rollback() && in.newDeploymentId() != null
              ? lastCompleted(p.id())
              : Optional.empty();
      Deployment failed =
          new Deployment(
              p.id(),
              target.isPresent() ? DeploymentStatus.ACTIVE : DeploymentStatus.PRIMARY,
              p.taskDefinitionArn(),
              RolloutState.FAILED,
              "ECS deployment circuit breaker: " + what,
              p.failedTasks(),
              p.createdAt(),
              now);
      deployments.put(p.id(), failed);
      say(DEPLOYMENT_FAILED, "ERROR", "(deployment " + p.id() + ") deployment failed: " + what);
      if (target.isPresent()) {
        String id = in.newDeploymentId();
        deployments.put(
            id,
            new Deployment(
                id,
                DeploymentStatus.PRIMARY,
                target.get().taskDefinitionArn(),
                RolloutState.IN_PROGRESS,
                "ECS deployment circuit breaker: rolling back from failed deployment "
                    + p.id()
                    + " to the task definition of deployment "
                    + target.get().id()
                    + ".",
                0,
                now,
                now));
        say(
            DEPLOYMENT_IN_PROGRESS,
            "INFO",
            "(deployment "
                + id
                + ") rolling back from failed deployment "
                + p.id()
                + " to "
                + target.get().taskDefinitionArn()
                + ".");
        // a new task definition starts the throttle afresh
        throttle = Throttle.NONE;
      }
    }

    /** The newest COMPLETED deployment other than the failing one (INACTIVE ones included). */
    private Optional<Deployment> lastCompleted(String failingId) {
      Deployment best = null;
      for (Deployment d : deployments.values()) {
        if (d.id().equals(failingId) || d.rolloutState() != RolloutState.COMPLETED) continue;
        if (best == null
            || d.createdAt() == null
            || best.createdAt() == null
            || !d.createdAt().isBefore(best.createdAt())) {
          best = d;
        }
      }
      return Optional.ofNullable(best);
    }

    private void stopLostAndDrainingPending() {
      Set<String> watched = new TreeSet<>();
      for (ServiceTask t : tasks) {
        if (t.lastStatus() == TaskStatus.STOPPED) continue;
        Place place = place(t.instanceId());
        if (place == Place.LOST) {
          if (!t.desiredStopped() && !ordered.contains(t.taskId())) {
            stop(t, "The agent of container instance " + t.instanceId() + " was lost");
          }
        } else if (place == Place.DRAINING
            && !stopping(t)
            && t.lastStatus().compareTo(TaskStatus.RUNNING) < 0) {
          stop(t, "Container instance " + t.instanceId() + " is draining");
        } else if (t.instanceId() != null) {
          watched.add(t.instanceId());
        }
      }
      // an agent away, not yet lost, with tasks of ours: look again when it would count as lost
      for (String id : watched) {
        Instance i = in.instances().get(id);
        if (i != null
            && !i.agentConnected()
            && i.disconnectedSince() != null
            && in.lostHostTimeout() != null) {
          wakes.add(i.disconnectedSince().plus(in.lostHostTimeout()));
        }
      }
    }

    // ---- rules 5-6: launches and voluntary stops ----

    private void replica(Deployment primary) {
      RolloutBounds bounds =
          RolloutBounds.of(desired(), spec.minimumHealthyPercent(), spec.maximumPercent());
      List<ServiceTask> keepers = new ArrayList<>();
      List<ServiceTask> leavers = new ArrayList<>();
      for (ServiceTask t : tasks) {
        if (!live(t) || stopping(t)) continue;
        boolean keeper =
            primary.id().equals(t.deploymentId()) && place(t.instanceId()) == Place.ACTIVE;
        (keeper ? keepers : leavers).add(t);
      }
      int missing = bounds.desired() - keepers.size();
      int room = bounds.maxTotal() - liveCount();
      int count = Math.min(missing, room);
      if (count > 0 && mayLaunch()) {
        launches.add(
            new Launch(primary.id(), primary.taskDefinitionArn(), count, Optional.empty()));
      }
      List<ServiceTask> candidates = new ArrayList<>(leavers);
      if (missing < 0) {
        List<ServiceTask> surplus = new ArrayList<>(keepers);
        surplus.sort(SCALE_DOWN_ORDER);
        candidates.addAll(surplus.subList(0, -missing));
      }
      stopWithinMinimum(candidates, bounds, primary, t -> false);
    }

    private void daemon(Deployment primary) {
      List<String> eligible = eligibleInstances();
      Set<String> eligibleSet = new HashSet<>(eligible);
      RolloutBounds bounds =
          RolloutBounds.of(eligible.size(), spec.minimumHealthyPercent(), spec.maximumPercent());
      Map<String, List<ServiceTask>> primaryOn = new HashMap<>();
      List<ServiceTask> candidates = new ArrayList<>();
      Set<String> occupied = new HashSet<>();
      for (ServiceTask t : tasks) {
        if (!live(t)) continue;
        if (t.instanceId() != null) occupied.add(t.instanceId());
        if (stopping(t)) continue;
        if (primary.id().equals(t.deploymentId()) && eligibleSet.contains(t.instanceId())) {
          primaryOn.computeIfAbsent(t.instanceId(), k -> new ArrayList<>()).add(t);
        } else {
          candidates.add(t);
        }
      }
      Set<String> served = new HashSet<>();
      for (Map.Entry<String, List<ServiceTask>> e : primaryOn.entrySet()) {
        List<ServiceTask> onInstance = new ArrayList<>(e.getValue());
        onInstance.sort(SCALE_DOWN_ORDER);
        // keep the one a scale-down would stop last; the others are surplus
        candidates.addAll(onInstance.subList(0, onInstance.size() - 1));
        ServiceTask kept = onInstance.get(onInstance.size() - 1);
        if (healthy(kept)) served.add(e.getKey());
      }
      List<String> targets = new ArrayList<>();
      for (String id : eligible) {
        if (!primaryOn.containsKey(id) && in.instances().get(id).agentConnected()) targets.add(id);
      }
      // free instances first: where an older copy still runs, a new one fits only if maximumPercent
      // allows both
      targets.sort(
          Comparator.comparing((String id) -> occupied.contains(id)).thenComparing(id -> id));
      int room = bounds.maxTotal() - liveCount();
      int count = Math.min(targets.size(), room);
      if (count > 0 && mayLaunch()) {
        for (String id : targets.subList(0, count)) {
          launches.add(new Launch(primary.id(), primary.taskDefinitionArn(), 1, Optional.of(id)));
        }
      }
      // an older copy whose instance already has a healthy new one goes first
      stopWithinMinimum(candidates, bounds, primary, t -> served.contains(t.instanceId()));
    }

    /**
     * Stops the candidates: those not healthy at once, healthy ones while the healthy count stays
     * at or above the minimum ({@code replaced} ones first, then older deployments before the
     * PRIMARY's surplus).
     */
    private void stopWithinMinimum(
        List<ServiceTask> candidates,
        RolloutBounds bounds,
        Deployment primary,
        java.util.function.Predicate<ServiceTask> replaced) {
      if (candidates.isEmpty()) return;
      List<ServiceTask> order = new ArrayList<>(candidates);
      order.sort(
          Comparator.comparing((ServiceTask t) -> healthy(t))
              .thenComparing(t -> !replaced.test(t))
              .thenComparing(t -> primary.id().equals(t.deploymentId()))
              .thenComparing(SCALE_DOWN_ORDER));
      int healthy = (int) tasks.stream().filter(this::healthy).count();
      for (ServiceTask t : order) {
        if (healthy(t)) {
          if (healthy - 1 < bounds.minHealthy()) break;
          healthy--;
        }
        stop(
            t,
            place(t.instanceId()) == Place.DRAINING
                ? "Container instance " + t.instanceId() + " is draining"
                : "Scaling activity initiated by (deployment " + primary.id() + ")");
      }
    }

    private boolean mayLaunch() {
      Instant notBefore = throttle.notBefore();
      if (notBefore != null && now.isBefore(notBefore)) {
        wakes.add(notBefore);
        return false;
      }
      return true;
    }

    // ---- rule 7: deployments and steady state ----

    private void retireDrainedDeployments() {
      for (Deployment d : List.copyOf(deployments.values())) {
        if (d.status() != DeploymentStatus.ACTIVE) continue;
        if (tasks.stream().noneMatch(t -> live(t) && d.id().equals(t.deploymentId()))) {
          deployments.put(
              d.id(),
              new Deployment(
                  d.id(),
                  DeploymentStatus.INACTIVE,
                  d.taskDefinitionArn(),
                  d.rolloutState(),
                  d.rolloutStateReason(),
                  d.failedTasks(),
                  d.createdAt(),
                  now));
        }
      }
    }

    /**
     * Only the PRIMARY's desired tasks are left, each healthy (for DAEMON: one on every eligible
     * instance).
     */
    private boolean settled(Deployment primary) {
      List<ServiceTask> left = tasks.stream().filter(this::live).toList();
      if (left.size() != desired()) return false;
      Set<String> instances = new HashSet<>();
      for (ServiceTask t : left) {
        if (!primary.id().equals(t.deploymentId())
            || !healthy(t)
            || place(t.instanceId()) != Place.ACTIVE) {
          return false;
        }
        instances.add(t.instanceId());
      }
      return spec.scheduling() == SchedulingStrategy.REPLICA || instances.size() == left.size();
    }

    // ---- small reads ----

    private Optional<Deployment> primary() {
      return deployments.values().stream()
          .filter(d -> d.status() == DeploymentStatus.PRIMARY)
          .findFirst();
    }

    private Duration grace() {
      return spec.healthCheckGracePeriod() == null ? Duration.ZERO : spec.healthCheckGracePeriod();
    }

    private Place place(String instanceId) {
      if (instanceId == null) return Place.ACTIVE;
      return places.computeIfAbsent(instanceId, this::placeOf);
    }

    private Place placeOf(String instanceId) {
      Instance i = in.instances().get(instanceId);
      if (i == null) return Place.LOST;
      if (!i.agentConnected()
          && i.disconnectedSince() != null
          && in.lostHostTimeout() != null
          && !now.isBefore(i.disconnectedSince().plus(in.lostHostTimeout()))) {
        return Place.LOST;
      }
      if (i.status() == null) return Place.LOST;
      return switch (i.status()) {
        case ACTIVE -> Place.ACTIVE;
        case DRAINING -> Place.DRAINING;
        case INACTIVE -> Place.LOST;
      };
    }

    private List<String> eligibleInstances() {
      return in.instances().keySet().stream()
          .filter(id -> place(id) == Place.ACTIVE)
          .sorted()
          .toList();
    }

    /**
     * Not STOPPED and not on a lost instance: it still runs, or may, and counts against the
     * maximum.
     */
    private boolean live(ServiceTask t) {
      return t.lastStatus() != TaskStatus.STOPPED && place(t.instanceId()) != Place.LOST;
    }

    /**
     * On its way to STOPPED: ordered to stop (before or by this decision) or already past RUNNING.
     */
    private boolean stopping(ServiceTask t) {
      return t.desiredStopped()
          || t.lastStatus().isAfter(TaskStatus.RUNNING)
          || ordered.contains(t.taskId());
    }

    private boolean healthy(ServiceTask t) {
      return live(t)
          && !stopping(t)
          && t.lastStatus() == TaskStatus.RUNNING
          && t.health() != TaskHealth.UNHEALTHY;
    }

    private int liveCount() {
      return (int) tasks.stream().filter(this::live).count();
    }

    private void stop(ServiceTask t, String reason) {
      if (ordered.add(t.taskId())) stops.add(new StopOrder(t.taskId(), STOP_CODE, reason));
    }

    private void say(String eventName, String eventType, String text) {
      messages.add(
          new ServiceMessage(eventName, eventType, "(service " + spec.serviceName() + ") " + text));
    }

    private Deployment withRollout(Deployment d, RolloutState state, String reason) {
      return new Deployment(
          d.id(),
          d.status(),
          d.taskDefinitionArn(),
          state,
          reason,
          d.failedTasks(),
          d.createdAt(),
          now);
    }
  }

  /**
   * Which of a deployment's surplus tasks go first: not yet RUNNING, then RUNNING but not healthy,
   * then the newest healthy ones (an older task has proven itself; Kubernetes' ReplicaSet picks the
   * same way).
   */
  private static final Comparator<ServiceTask> SCALE_DOWN_ORDER =
      Comparator.comparing((ServiceTask t) -> t.lastStatus() == TaskStatus.RUNNING)
          .thenComparing(t -> t.health() != TaskHealth.UNHEALTHY)
          .thenComparing(
              ServiceTask::startedAt, Comparator.nullsFirst(Comparator.<Instant>reverseOrder()))
          .thenComparing(ServiceTask::taskId, Comparator.reverseOrder());
}
