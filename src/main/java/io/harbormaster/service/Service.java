package io.harbormaster.service;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceMessage;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.StopOrder;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.TaskResources;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An ECS service: its spec, deployments, the tasks it launched, start throttling, and every service
 * event it ever recorded. It runs the pure {@link ServiceReconciler} on every task notification and
 * on a timer, persists each decision as events (so the history says why each task was started or
 * stopped) and then carries it out: launches through the cluster's placement and Task entities,
 * stops through Task.Stop. A launch is persisted (task ids and instances) before any Task entity is
 * created, so a crash never loses track of a task nor launches twice; a periodic refresh asks the
 * live tasks for their state, so a lost notification or a task that was never created heals. Entity
 * id: {@code <account>/<cluster>/<serviceName>}.
 */
public final class Service
    extends EventSourcedBehaviorWithEnforcedReplies<Service.Command, Service.Event, Service.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Service");

  /**
   * The task group of a service's tasks, as ECS names it; ListTasks --service-name filters on it.
   */
  public static final String GROUP_PREFIX = "service:";

  public static final String STOP_CODE = "ServiceSchedulerInitiated";

  public static String entityId(String accountId, String clusterName, String serviceName) {
    return accountId + "/" + clusterName + "/" + serviceName;
  }

  public static String group(String serviceName) {
    return GROUP_PREFIX + serviceName;
  }

  /** ECS deployment ids: "ecs-svc/" and 19 digits; a task's startedBy is its deployment's id. */
  public static String newDeploymentId() {
    return "ecs-svc/"
        + (1_000_000_000_000_000_000L
            + ThreadLocalRandom.current().nextLong(8_000_000_000_000_000_000L));
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  /** CreateService; {@code deploymentId} names the first deployment. */
  public record Create(
      ServiceSpec spec, String deploymentId, Instant at, ActorRef<StatusReply<ServiceView>> replyTo)
      implements Command {}

  /**
   * UpdateService; a new task definition or forceNewDeployment starts deployment {@code
   * deploymentId}.
   */
  public record Update(
      ServiceChange change,
      String deploymentId,
      Instant at,
      ActorRef<StatusReply<ServiceView>> replyTo)
      implements Command {}

  public record Delete(boolean force, Instant at, ActorRef<StatusReply<ServiceView>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<ServiceView>> replyTo) implements Command {}

  public record TagResource(List<Tag> tags, ActorRef<StatusReply<ServiceView>> replyTo)
      implements Command {}

  public record UntagResource(List<String> tagKeys, ActorRef<StatusReply<ServiceView>> replyTo)
      implements Command {}

  /**
   * One of the service's tasks changed (a Task entity's notification, or the answer of a refresh).
   */
  public record TaskChanged(TaskReport report) implements Command {}

  /** Look at the world again now (an instance started draining, joined, ...). */
  public record Reconcile() implements Command {}

  private record Tick() implements Command {}

  private record RefreshTasks() implements Command {}

  private record InstancesLoaded(Map<String, Instance> instances, String error)
      implements Command {}

  private record LaunchAnswered(
      String deploymentId, List<TaskSpecFor> placed, String placementFailure, String error)
      implements Command {}

  private record TaskLookedUp(String taskId, Optional<TaskReport> report) implements Command {}

  /** Record the task reports that came in since the last write (see {@link #unrecordedReports}). */
  private record RecordTaskReports() implements Command {}

  private record RecreateFailed(String taskId, String reason) implements Command {}

  private record Passivate() implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record ServiceCreated(ServiceSpec spec, Deployment deployment, Instant at)
      implements Event {}

  public record ServiceUpdated(ServiceSpec spec, Instant at) implements Event {}

  /** A new PRIMARY deployment; the previous PRIMARY becomes ACTIVE until its tasks are replaced. */
  public record DeploymentStarted(Deployment deployment, Instant at) implements Event {}

  /**
   * The reconciler moved deployments on (rollout state, failed counts, drained ones INACTIVE, a
   * rollback).
   */
  public record DeploymentsChanged(List<Deployment> deployments, Instant at) implements Event {}

  /** Placed and reserved; persisted before the Task entities are created. */
  public record TasksLaunched(String deploymentId, List<LaunchedTask> tasks, Instant at)
      implements Event {}

  public record TaskStopOrdered(String taskId, String stopCode, String reason, Instant at)
      implements Event {}

  public record TaskStateRecorded(ServiceTask task, long version, Instant at) implements Event {}

  /** Stopped tasks the reconciler has counted (circuit breaker, throttling) and needs no more. */
  public record TasksForgotten(List<String> taskIds, Instant at) implements Event {}

  public record ServiceEventRecorded(ServiceEvent event) implements Event {}

  public record ThrottleChanged(Throttle throttle, Instant at) implements Event {}

  public record SteadinessChanged(boolean steady, Instant at) implements Event {}

  /**
   * A DAEMON service's desired count (the instances it should run on) changed. It is kept in the
   * spec's {@code desiredCount}, which a DAEMON service's user never sets, so its history and
   * events show it.
   */
  public record DaemonDesiredCountChanged(int desiredCount, Instant at) implements Event {}

  public record ServiceTagged(List<Tag> tags) implements Event {}

  public record ServiceUntagged(List<String> tagKeys) implements Event {}

  /** DeleteService: the service is DRAINING with no desired tasks; its tasks are being stopped. */
  public record ServiceDeleted(Instant at) implements Event {}

  /** Every task of a deleted service has stopped: the service is INACTIVE. */
  public record ServiceInactivated(Instant at) implements Event {}

  // ---- data ----
  public enum ServiceStatus {
    ACTIVE,
    DRAINING,
    INACTIVE
  }

  public record DeploymentSettings(
      int minimumHealthyPercent,
      int maximumPercent,
      boolean circuitBreakerEnabled,
      boolean rollback)
      implements CborSerializable {}

  /**
   * What CreateService asked for, as UpdateService changed it. The task definition is a full ARN. A
   * DAEMON service's {@code desiredCount} is the one it recorded last ({@link
   * DaemonDesiredCountChanged}).
   */
  public record ServiceSpec(
      String serviceName,
      String taskDefinitionArn,
      int desiredCount,
      SchedulingStrategy scheduling,
      String launchType,
      DeploymentSettings deploymentConfiguration,
      List<ConstraintSpec> placementConstraints,
      List<StrategySpec> placementStrategy,
      Integer healthCheckGracePeriodSeconds,
      List<Tag> tags)
      implements CborSerializable {

    ServiceSpec withDesiredCount(int count) {
      return new ServiceSpec(
          serviceName,
          taskDefinitionArn,
          count,
          scheduling,
          launchType,
          deploymentConfiguration,
          placementConstraints,
          placementStrategy,
          healthCheckGracePeriodSeconds,
          tags);
    }

    ServiceSpec withTags(List<Tag> next) {
      return new ServiceSpec(
          serviceName,
          taskDefinitionArn,
          desiredCount,
          scheduling,
          launchType,
          deploymentConfiguration,
          placementConstraints,
          placementStrategy,
          healthCheckGracePeriodSeconds,
          next);
    }
  }

  /** UpdateService: members left null stay as they are. */
  public record ServiceChange(
      Integer desiredCount,
      String taskDefinitionArn,
      DeploymentSettings deploymentConfiguration,
      List<ConstraintSpec> placementConstraints,
      List<StrategySpec> placementStrategy,
      Integer healthCheckGracePeriodSeconds,
      boolean forceNewDeployment)
      implements CborSerializable {}

  public record LaunchedTask(String taskId, String instanceId) implements CborSerializable {}

  /**
   * A DescribeServices event; {@code eventName}/{@code eventType} feed the "ECS Service Action"
   * stream.
   */
  public record ServiceEvent(
      String id, Instant createdAt, String eventName, String eventType, String message)
      implements CborSerializable {}

  /** A task as the service knows it, with the Task entity's version of that knowledge. */
  public record TrackedTask(ServiceTask task, long version, Instant launchedAt, String stopReason)
      implements CborSerializable {

    boolean live() {
      return task.lastStatus() != TaskStatus.STOPPED;
    }
  }

  /** What a Task entity says about one of the service's tasks. */
  public record TaskReport(
      String taskId,
      String instanceId,
      TaskStatus lastStatus,
      boolean desiredStopped,
      TaskHealth health,
      Instant startedAt,
      String stopCode,
      String stoppedReason,
      long version)
      implements CborSerializable {

    public static TaskReport of(Task.TaskView task) {
      return new TaskReport(
          task.taskId(),
          task.spec().containerInstanceId(),
          task.lastStatus(),
          task.desiredStatus() == TaskStatus.STOPPED,
          health(task.healthStatus()),
          task.startedAt(),
          task.stopCode(),
          task.stoppedReason(),
          task.version());
    }

    static TaskHealth health(io.harbormaster.task.HealthStatus status) {
      if (status == io.harbormaster.task.HealthStatus.HEALTHY) return TaskHealth.HEALTHY;
      if (status == io.harbormaster.task.HealthStatus.UNHEALTHY) return TaskHealth.UNHEALTHY;
      return TaskHealth.UNKNOWN;
    }
  }

  /**
   * How many of its newest service events a service keeps and DescribeServices shows (ECS shows
   * 100).
   */
  public static final int SHOWN_SERVICE_EVENTS = 100;

  /**
   * What every reply carries: the service as DescribeServices shows it (counts are derived from the
   * tasks).
   */
  public record ServiceView(
      String accountId,
      String clusterName,
      ServiceSpec spec,
      ServiceStatus status,
      Instant createdAt,
      List<Deployment> deployments,
      SortedMap<String, TrackedTask> tasks,
      Throttle throttle,
      boolean steady,
      List<ServiceEvent> events,
      long version)
      implements CborSerializable {

    public String serviceName() {
      return spec.serviceName();
    }

    public Optional<Deployment> primary() {
      return deployments.stream().filter(d -> d.status() == DeploymentStatus.PRIMARY).findFirst();
    }

    /** Deployments DescribeServices shows: PRIMARY and ACTIVE, newest first. */
    public List<Deployment> visibleDeployments() {
      List<Deployment> out =
          new ArrayList<>(
              deployments.stream().filter(d -> d.status() != DeploymentStatus.INACTIVE).toList());
      Collections.reverse(out);
      return out;
    }

    public int runningCount(String deploymentId) {
      return (int)
          tasks.values().stream()
              .map(TrackedTask::task)
              .filter(t -> deploymentId == null || deploymentId.equals(t.deploymentId()))
              .filter(t -> !t.desiredStopped() && t.lastStatus() == TaskStatus.RUNNING)
              .count();
    }

    public int pendingCount(String deploymentId) {
      return (int)
          tasks.values().stream()
              .map(TrackedTask::task)
              .filter(t -> deploymentId == null || deploymentId.equals(t.deploymentId()))
              .filter(t -> !t.desiredStopped() && t.lastStatus().compareTo(TaskStatus.RUNNING) < 0)
              .count();
    }

    public boolean hasLiveTasks() {
      return tasks.values().stream().anyMatch(TrackedTask::live);
    }

    ServiceView next(
        ServiceSpec nextSpec,
        ServiceStatus nextStatus,
        List<Deployment> nextDeployments,
        SortedMap<String, TrackedTask> nextTasks,
        Throttle nextThrottle,
        boolean nextSteady,
        List<ServiceEvent> nextEvents) {
      return new ServiceView(
          accountId,
          clusterName,
          nextSpec,
          nextStatus,
          createdAt,
          List.copyOf(nextDeployments),
          Collections.unmodifiableSortedMap(nextTasks),
          nextThrottle,
          nextSteady,
          nextEvents,
          version + 1);
    }

    ServiceView withSpec(ServiceSpec nextSpec) {
      return next(nextSpec, status, deployments, tasks, throttle, steady, events);
    }

    ServiceView withStatus(ServiceStatus nextStatus) {
      return next(spec, nextStatus, deployments, tasks, throttle, steady, events);
    }

    ServiceView withDeployments(List<Deployment> nextDeployments) {
      return next(spec, status, nextDeployments, tasks, throttle, steady, events);
    }

    ServiceView withTasks(java.util.function.Consumer<SortedMap<String, TrackedTask>> change) {
      SortedMap<String, TrackedTask> nextTasks = new TreeMap<>(tasks);
      change.accept(nextTasks);
      return next(spec, status, deployments, nextTasks, throttle, steady, events);
    }

    /**
     * Keeps the newest {@link #SHOWN_SERVICE_EVENTS}, as DescribeServices shows them in ECS; the
     * journal keeps every one (HarbormasterHistory.ListResourceEvents lists them all), so states,
     * snapshots and replies stay bounded.
     */
    ServiceView withEvent(ServiceEvent event) {
      List<ServiceEvent> nextEvents =
          new ArrayList<>(
              events.size() < SHOWN_SERVICE_EVENTS
                  ? events
                  : events.subList(events.size() - SHOWN_SERVICE_EVENTS + 1, events.size()));
      nextEvents.add(event);
      return next(spec, status, deployments, tasks, throttle, steady, List.copyOf(nextEvents));
    }

    ServiceView withThrottle(Throttle nextThrottle) {
      return next(spec, status, deployments, tasks, nextThrottle, steady, events);
    }

    ServiceView withSteady(boolean nextSteady) {
      return next(spec, status, deployments, tasks, throttle, nextSteady, events);
    }
  }

  public sealed interface State extends CborSerializable {}

  public record NoService() implements State {}

  /** ACTIVE or DRAINING. */
  public record LiveService(ServiceView view) implements State {}

  public record InactiveService(ServiceView view) implements State {}

  /**
   * Everything a service does to the rest of the system, behind one seam so the entity can be
   * tested alone. The production implementation ({@link ServiceEffects}) asks the cluster's
   * placement, task definitions and tasks.
   */
  public interface Effects {
    /**
     * The cluster's container instances, by id. Every id of {@code inUse} (the instances the
     * service's live tasks are on) is known for sure: present if the instance exists, absent only
     * if it does not, because the reconciler replaces the tasks of an instance that is gone. A
     * failed stage means the answer is not certain.
     */
    CompletionStage<Map<String, Instance>> instances(
        String accountId, String clusterName, Set<String> inUse);

    CompletionStage<TaskDefinitionFamily.Revision> taskDefinition(
        String accountId, String taskDefinitionArn);

    /** Places and reserves one task per id (REPLICA). */
    CompletionStage<ClusterPlacement.Outcome> place(
        String accountId,
        String clusterName,
        List<String> taskIds,
        Demand demand,
        TaskSummary summary,
        List<ConstraintSpec> constraints,
        List<StrategySpec> strategies);

    /**
     * Reserves a task's resources on a named instance (DAEMON, and a task created again): empty
     * when reserved, the instance's reason when it refused; a failed stage means no answer (try
     * again later).
     */
    CompletionStage<Optional<String>> reserve(
        String accountId,
        String clusterName,
        String instanceId,
        String taskId,
        Demand demand,
        TaskSummary summary);

    CompletionStage<TaskReport> createTask(
        String accountId, String clusterName, String taskId, TaskSpec spec);

    void stopTask(
        String accountId, String clusterName, String taskId, String stopCode, String reason);

    /** The task's state; empty when no Task entity of that id exists. */
    CompletionStage<Optional<TaskReport>> task(String accountId, String clusterName, String taskId);

    /** The service is INACTIVE: the cluster's membership list forgets it (idempotent). */
    void inactivated(String accountId, String clusterName, String serviceName);
  }

  // ---- behaviour ----
  /**
   * Services are remembered entities (event-sourced store, in the journal): after a restart of the
   * whole control plane, or when a node with services leaves, sharding starts every live service
   * again, and each one heals from its events and its tasks (level-triggered) without waiting for
   * an API call.
   */
  public static void init(
      ActorSystem<?> system,
      EventTags tags,
      ServiceSettings settings,
      Effects effects,
      Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    ctx ->
                        create(
                            ctx.getEntityId(),
                            tags,
                            settings,
                            effects,
                            ServiceReconciler::reconcile,
                            ctx.getShard(),
                            clock))
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.rememberEntitiesStoreModeEventSourced())));
  }

  public static Behavior<Command> create(
      String entityId,
      EventTags tags,
      ServiceSettings settings,
      Effects effects,
      Function<Input, Decision> reconciler) {
    return create(entityId, tags, settings, effects, reconciler, null, Clock.systemUTC());
  }

  /**
   * @param shard the entity's shard, asked to passivate an INACTIVE service (null: the service just
   *     stops)
   * @param clock where the service's decisions take their time from
   */
  public static Behavior<Command> create(
      String entityId,
      EventTags tags,
      ServiceSettings settings,
      Effects effects,
      Function<Input, Decision> reconciler,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new Service(
                        entityId, tags, settings, effects, reconciler, ctx, timers, shard, clock)));
  }

  private final String entityId;
  private final String accountId;
  private final String clusterName;
  private final String serviceName;
  private final EventTags tags;
  private final ServiceSettings settings;
  private final Effects effects;
  private final Function<Input, Decision> reconciler;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Clock clock;

  /**
   * Steps in flight (loading instances, launches): a new decision waits for them, so nothing is
   * launched twice.
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
   * Task reports not recorded yet, the newest per task. The first one queues a {@link
   * RecordTaskReports}; reports that arrive before it is handled (those stashed while the service
   * writes, above all) go into the same write, so a burst of task changes costs a few writes
   * instead of one each. Lost with the actor, like any notification: the refresh after recovery
   * asks every live task again.
   */
  private final Map<String, TaskReport> unrecordedReports = new java.util.LinkedHashMap<>();

  private Service(
      String entityId,
      EventTags tags,
      ServiceSettings settings,
      Effects effects,
      Function<Input, Decision> reconciler,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    String[] parts = entityId.split("/", 3);
    this.accountId = parts[0];
    this.clusterName = parts[1];
    this.serviceName = parts[2];
    this.tags = tags;
    this.settings = settings;
    this.effects = effects;
    this.reconciler = reconciler;
    this.ctx = ctx;
    this.timers = timers;
    this.shard = shard;
    this.clock = clock;
  }

  /**
   * The entity's state and event handler without an actor: history and the event stream replay with
   * it.
   */
  public static Service replica(String entityId) {
    return new Service(entityId, null, null, null, null, null, null, null, null);
  }

  @Override
  public State emptyState() {
    return new NoService();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof LiveService) {
                startTimers();
                ctx.getSelf().tell(new RefreshTasks());
                ctx.getSelf().tell(new Reconcile());
              } else if (state instanceof InactiveService) {
                effects.inactivated(
                    accountId, clusterName, serviceName); // heals a crash right after inactivation
                timers.startSingleTimer("passivate", new Passivate(), Duration.ofMinutes(1));
              }
            })
        .build();
  }

  private void startTimers() {
    timers.startTimerWithFixedDelay("tick", new Tick(), settings.reconcileInterval());
    timers.startTimerWithFixedDelay("refresh", new RefreshTasks(), settings.taskRefreshInterval());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(NoService.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, c -> notFound(c.replyTo()))
        .onCommand(Update.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()))
        .onCommand(TagResource.class, c -> notFound(c.replyTo()))
        .onCommand(UntagResource.class, c -> notFound(c.replyTo()))
        .onAnyCommand(c -> ignored());
    builder
        .forStateType(InactiveService.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Update.class, c -> notActive(c.replyTo()))
        .onCommand(Delete.class, c -> notActive(c.replyTo()))
        .onCommand(TagResource.class, c -> notActive(c.replyTo()))
        .onCommand(UntagResource.class, c -> notActive(c.replyTo()))
        .onCommand(Passivate.class, c -> passivate())
        .onCommand(
            RecordTaskReports.class,
            c -> { // reports of the tasks it had when it went inactive
              unrecordedReports.clear();
              return Effect().noReply();
            })
        .onAnyCommand(c -> ignored());
    builder
        .forStateType(LiveService.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        Rejection.reply(
                            ErrorType.INVALID_PARAMETER,
                            s.view().status() == ServiceStatus.DRAINING
                                ? "Unable to Start a service that is still Draining."
                                : "Creation of service was not idempotent.")))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Update.class, (s, c) -> update(s.view(), c))
        .onCommand(Delete.class, (s, c) -> delete(s.view(), c))
        .onCommand(
            TagResource.class,
            (s, c) ->
                Tags.overLimit(s.view().spec().tags(), c.tags())
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            Rejection.reply(ErrorType.INVALID_PARAMETER, Tags.overLimitMessage()))
                    : Effect()
                        .persist(new ServiceTagged(c.tags()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(
            UntagResource.class,
            (s, c) ->
                Effect()
                    .persist(new ServiceUntagged(c.tagKeys()))
                    .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(TaskChanged.class, (s, c) -> taskChanged(s.view(), c.report()))
        .onCommand(RecordTaskReports.class, (s, c) -> recordTaskReports(s.view()))
        .onCommand(
            Reconcile.class,
            (s, c) -> {
              startReconcile(s.view());
              return Effect().noReply();
            })
        .onCommand(Tick.class, (s, c) -> tick(s.view()))
        .onCommand(
            RefreshTasks.class,
            (s, c) -> {
              refresh(s.view());
              return Effect().noReply();
            })
        .onCommand(InstancesLoaded.class, (s, c) -> decide(s.view(), c))
        .onCommand(LaunchAnswered.class, (s, c) -> launched(s.view(), c))
        .onCommand(TaskLookedUp.class, (s, c) -> lookedUp(s.view(), c))
        .onCommand(RecreateFailed.class, (s, c) -> recreateFailed(s.view(), c))
        .onCommand(Passivate.class, c -> Effect().noReply());
    return builder.build();
  }

  /**
   * An INACTIVE service needs no actor. A remembered entity must leave through its shard (which
   * also forgets it); stopping on its own would count as a crash and start it again.
   */
  private ReplyEffect<Event, State> passivate() {
    if (shard == null) return Effect().stop().thenNoReply();
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> ignored() {
    return Effect().noReply();
  }

  // ---- API commands ----
  private ReplyEffect<Event, State> create(Create c) {
    Deployment first =
        new Deployment(
            c.deploymentId(),
            DeploymentStatus.PRIMARY,
            c.spec().taskDefinitionArn(),
            RolloutState.IN_PROGRESS,
            inProgress(c.deploymentId()),
            0,
            c.at(),
            c.at());
    return Effect()
        .persist(new ServiceCreated(c.spec(), first, c.at()))
        .thenRun(
            next -> {
              startTimers();
              ctx.getSelf().tell(new Reconcile());
            })
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private static String inProgress(String deploymentId) {
    return "ECS deployment " + deploymentId + " in progress.";
  }

  private ReplyEffect<Event, State> update(ServiceView view, Update c) {
    if (view.status() != ServiceStatus.ACTIVE) return notActive(c.replyTo());
    ServiceChange change = c.change();
    ServiceSpec old = view.spec();
    ServiceSpec spec =
        new ServiceSpec(
            old.serviceName(),
            change.taskDefinitionArn() != null
                ? change.taskDefinitionArn()
                : old.taskDefinitionArn(),
            change.desiredCount() != null ? change.desiredCount() : old.desiredCount(),
            old.scheduling(),
            old.launchType(),
            change.deploymentConfiguration() != null
                ? change.deploymentConfiguration()
                : old.deploymentConfiguration(),
            change.placementConstraints() != null
                ? change.placementConstraints()
                : old.placementConstraints(),
            change.placementStrategy() != null
                ? change.placementStrategy()
                : old.placementStrategy(),
            change.healthCheckGracePeriodSeconds() != null
                ? change.healthCheckGracePeriodSeconds()
                : old.healthCheckGracePeriodSeconds(),
            old.tags());
    List<Event> events = new ArrayList<>();
    if (!spec.equals(old)) events.add(new ServiceUpdated(spec, c.at()));
    if (!spec.taskDefinitionArn().equals(old.taskDefinitionArn()) || change.forceNewDeployment()) {
      events.add(
          new DeploymentStarted(
              new Deployment(
                  c.deploymentId(),
                  DeploymentStatus.PRIMARY,
                  spec.taskDefinitionArn(),
                  RolloutState.IN_PROGRESS,
                  inProgress(c.deploymentId()),
                  0,
                  c.at(),
                  c.at()),
              c.at()));
    }
    if (events.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(view));
    return Effect()
        .persist(events)
        .thenRun(next -> ctx.getSelf().tell(new Reconcile()))
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private ReplyEffect<Event, State> delete(ServiceView view, Delete c) {
    if (view.status() == ServiceStatus.DRAINING)
      return Effect().reply(c.replyTo(), StatusReply.success(view));
    if (!c.force()
        && view.spec().scheduling() == SchedulingStrategy.REPLICA
        && view.spec().desiredCount() > 0) {
      return Effect()
          .reply(
              c.replyTo(),
              Rejection.reply(
                  ErrorType.INVALID_PARAMETER,
                  "The service cannot be stopped while it is scaled above 0."));
    }
    List<Event> events = new ArrayList<>();
    events.add(new ServiceDeleted(c.at()));
    List<TaskStopOrdered> stops = drainStops(view, c.at());
    events.addAll(stops);
    if (!view.hasLiveTasks()) events.add(new ServiceInactivated(c.at()));
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              stops.forEach(this::carryOut);
              if (next instanceof InactiveService) inactivated();
            })
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  /** A deleted service stops every task it still has; the reconciler has no say any more. */
  private List<TaskStopOrdered> drainStops(ServiceView view, Instant at) {
    String reason =
        "Scaling activity initiated by (deployment "
            + view.primary().map(Deployment::id).orElse("unknown")
            + ")";
    return view.tasks().values().stream()
        .filter(t -> t.live() && !t.task().desiredStopped())
        .map(t -> new TaskStopOrdered(t.task().taskId(), STOP_CODE, reason, at))
        .toList();
  }

  private void carryOut(TaskStopOrdered stop) {
    effects.stopTask(accountId, clusterName, stop.taskId(), stop.stopCode(), stop.reason());
  }

  private void inactivated() {
    timers.cancelAll();
    effects.inactivated(accountId, clusterName, serviceName);
    timers.startSingleTimer("passivate", new Passivate(), Duration.ofMinutes(1));
  }

  // ---- task notifications ----
  private ReplyEffect<Event, State> taskChanged(ServiceView view, TaskReport report) {
    TrackedTask known = view.tasks().get(report.taskId());
    if (known == null || report.version() <= known.version())
      return Effect().noReply(); // not ours, or stale
    TaskReport waiting = unrecordedReports.get(report.taskId());
    if (waiting != null && report.version() <= waiting.version()) return Effect().noReply();
    if (unrecordedReports.isEmpty()) ctx.getSelf().tell(new RecordTaskReports());
    unrecordedReports.put(report.taskId(), report);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> recordTaskReports(ServiceView view) {
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    Map<String, ServiceTask> recorded = new java.util.HashMap<>();
    boolean decideAgain = false;
    for (TaskReport report : unrecordedReports.values()) {
      TrackedTask known = view.tasks().get(report.taskId());
      if (known == null || report.version() <= known.version()) continue;
      ServiceTask task = serviceTask(known, report);
      // The Task entity's first report of a launched task only repeats the launch: not recorded.
      if (!changesWhatTheServiceActsOn(known.task(), task)) continue;
      events.add(new TaskStateRecorded(task, report.version(), now));
      recorded.put(task.taskId(), task);
      decideAgain |=
          known.task().lastStatus() != task.lastStatus()
              || known.task().health() != task.health()
              || known.task().desiredStopped() != task.desiredStopped();
    }
    unrecordedReports.clear();
    if (events.isEmpty()) return Effect().noReply();
    boolean drainingDone =
        view.status() == ServiceStatus.DRAINING
            && view.tasks().values().stream()
                .filter(TrackedTask::live)
                .allMatch(
                    t -> {
                      ServiceTask after = recorded.get(t.task().taskId());
                      return after != null && after.lastStatus() == TaskStatus.STOPPED;
                    });
    if (drainingDone) events.add(new ServiceInactivated(now));
    boolean reconcile = decideAgain;
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              if (next instanceof InactiveService) {
                inactivated();
              } else if (reconcile) {
                startReconcile(viewOf(next));
              }
            })
        .thenNoReply();
  }

  /**
   * Whether a task's new state matters to the service. Its statuses before RUNNING (PROVISIONING as
   * launched, PENDING once the task exists) are all "not running yet" to the reconciler and the
   * counts, so a move between them does not.
   */
  static boolean changesWhatTheServiceActsOn(ServiceTask known, ServiceTask reported) {
    return !notRunningYetAsOne(known).equals(notRunningYetAsOne(reported));
  }

  private static ServiceTask notRunningYetAsOne(ServiceTask t) {
    return t.lastStatus().compareTo(TaskStatus.RUNNING) >= 0
        ? t
        : new ServiceTask(
            t.taskId(),
            t.deploymentId(),
            t.instanceId(),
            TaskStatus.PENDING,
            t.desiredStopped(),
            t.health(),
            t.startedAt(),
            t.stopCode(),
            t.stoppedReason());
  }

  /**
   * The report in the service's terms; a stop the service ordered stays ordered even if the task
   * did not hear it yet.
   */
  private static ServiceTask serviceTask(TrackedTask known, TaskReport r) {
    return new ServiceTask(
        r.taskId(),
        known.task().deploymentId(),
        r.instanceId() != null ? r.instanceId() : known.task().instanceId(),
        r.lastStatus(),
        r.desiredStopped() || known.task().desiredStopped(),
        r.health(),
        r.startedAt(),
        r.stopCode(),
        r.stoppedReason());
  }

  // ---- reconciliation ----
  private ReplyEffect<Event, State> tick(ServiceView view) {
    if (view.status() == ServiceStatus.ACTIVE) {
      if (stepsStuck(clock.instant())) {
        ctx.getLog()
            .warn(
                "service {}: {} step(s) unanswered since {}; deciding again",
                entityId,
                outstanding,
                lastStepProgress);
        outstanding = 0;
        reconcileWanted = false;
      }
      startReconcile(view);
      return Effect().noReply();
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
    return Effect().noReply();
  }

  /**
   * Every step's answer comes within the ask timeout (seconds); six reconcile intervals (a minute
   * by default) without one means it was lost.
   */
  private boolean stepsStuck(Instant now) {
    return outstanding > 0
        && lastStepProgress.plus(settings.reconcileInterval().multipliedBy(6)).isBefore(now);
  }

  private void startReconcile(ServiceView view) {
    if (outstanding > 0) {
      reconcileWanted = true;
      return;
    }
    outstanding++;
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

  private ReplyEffect<Event, State> decide(ServiceView view, InstancesLoaded loaded) {
    if (loaded.error() != null || view.status() != ServiceStatus.ACTIVE) {
      if (loaded.error() != null)
        ctx.getLog().info("service {}: instances unavailable: {}", entityId, loaded.error());
      stepDone();
      return Effect().noReply();
    }
    Instant now = clock.instant();
    Input input = inputOf(view, loaded.instances(), now);
    Decision decision = reconciler.apply(input);
    List<Event> events = eventsOf(view, decision, now);
    if (view.spec().scheduling() == SchedulingStrategy.DAEMON) {
      int desired = ServiceReconciler.desiredCount(input);
      if (desired != view.spec().desiredCount())
        events.add(0, new DaemonDesiredCountChanged(desired, now));
    }
    List<TaskStopOrdered> stops =
        events.stream()
            .filter(TaskStopOrdered.class::isInstance)
            .map(TaskStopOrdered.class::cast)
            .toList();
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
    if (events.isEmpty()) {
      launchAll(view, decision);
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              stops.forEach(this::carryOut);
              launchAll(viewOf(next), decision);
            })
        .thenNoReply();
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
            ? (int) instances.values().stream().filter(i -> "ACTIVE".equals(i.status())).count()
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

  private List<Event> eventsOf(ServiceView view, Decision decision, Instant now) {
    List<Event> events = new ArrayList<>();
    if (!decision.deployments().equals(view.deployments())) {
      events.add(new DeploymentsChanged(decision.deployments(), now));
    }
    List<String> stopped = new ArrayList<>();
    for (StopOrder stop : decision.stops()) {
      TrackedTask t = view.tasks().get(stop.taskId());
      if (t == null || t.task().desiredStopped() || !t.live()) continue;
      events.add(new TaskStopOrdered(stop.taskId(), stop.stopCode(), stop.reason(), now));
      stopped.add(stop.taskId());
    }
    for (ServiceMessage m : decision.messages()) {
      events.add(
          new ServiceEventRecorded(
              new ServiceEvent(
                  UUID.randomUUID().toString(), now, m.eventName(), m.eventType(), m.message())));
    }
    if (!stopped.isEmpty()
        && decision.messages().stream().noneMatch(m -> m.message().contains("has stopped"))) {
      events.add(
          new ServiceEventRecorded(
              new ServiceEvent(
                  UUID.randomUUID().toString(),
                  now,
                  "SERVICE_TASKS_STOPPED",
                  "INFO",
                  "(service "
                      + serviceName
                      + ") has stopped "
                      + stopped.size()
                      + " running tasks: "
                      + stopped.stream()
                          .map(id -> "(task " + id + ")")
                          .collect(Collectors.joining(" "))
                      + ".")));
    }
    List<String> forget = decision.forget().stream().filter(view.tasks()::containsKey).toList();
    if (!forget.isEmpty()) events.add(new TasksForgotten(forget, now));
    if (!decision.throttle().equals(view.throttle()))
      events.add(new ThrottleChanged(decision.throttle(), now));
    if (decision.steady() != view.steady())
      events.add(new SteadinessChanged(decision.steady(), now));
    return events;
  }

  /** A task spec carried from placement to creation. */
  private record TaskSpecFor(String taskId, TaskSpec spec) {}

  private void launch(ServiceView view, Launch launch) {
    outstanding++;
    lastStepProgress = clock.instant();
    String deploymentId = launch.deploymentId();
    ServiceSpec spec = view.spec();
    CompletionStage<LaunchAnswered> answered =
        effects
            .taskDefinition(accountId, launch.taskDefinitionArn())
            .thenCompose(
                revision -> {
                  Demand demand = TaskResources.demand(revision.definition(), null);
                  TaskSummary summary =
                      new TaskSummary(revision.family(), group(serviceName), deploymentId);
                  List<String> taskIds = new ArrayList<>();
                  for (int i = 0; i < launch.count(); i++)
                    taskIds.add(UUID.randomUUID().toString().replace("-", ""));
                  Function<String, TaskSpec> specOn =
                      instanceId ->
                          taskSpec(
                              launch.taskDefinitionArn(),
                              revision,
                              demand,
                              deploymentId,
                              instanceId,
                              spec.launchType());
                  if (launch.instanceId().isPresent()) {
                    String instanceId = launch.instanceId().get();
                    String taskId = taskIds.get(0);
                    return effects
                        .reserve(accountId, clusterName, instanceId, taskId, demand, summary)
                        .thenApply(
                            refusal ->
                                refusal.isEmpty()
                                    ? new LaunchAnswered(
                                        deploymentId,
                                        List.of(new TaskSpecFor(taskId, specOn.apply(instanceId))),
                                        null,
                                        null)
                                    : new LaunchAnswered(
                                        deploymentId,
                                        List.of(),
                                        placementFailure(
                                            List.of(),
                                            Optional.of(
                                                refusal.get()
                                                    + " on (container-instance "
                                                    + instanceId
                                                    + ")")),
                                        null));
                  }
                  List<ConstraintSpec> constraints = new ArrayList<>(constraints(revision));
                  constraints.addAll(spec.placementConstraints());
                  List<StrategySpec> strategies =
                      spec.placementStrategy().isEmpty()
                          ? defaultStrategies()
                          : spec.placementStrategy();
                  return effects
                      .place(
                          accountId, clusterName, taskIds, demand, summary, constraints, strategies)
                      .thenApply(
                          outcome ->
                              new LaunchAnswered(
                                  deploymentId,
                                  outcome.placed().stream()
                                      .map(
                                          p ->
                                              new TaskSpecFor(
                                                  p.taskId(), specOn.apply(p.instanceId())))
                                      .toList(),
                                  outcome.placed().size() < taskIds.size()
                                      ? placementFailure(outcome.failures(), outcome.clusterError())
                                      : null,
                                  null));
                });
    ctx.pipeToSelf(
        answered,
        (a, failure) ->
            failure == null
                ? a
                : new LaunchAnswered(deploymentId, List.of(), null, reason(failure)));
  }

  private static List<ConstraintSpec> constraints(TaskDefinitionFamily.Revision revision) {
    List<ConstraintSpec> out = new ArrayList<>();
    for (var c : revision.definition().path("placementConstraints")) {
      out.add(
          new ConstraintSpec(
              c.path("type").asText(),
              c.hasNonNull("expression") ? c.get("expression").asText() : null));
    }
    return out;
  }

  private static List<StrategySpec> defaultStrategies() {
    return PlacementStrategy.SERVICE_DEFAULT.stream()
        .map(s -> new StrategySpec(s.type().name().toLowerCase(java.util.Locale.ROOT), s.field()))
        .toList();
  }

  private TaskSpec taskSpec(
      String taskDefinitionArn,
      TaskDefinitionFamily.Revision revision,
      Demand demand,
      String deploymentId,
      String instanceId,
      String launchType) {
    return new TaskSpec(
        taskDefinitionArn,
        revision.family(),
        revision.revision(),
        revision.definition(),
        null,
        group(serviceName),
        deploymentId,
        List.of(),
        instanceId,
        demand.cpu(),
        demand.memory(),
        null,
        null,
        launchType);
  }

  private String placementFailure(List<PlacementFailure> failures, Optional<String> clusterError) {
    String reasons =
        clusterError.orElseGet(
            () ->
                failures.isEmpty()
                    ? "no container instance was available"
                    : failures.stream()
                        .map(f -> f.reason() + " on (container-instance " + shortId(f.arn()) + ")")
                        .distinct()
                        .collect(Collectors.joining(", ")));
    return "(service "
        + serviceName
        + ") was unable to place a task because no container instance met all of its "
        + "requirements. Reason: "
        + reasons
        + ".";
  }

  private static String shortId(String arn) {
    return arn == null ? "unknown" : arn.substring(arn.lastIndexOf('/') + 1);
  }

  private static String reason(Throwable failure) {
    return Rejection.of(failure)
        .map(Rejection::message)
        .orElse(
            failure.getCause() != null
                ? String.valueOf(failure.getCause().getMessage())
                : String.valueOf(failure.getMessage()));
  }

  private ReplyEffect<Event, State> launched(ServiceView view, LaunchAnswered a) {
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    if (!a.placed().isEmpty()) {
      events.add(
          new TasksLaunched(
              a.deploymentId(),
              a.placed().stream()
                  .map(p -> new LaunchedTask(p.taskId(), p.spec().containerInstanceId()))
                  .toList(),
              now));
      events.add(
          new ServiceEventRecorded(
              new ServiceEvent(
                  UUID.randomUUID().toString(),
                  now,
                  "SERVICE_TASKS_STARTED",
                  "INFO",
                  "(service "
                      + serviceName
                      + ") has started "
                      + a.placed().size()
                      + " tasks: "
                      + a.placed().stream()
                          .map(p -> "(task " + p.taskId() + ")")
                          .collect(Collectors.joining(" "))
                      + ".")));
    }
    if (a.placementFailure() != null && !recentlySaid(view, a.placementFailure(), now)) {
      events.add(
          new ServiceEventRecorded(
              new ServiceEvent(
                  UUID.randomUUID().toString(),
                  now,
                  "SERVICE_TASK_PLACEMENT_FAILURE",
                  "WARN",
                  a.placementFailure())));
    }
    if (a.error() != null) ctx.getLog().warn("service {}: launch failed: {}", entityId, a.error());
    if (events.isEmpty()) {
      stepDone();
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              for (TaskSpecFor p : a.placed()) createTask(p.taskId(), p.spec());
              stepDone();
            })
        .thenNoReply();
  }

  private boolean recentlySaid(ServiceView view, String message, Instant now) {
    for (int i = view.events().size() - 1; i >= 0; i--) {
      ServiceEvent e = view.events().get(i);
      if (e.message().equals(message)) {
        return e.createdAt().plus(settings.repeatedEventInterval()).isAfter(now);
      }
    }
    return false;
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

  private ReplyEffect<Event, State> lookedUp(ServiceView view, TaskLookedUp m) {
    TrackedTask known = view.tasks().get(m.taskId());
    if (known == null || !known.live()) return Effect().noReply();
    if (m.report().isPresent()) {
      TaskReport report = m.report().get();
      // A stop the task never received, or one it received but whose order to the agent was lost (a
      // control plane
      // killed in between): the task passes a repeated order on, so sending it again heals both.
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
      return taskChanged(view, report);
    }
    Instant now = clock.instant();
    if (known.task().desiredStopped()) {
      // Ordered to stop before it was ever created: it is stopped.
      return recordStopped(view, known, STOP_CODE, known.stopReason(), now);
    }
    if (known.launchedAt().plus(settings.recreateAfter()).isBefore(now)) recreate(view, known);
    return Effect().noReply();
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
    CompletionStage<Command> created =
        effects
            .taskDefinition(accountId, arn)
            .thenCompose(
                revision -> {
                  Demand demand = TaskResources.demand(revision.definition(), null);
                  TaskSummary summary =
                      new TaskSummary(
                          revision.family(), group(serviceName), known.task().deploymentId());
                  return effects
                      .reserve(accountId, clusterName, instanceId, taskId, demand, summary)
                      .thenCompose(
                          refusal ->
                              refusal.isPresent()
                                  ? CompletableFuture.<Command>completedFuture(
                                      new RecreateFailed(taskId, refusal.get()))
                                  : effects
                                      .createTask(
                                          accountId,
                                          clusterName,
                                          taskId,
                                          taskSpec(
                                              arn,
                                              revision,
                                              demand,
                                              known.task().deploymentId(),
                                              instanceId,
                                              view.spec().launchType()))
                                      .<Command>thenApply(TaskChanged::new));
                });
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

  private ReplyEffect<Event, State> recreateFailed(ServiceView view, RecreateFailed m) {
    TrackedTask known = view.tasks().get(m.taskId());
    if (known == null || !known.live()) return Effect().noReply();
    return recordStopped(
        view,
        known,
        "TaskFailedToStart",
        "The task could not be started after a control-plane restart: " + m.reason(),
        clock.instant());
  }

  private ReplyEffect<Event, State> recordStopped(
      ServiceView view, TrackedTask known, String stopCode, String reason, Instant now) {
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
    return taskChanged(view, stopped);
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(replyTo, Rejection.reply(ErrorType.SERVICE_NOT_FOUND, "Service not found."));
  }

  private <T> ReplyEffect<Event, State> notActive(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(replyTo, Rejection.reply(ErrorType.SERVICE_NOT_ACTIVE, "Service was not ACTIVE."));
  }

  static ServiceView viewOf(State state) {
    return viewIn(state).orElseThrow(() -> new IllegalStateException("no service"));
  }

  /** The service as DescribeServices shows it; empty before it was created. */
  public static java.util.Optional<ServiceView> viewIn(State state) {
    if (state instanceof LiveService l) return java.util.Optional.of(l.view());
    if (state instanceof InactiveService i) return java.util.Optional.of(i.view());
    return java.util.Optional.empty();
  }

  // ---- events ----
  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder.forStateType(NoService.class).onEvent(ServiceCreated.class, (s, e) -> created(e, 0));
    builder
        .forStateType(InactiveService.class)
        .onEvent(ServiceCreated.class, (s, e) -> created(e, s.view().version()));
    builder
        .forStateType(LiveService.class)
        .onEvent(ServiceUpdated.class, (s, e) -> live(s.view().withSpec(e.spec())))
        .onEvent(
            DeploymentStarted.class,
            (s, e) -> {
              ServiceView v = s.view();
              List<Deployment> next = new ArrayList<>();
              for (Deployment d : v.deployments()) {
                next.add(
                    d.status() == DeploymentStatus.PRIMARY
                        ? new Deployment(
                            d.id(),
                            DeploymentStatus.ACTIVE,
                            d.taskDefinitionArn(),
                            d.rolloutState(),
                            d.rolloutStateReason(),
                            d.failedTasks(),
                            d.createdAt(),
                            e.at())
                        : d);
              }
              next.add(e.deployment());
              // A new deployment (a new task definition, or forced) gives a service that could not
              // start its tasks a
              // fresh chance: the reconciler's contract leaves this reset to the entity.
              return live(v.withDeployments(next).withThrottle(Throttle.NONE).withSteady(false));
            })
        .onEvent(
            DeploymentsChanged.class, (s, e) -> live(s.view().withDeployments(e.deployments())))
        .onEvent(
            TasksLaunched.class,
            (s, e) ->
                live(
                    s.view()
                        .withTasks(
                            tasks -> {
                              for (LaunchedTask t : e.tasks()) {
                                tasks.put(
                                    t.taskId(),
                                    new TrackedTask(
                                        new ServiceTask(
                                            t.taskId(),
                                            e.deploymentId(),
                                            t.instanceId(),
                                            TaskStatus.PROVISIONING,
                                            false,
                                            TaskHealth.UNKNOWN,
                                            null,
                                            null,
                                            null),
                                        0,
                                        e.at(),
                                        null));
                              }
                            })))
        .onEvent(
            TaskStopOrdered.class,
            (s, e) ->
                live(
                    s.view()
                        .withTasks(
                            tasks -> {
                              TrackedTask t = tasks.get(e.taskId());
                              if (t == null) return;
                              ServiceTask k = t.task();
                              tasks.put(
                                  e.taskId(),
                                  new TrackedTask(
                                      new ServiceTask(
                                          k.taskId(),
                                          k.deploymentId(),
                                          k.instanceId(),
                                          k.lastStatus(),
                                          true,
                                          k.health(),
                                          k.startedAt(),
                                          k.stopCode(),
                                          k.stoppedReason()),
                                      t.version(),
                                      t.launchedAt(),
                                      e.reason()));
                            })))
        .onEvent(
            TaskStateRecorded.class,
            (s, e) ->
                live(
                    s.view()
                        .withTasks(
                            tasks -> {
                              TrackedTask t = tasks.get(e.task().taskId());
                              if (t != null)
                                tasks.put(
                                    e.task().taskId(),
                                    new TrackedTask(
                                        e.task(), e.version(), t.launchedAt(), t.stopReason()));
                            })))
        .onEvent(
            TasksForgotten.class,
            (s, e) -> live(s.view().withTasks(tasks -> e.taskIds().forEach(tasks::remove))))
        .onEvent(ServiceEventRecorded.class, (s, e) -> live(s.view().withEvent(e.event())))
        .onEvent(ThrottleChanged.class, (s, e) -> live(s.view().withThrottle(e.throttle())))
        .onEvent(SteadinessChanged.class, (s, e) -> live(s.view().withSteady(e.steady())))
        .onEvent(
            DaemonDesiredCountChanged.class,
            (s, e) -> live(s.view().withSpec(s.view().spec().withDesiredCount(e.desiredCount()))))
        .onEvent(
            ServiceTagged.class,
            (s, e) ->
                live(
                    s.view()
                        .withSpec(
                            s.view()
                                .spec()
                                .withTags(Tags.merged(s.view().spec().tags(), e.tags())))))
        .onEvent(
            ServiceUntagged.class,
            (s, e) ->
                live(
                    s.view()
                        .withSpec(
                            s.view()
                                .spec()
                                .withTags(Tags.without(s.view().spec().tags(), e.tagKeys())))))
        .onEvent(
            ServiceDeleted.class,
            (s, e) ->
                live(
                    s.view()
                        .withSpec(s.view().spec().withDesiredCount(0))
                        .withStatus(ServiceStatus.DRAINING)))
        .onEvent(
            ServiceInactivated.class,
            (s, e) -> new InactiveService(s.view().withStatus(ServiceStatus.INACTIVE)));
    return builder.build();
  }

  private State created(ServiceCreated e, long version) {
    return new LiveService(
        new ServiceView(
            accountId,
            clusterName,
            e.spec(),
            ServiceStatus.ACTIVE,
            e.at(),
            List.of(e.deployment()),
            Collections.unmodifiableSortedMap(new TreeMap<>()),
            Throttle.NONE,
            false,
            List.of(),
            version + 1));
  }

  private static State live(ServiceView view) {
    return new LiveService(view);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), entityId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
