package io.harbormaster.service;

import static io.harbormaster.service.Service.STOP_CODE;
import static io.harbormaster.service.Service.group;
import static io.harbormaster.service.Service.newDeploymentId;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.Rejection;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.placement.LaunchRequest;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.Effects;
import io.harbormaster.service.Service.LaunchedTask;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceStatus;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.Service.TaskReport;
import io.harbormaster.service.Service.TaskStopOrdered;
import io.harbormaster.service.Service.TrackedTask;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What a service does to the world, as a non-persistent child of its {@link Service} entity (so it
 * lives and dies with the entity, its passivation and its recovery): it runs the pure {@link
 * ServiceReconciler} on every task notification and on a timer, carries decisions out (launches
 * through the cluster's placement and Task entities, stops through Task.Stop), asks live tasks for
 * their state so a lost notification heals, and sends the entity what it decided and learned to
 * record. The counters that pace these steps live here; none of them is worth persisting.
 *
 * <p>The protocol with the entity, chosen so the controller can never act on a state the entity
 * does not have: the entity pushes {@link StateChanged} (the new view and the events that made it)
 * after every write, and this controller carries out the stops those events ordered. Everything it
 * wants recorded goes to the entity as a {@code Record*} command whose reply comes back here after
 * the write; a decision names the state version it was made from, and the entity refuses it if its
 * state moved on meanwhile (an API call, a report written in between), so the reconciler runs again
 * on the new state instead of launching for an old one. Replies and pushes travel the same way
 * (entity to child), so the view here is the entity's own as of each reply.
 */
final class ServiceController extends AbstractBehavior<ServiceController.Command> {

  // ---- protocol ----
  /**
   * Local messages only (the controller is its entity's child); serializable like the entity's own
   * commands, whose replies some of them are.
   */
  interface Command extends CborSerializable {}

  /** The entity wrote {@code events}; {@code view} is its state now. */
  record StateChanged(ServiceView view, List<Service.Event> events) implements Command {}

  /** Look at the world again now. */
  record Reconcile() implements Command {}

  /**
   * One of the service's tasks changed (a Task entity's notification, or the answer of a refresh).
   */
  record TaskChanged(TaskReport report) implements Command {}

  /**
   * The entity's answer to {@link Service.RecordDecision}: recorded, or refused because its state
   * is no longer the one the decision was made from ({@code view}).
   */
  record DecisionRecorded(Decision decision, boolean recorded, ServiceView view)
      implements Command {}

  /** The entity's answer to {@link Service.RecordLaunch}. */
  record LaunchRecorded(List<String> taskIds, boolean recorded) implements Command {}

  /** The entity's answer to {@link Service.RecordTaskReports}. */
  record ReportsRecorded(boolean decideAgain) implements Command {}

  private record Tick() implements Command {}

  private record RefreshTasks() implements Command {}

  private record InstancesLoaded(Map<String, Instance> instances, String error)
      implements Command {}

  private record LaunchAnswered(
      String deploymentId, List<TaskSpecFor> placed, String placementFailure, String error)
      implements Command {}

  private record TaskLookedUp(String taskId, Optional<TaskReport> report) implements Command {}

  /** Send the task reports that came in since the last write (see {@link #unrecordedReports}). */
  private record RecordTaskReports() implements Command {}

  private record RecreateFailed(String taskId, String reason) implements Command {}

  /**
   * A controller for a service in {@code view}; restarted after a failure, with backoff so a fault
   * that repeats does not spin (its first decision then learns the entity's state from the
   * refusal).
   */
  static Behavior<Command> create(
      String entityId,
      ServiceView view,
      ActorRef<Service.Command> entity,
      ServiceSettings settings,
      Effects effects,
      Function<Input, Decision> reconciler,
      Clock clock) {
    Behavior<Command> controller =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      ServiceController c =
                          new ServiceController(
                              entityId,
                              view,
                              entity,
                              settings,
                              effects,
                              reconciler,
                              ctx,
                              timers,
                              clock);
                      return c.start();
                    }));
    return Behaviors.supervise(controller)
        .onFailure(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  private final String entityId;
  private final String accountId;
  private final String clusterName;
  private final String serviceName;
  private final ActorRef<Service.Command> entity;
  private final ServiceSettings settings;
  private final Effects effects;
  private final Function<Input, Decision> reconciler;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final Clock clock;

  /** The entity's state as of the last message from it. */
  private ServiceView view;

  /**
   * Steps in flight (loading instances and deciding, launches): a new decision waits for them, so
   * nothing is launched twice.
   */
  private int outstanding;

  private boolean reconcileWanted;

  /**
   * When a step last started or finished. A step whose answer never arrives (a full stash drops
   * messages) would otherwise keep every later decision waiting for good: the tick gives such steps
   * up (see {@link #stepsStuck}).
   */
  private Instant lastStepProgress = Instant.EPOCH;

  /**
   * From loading instances until the entity answered the decision: task reports wait, so the
   * decision is recorded on the state it was made from.
   */
  private boolean deciding;

  /** Task reports sent to the entity and not answered yet; when they were sent. */
  private Instant reportsSentAt;

  /**
   * Task reports not recorded yet, the newest per task. The first one queues a {@link
   * RecordTaskReports}; reports that arrive before it is handled or while a write is under way go
   * into the same write, so a burst of task changes costs a few writes instead of one each. Lost
   * with the actor, like any notification: the refresh after recovery asks every live task again.
   */
  private final Map<String, TaskReport> unrecordedReports = new LinkedHashMap<>();

  /** Tasks placed and reserved whose launch the entity is recording: created once it has. */
  private final Map<String, TaskSpec> awaitingRecord = new HashMap<>();

  private ServiceController(
      String entityId,
      ServiceView view,
      ActorRef<Service.Command> entity,
      ServiceSettings settings,
      Effects effects,
      Function<Input, Decision> reconciler,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      Clock clock) {
    super(ctx);
    this.entityId = entityId;
    String[] parts = entityId.split("/", 3);
    this.accountId = parts[0];
    this.clusterName = parts[1];
    this.serviceName = parts[2];
    this.view = view;
    this.entity = entity;
    this.settings = settings;
    this.effects = effects;
    this.reconciler = reconciler;
    this.ctx = ctx;
    this.timers = timers;
    this.clock = clock;
  }

  /**
   * A live service heals from its tasks (level-triggered) and reconciles at once; an INACTIVE one
   * stops.
   */
  private Behavior<Command> start() {
    if (view.status() == ServiceStatus.INACTIVE) return inactivated();
    timers.startTimerWithFixedDelay("tick", new Tick(), settings.reconcileInterval());
    timers.startTimerWithFixedDelay("refresh", new RefreshTasks(), settings.taskRefreshInterval());
    ctx.getSelf().tell(new RefreshTasks());
    ctx.getSelf().tell(new Reconcile());
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StateChanged.class, this::stateChanged)
        .onMessage(TaskChanged.class, c -> taskChanged(c.report()))
        .onMessage(RecordTaskReports.class, c -> sendReports())
        .onMessage(ReportsRecorded.class, this::reportsRecorded)
        .onMessage(
            Reconcile.class,
            c -> {
              startReconcile(view);
              return this;
            })
        .onMessage(Tick.class, c -> tick(view))
        .onMessage(
            RefreshTasks.class,
            c -> {
              refresh(view);
              return this;
            })
        .onMessage(InstancesLoaded.class, this::decide)
        .onMessage(DecisionRecorded.class, this::decisionRecorded)
        .onMessage(LaunchAnswered.class, this::launched)
        .onMessage(LaunchRecorded.class, this::launchRecorded)
        .onMessage(TaskLookedUp.class, this::lookedUp)
        .onMessage(RecreateFailed.class, this::recreateFailed)
        .build();
  }

  // ---- what the entity recorded ----
  private Behavior<Command> stateChanged(StateChanged c) {
    view = c.view();
    for (Service.Event e : c.events()) {
      if (e instanceof TaskStopOrdered stop)
        effects.stopTask(accountId, clusterName, stop.taskId(), stop.stopCode(), stop.reason());
    }
    return view.status() == ServiceStatus.INACTIVE ? inactivated() : this;
  }

  /**
   * The service needs no controller any more (its timers go with it); the entity tells its cluster.
   */
  private Behavior<Command> inactivated() {
    return Behaviors.stopped();
  }

  // ---- task notifications ----
  private Behavior<Command> taskChanged(TaskReport report) {
    TrackedTask known = view.tasks().get(report.taskId());
    if (known == null || report.version() <= known.version()) return this; // not ours, or stale
    TaskReport waiting = unrecordedReports.get(report.taskId());
    if (waiting != null && report.version() <= waiting.version()) return this;
    if (unrecordedReports.isEmpty()) ctx.getSelf().tell(new RecordTaskReports());
    unrecordedReports.put(report.taskId(), report);
    return this;
  }

  /** One write at a time, and none while a decision is under way (see {@link #deciding}). */
  private Behavior<Command> sendReports() {
    if (unrecordedReports.isEmpty() || reportsSentAt != null || deciding) return this;
    entity.tell(
        new Service.RecordTaskReports(List.copyOf(unrecordedReports.values()), ctx.getSelf()));
    unrecordedReports.clear();
    reportsSentAt = clock.instant();
    return this;
  }

  private Behavior<Command> reportsRecorded(ReportsRecorded r) {
    reportsSentAt = null;
    sendReports();
    if (r.decideAgain()) startReconcile(view);
    return this;
  }

  // ---- reconciliation ----
  private Behavior<Command> tick(ServiceView view) {
    Instant now = clock.instant();
    if (reportsSentAt != null && reportsSentAt.plus(stuckAfter()).isBefore(now)) {
      ctx.getLog().warn("service {}: task reports unanswered since {}", entityId, reportsSentAt);
      reportsSentAt = null;
      sendReports();
    }
    if (view.status() == ServiceStatus.ACTIVE) {
      if (stepsStuck(now)) {
        ctx.getLog()
            .warn(
                "service {}: {} step(s) unanswered since {}; deciding again",
                entityId,
                outstanding,
                lastStepProgress);
        outstanding = 0;
        reconcileWanted = false;
        deciding = false;
        sendReports();
      }
      startReconcile(view);
      return this;
    }
    // DRAINING: stop orders that did not arrive are sent again; the refresh notices tasks that
    // stopped meanwhile.
    view.tasks().values().stream()
        .filter(t -> t.live() && t.task().desiredStopped())
        .forEach(
            t ->
                effects.stopTask(
                    accountId,
                    clusterName,
                    t.task().taskId(),
                    STOP_CODE,
                    t.stopReason() != null ? t.stopReason() : "Service deleted"));
    return this;
  }

  /**
   * Every step's answer comes within the ask timeout (seconds); six reconcile intervals (a minute
   * by default) without one means it was lost.
   */
  private boolean stepsStuck(Instant now) {
    return outstanding > 0 && lastStepProgress.plus(stuckAfter()).isBefore(now);
  }

  private Duration stuckAfter() {
    return settings.reconcileInterval().multipliedBy(6);
  }

  private void startReconcile(ServiceView view) {
    if (outstanding > 0) {
      reconcileWanted = true;
      return;
    }
    outstanding++;
    deciding = true;
    lastStepProgress = clock.instant();
    ctx.pipeToSelf(
        effects.instances(accountId, clusterName, instancesInUse(view)),
        (instances, failure) ->
            failure == null
                ? new InstancesLoaded(instances, null)
                : new InstancesLoaded(Map.of(), String.valueOf(failure.getMessage())));
  }

  private static Set<String> instancesInUse(ServiceView view) {
    return view.tasks().values().stream()
        .filter(TrackedTask::live)
        .map(t -> t.task().instanceId())
        .filter(java.util.Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private void stepDone() {
    outstanding = Math.max(0, outstanding - 1);
    lastStepProgress = clock.instant();
    if (outstanding == 0 && reconcileWanted) {
      reconcileWanted = false;
      ctx.getSelf().tell(new Reconcile());
    }
  }

  private Behavior<Command> decide(InstancesLoaded loaded) {
    if (loaded.error() != null || view.status() != ServiceStatus.ACTIVE) {
      if (loaded.error() != null)
        ctx.getLog().info("service {}: instances unavailable: {}", entityId, loaded.error());
      decided();
      stepDone();
      return this;
    }
    Instant now = clock.instant();
    Input input = inputOf(view, loaded.instances(), now);
    Decision decision = reconciler.apply(input);
    decision
        .wakeAt()
        .ifPresent(
            at ->
                timers.startSingleTimer(
                    "wake",
                    new Reconcile(),
                    Duration.between(now, at).isNegative()
                        ? Duration.ZERO
                        : Duration.between(now, at)));
    int desired =
        view.spec().scheduling() == SchedulingStrategy.DAEMON
            ? ServiceReconciler.desiredCount(input)
            : view.spec().desiredCount();
    entity.tell(new Service.RecordDecision(decision, desired, now, view.version(), ctx.getSelf()));
    return this;
  }

  /**
   * The decision's stops were carried out when its events arrived ({@link StateChanged}); its
   * launches start now. A refused decision is made again on the entity's state.
   */
  private Behavior<Command> decisionRecorded(DecisionRecorded r) {
    view = r.view();
    decided();
    if (r.recorded()) {
      launchAll(view, r.decision());
    } else {
      reconcileWanted = true;
      stepDone();
    }
    return this;
  }

  private void decided() {
    deciding = false;
    sendReports();
  }

  /**
   * Starts the decision's launches, at most {@code launchBatchSize} tasks; the rest are launched by
   * the reconcile that follows once these are recorded. The decision's own step ends here, each
   * launch is a step of its own.
   */
  private void launchAll(ServiceView view, Decision decision) {
    int budget = settings.launchBatchSize();
    for (Launch launch : decision.launches()) {
      if (launch.count() <= 0) continue;
      if (budget <= 0) {
        reconcileWanted = true;
        break;
      }
      int count = Math.min(launch.count(), budget);
      if (count < launch.count()) reconcileWanted = true;
      budget -= count;
      launch(
          view,
          count == launch.count()
              ? launch
              : new Launch(
                  launch.deploymentId(), launch.taskDefinitionArn(), count, launch.instanceId()));
    }
    stepDone();
  }

  private Input inputOf(ServiceView view, Map<String, Instance> instances, Instant now) {
    ServiceSpec spec = view.spec();
    DeploymentSettings d = spec.deploymentConfiguration();
    int desired =
        spec.scheduling() == SchedulingStrategy.DAEMON
            ? (int)
                instances.values().stream()
                    .filter(i -> i.status() == ContainerInstance.Status.ACTIVE)
                    .count()
            : spec.desiredCount();
    Duration grace =
        Duration.ofSeconds(
            spec.healthCheckGracePeriodSeconds() == null
                ? 0
                : spec.healthCheckGracePeriodSeconds());
    ServiceReconciler.Spec reconcilerSpec =
        new ServiceReconciler.Spec(
            spec.serviceName(),
            spec.scheduling(),
            desired,
            d.minimumHealthyPercent(),
            d.maximumPercent(),
            d.circuitBreakerEnabled(),
            d.rollback(),
            grace);
    List<ServiceTask> tasks = view.tasks().values().stream().map(TrackedTask::task).toList();
    return new Input(
        reconcilerSpec,
        view.deployments(),
        tasks,
        instances,
        view.throttle(),
        view.steady(),
        settings.lostHostTimeout(),
        newDeploymentId(),
        now);
  }

  // ---- launches ----
  /** A task spec carried from placement to creation. */
  private record TaskSpecFor(String taskId, TaskSpec spec) {}

  private void launch(ServiceView view, Launch launch) {
    outstanding++;
    lastStepProgress = clock.instant();
    String deploymentId = launch.deploymentId();
    ServiceSpec spec = view.spec();
    TaskLauncher launcher = effects.launcher();
    CompletionStage<LaunchAnswered> answered =
        CompletableFuture.completedFuture(launch)
            .thenApply(
                l ->
                    LaunchRequest.forService(
                        accountId,
                        clusterName,
                        l.taskDefinitionArn(),
                        l.count(),
                        l.instanceId(),
                        group(serviceName),
                        deploymentId,
                        spec.placementConstraints(),
                        spec.placementStrategy(),
                        spec.launchType(),
                        spec.networkConfiguration(),
                        spec.capacityProviderStrategy()))
            .thenCompose(launcher::prepare)
            .thenCompose(launcher::place)
            .thenApply(
                placement ->
                    new LaunchAnswered(
                        deploymentId,
                        placement.placed().stream()
                            .map(p -> new TaskSpecFor(p.taskId(), p.spec()))
                            .toList(),
                        placement.allPlaced()
                            ? null
                            : "(service "
                                + serviceName
                                + ") was unable to place a task because no container instance met"
                                + " all of its requirements. Reason: "
                                + sentence(placement.reasons()),
                        null));
    ctx.pipeToSelf(
        answered,
        (a, failure) ->
            failure == null
                ? a
                : new LaunchAnswered(deploymentId, List.of(), null, reason(failure)));
  }

  private static String reason(Throwable failure) {
    return Rejection.of(failure)
        .map(Rejection::message)
        .orElse(
            failure.getCause() != null
                ? String.valueOf(failure.getCause().getMessage())
                : String.valueOf(failure.getMessage()));
  }

  /**
   * Placed and reserved tasks are recorded (with their instances) before any Task entity is
   * created, so a crash never loses track of a task nor launches twice.
   */
  private Behavior<Command> launched(LaunchAnswered a) {
    if (a.error() != null) ctx.getLog().warn("service {}: launch failed: {}", entityId, a.error());
    if (a.placed().isEmpty() && a.placementFailure() == null) {
      stepDone();
      return this;
    }
    for (TaskSpecFor p : a.placed()) awaitingRecord.put(p.taskId(), p.spec());
    entity.tell(
        new Service.RecordLaunch(
            a.deploymentId(),
            a.placed().stream()
                .map(p -> new LaunchedTask(p.taskId(), p.spec().containerInstanceId()))
                .toList(),
            a.placementFailure(),
            ctx.getSelf()));
    return this;
  }

  private Behavior<Command> launchRecorded(LaunchRecorded r) {
    for (String taskId : r.taskIds()) {
      TaskSpec spec = awaitingRecord.remove(taskId);
      if (r.recorded() && spec != null) createTask(taskId, spec);
    }
    stepDone();
    return this;
  }

  private void createTask(String taskId, TaskSpec spec) {
    ctx.pipeToSelf(
        effects.createTask(accountId, clusterName, taskId, spec),
        (report, failure) -> {
          if (failure != null) {
            // The refresh finds the task missing and creates it again (or gives it up).
            ctx.getLog()
                .info(
                    "service {}: task {} not created yet: {}",
                    entityId,
                    taskId,
                    failure.getMessage());
            return new TaskLookedUp(taskId, Optional.empty());
          }
          return new TaskChanged(report);
        });
  }

  // ---- healing ----
  private void refresh(ServiceView view) {
    for (TrackedTask t : view.tasks().values()) {
      if (!t.live()) continue;
      String taskId = t.task().taskId();
      ctx.pipeToSelf(
          effects.task(accountId, clusterName, taskId),
          (report, failure) ->
              failure == null ? new TaskLookedUp(taskId, report) : new Reconcile());
    }
  }

  private Behavior<Command> lookedUp(TaskLookedUp m) {
    TrackedTask known = view.tasks().get(m.taskId());
    if (known == null || !known.live()) return this;
    if (m.report().isPresent()) {
      TaskReport report = m.report().get();
      // A stop the task never received, or one it received but whose order to the agent was lost (a
      // control plane killed in between): the task passes a repeated order on, so sending it again
      // heals both.
      if (known.task().desiredStopped() && report.lastStatus() != TaskStatus.STOPPED) {
        effects.stopTask(
            accountId,
            clusterName,
            m.taskId(),
            STOP_CODE,
            known.stopReason() != null
                ? known.stopReason()
                : "Task stopped by the service scheduler");
      }
      return taskChanged(report);
    }
    Instant now = clock.instant();
    if (known.task().desiredStopped()) {
      // Ordered to stop before it was ever created: it is stopped.
      return recordStopped(known, STOP_CODE, known.stopReason());
    }
    if (known.launchedAt().plus(settings.recreateAfter()).isBefore(now)) recreate(view, known);
    return this;
  }

  /**
   * A launch was recorded but its Task entity never created (a crash in between): reserve again,
   * create again with the same id. Only a refused reservation gives the task up (it never existed,
   * so nothing runs); a failure to get an answer is tried again at the next refresh.
   */
  private void recreate(ServiceView view, TrackedTask known) {
    String taskId = known.task().taskId();
    String instanceId = known.task().instanceId();
    String arn =
        view.deployments().stream()
            .filter(d -> d.id().equals(known.task().deploymentId()))
            .map(Deployment::taskDefinitionArn)
            .findFirst()
            .orElse(view.spec().taskDefinitionArn());
    TaskLauncher launcher = effects.launcher();
    CompletionStage<Command> created =
        CompletableFuture.completedFuture(arn)
            .thenApply(
                a ->
                    LaunchRequest.serviceTaskAgain(
                        accountId,
                        clusterName,
                        a,
                        taskId,
                        instanceId,
                        group(serviceName),
                        known.task().deploymentId(),
                        view.spec().launchType(),
                        view.spec().networkConfiguration()))
            .thenCompose(launcher::launch)
            .thenApply(
                launched ->
                    launched.tasks().isEmpty()
                        ? new RecreateFailed(taskId, launched.failures().get(0).reason())
                        : new TaskChanged(TaskReport.of(launched.tasks().get(0))));
    ctx.pipeToSelf(
        created,
        (next, failure) -> {
          if (failure == null) return next;
          ctx.getLog()
              .info(
                  "service {}: task {} not created again yet: {}",
                  entityId,
                  taskId,
                  failure.getMessage());
          return new Reconcile();
        });
  }

  private Behavior<Command> recreateFailed(RecreateFailed m) {
    TrackedTask known = view.tasks().get(m.taskId());
    if (known == null || !known.live()) return this;
    return recordStopped(
        known,
        "TaskFailedToStart",
        "The task could not be started after a control-plane restart: " + m.reason());
  }

  /** A task that never ran, reported as stopped on its behalf. */
  private Behavior<Command> recordStopped(TrackedTask known, String stopCode, String reason) {
    ServiceTask t = known.task();
    TaskReport stopped =
        new TaskReport(
            t.taskId(),
            t.instanceId(),
            TaskStatus.STOPPED,
            true,
            t.health(),
            t.startedAt(),
            stopCode,
            reason,
            known.version() + 1);
    return taskChanged(stopped);
  }

  /** A reason as the end of a sentence: one full stop, not two. */
  private static String sentence(String reason) {
    return reason.endsWith(".") ? reason : reason + ".";
  }
}
