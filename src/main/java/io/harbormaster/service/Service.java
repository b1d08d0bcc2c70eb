package io.harbormaster.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceMessage;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.StopOrder;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.TaskStatus;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
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
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An ECS service: its spec, deployments, the tasks it launched, start throttling, and its newest
 * service events. The entity records decisions and facts; its {@link ServiceController} (a child
 * actor, started with each life of a live service) runs the pure {@link ServiceReconciler}, carries
 * the decisions out and sends back what it decided and learned to record, so the history says why
 * each task was started or stopped. A launch is persisted (task ids and instances) before any Task
 * entity is created, so a crash never loses track of a task nor launches twice. Event application
 * is a pure function of the state ({@link #applied}), which the history replays with. Entity id:
 * {@code <account>/<cluster>/<serviceName>}.
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

  /**
   * The controller's decision, made from the state of version {@code basisVersion}; {@code
   * desiredCount} is the reconciler's (a DAEMON service's is the instances it should run on).
   */
  record RecordDecision(
      Decision decision,
      int desiredCount,
      Instant at,
      long basisVersion,
      ActorRef<ServiceController.Command> replyTo)
      implements Command {}

  /** Placed and reserved tasks (none: only the placement failure), before they are created. */
  record RecordLaunch(
      String deploymentId,
      List<LaunchedTask> tasks,
      String placementFailure,
      ActorRef<ServiceController.Command> replyTo)
      implements Command {}

  /** What the service's tasks said since the last write, the newest report per task. */
  record RecordTaskReports(List<TaskReport> reports, ActorRef<ServiceController.Command> replyTo)
      implements Command {}

  /** ListServiceDeployments: one page of the service's deployments, newest first. */
  public record ListDeployments(
      ServiceDeployments.ListQuery query, ActorRef<StatusReply<ServiceDeployments.Page>> replyTo)
      implements Command {}

  /** DescribeServiceDeployments / DescribeServiceRevisions: those of the ids the service has. */
  public record DescribeHistory(
      List<String> serviceDeploymentIds,
      List<String> revisionIds,
      ActorRef<StatusReply<HistoryAnswer>> replyTo)
      implements Command {}

  /**
   * StopServiceDeployment with ROLLBACK: the deployment returns to its newest source revision in a
   * new deployment {@code deploymentId}.
   */
  public record StopDeployment(
      String serviceDeploymentId,
      String deploymentId,
      Instant at,
      ActorRef<StatusReply<ServiceDeployments.Record>> replyTo)
      implements Command {}

  /** A service deployment with the counts and circuit breaker state it shows now. */
  public record DescribedDeployment(
      ServiceDeployments.Record deployment,
      ServiceDeployments.RevisionCounts target,
      Map<String, ServiceDeployments.RevisionCounts> sources,
      ServiceDeployments.Breaker breaker)
      implements CborSerializable {}

  public record HistoryAnswer(
      List<DescribedDeployment> deployments, List<ServiceDeployments.Revision> revisions)
      implements CborSerializable {}

  private record Passivate() implements Command {}

  /**
   * The cluster's answer to what this service last told it (local: the entity sends it to itself,
   * never across nodes).
   */
  private record ClusterAnswered(boolean listed, Throwable failure) implements Command {}

  /** Tell the cluster again after it did not answer. */
  private record RetryCluster() implements Command {}

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

  /**
   * StopServiceDeployment asked service deployment {@code serviceDeploymentId} to roll back to
   * revision {@code revisionId}, which deployment {@code deploymentId} runs (recorded before the
   * deployments change that starts it).
   */
  public record ServiceDeploymentRollbackRequested(
      String serviceDeploymentId, String revisionId, String deploymentId, Instant at)
      implements Event {}

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
      List<Tag> tags,
      JsonNode networkConfiguration,
      List<CapacityProviderStrategyItem> capacityProviderStrategy)
      implements CborSerializable {

    public ServiceSpec {
      // absent, however it was written: Jackson reads a null JsonNode member as a NullNode
      if (networkConfiguration != null && networkConfiguration.isNull()) {
        networkConfiguration = null;
      }
      // Specs recorded before services kept a strategy have none.
      capacityProviderStrategy =
          capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
    }

    /**
     * A service without a networkConfiguration (its tasks' network mode is not awsvpc) or a
     * capacity provider strategy.
     */
    public ServiceSpec(
        String serviceName,
        String taskDefinitionArn,
        int desiredCount,
        SchedulingStrategy scheduling,
        String launchType,
        DeploymentSettings deploymentConfiguration,
        List<ConstraintSpec> placementConstraints,
        List<StrategySpec> placementStrategy,
        Integer healthCheckGracePeriodSeconds,
        List<Tag> tags) {
      this(
          serviceName,
          taskDefinitionArn,
          desiredCount,
          scheduling,
          launchType,
          deploymentConfiguration,
          placementConstraints,
          placementStrategy,
          healthCheckGracePeriodSeconds,
          tags,
          null,
          List.of());
    }

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
          tags,
          networkConfiguration,
          capacityProviderStrategy);
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
          next,
          networkConfiguration,
          capacityProviderStrategy);
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
      boolean forceNewDeployment,
      List<CapacityProviderStrategyItem> capacityProviderStrategy)
      implements CborSerializable {
    /** A change that keeps the capacity provider strategy. */
    public ServiceChange(
        Integer desiredCount,
        String taskDefinitionArn,
        DeploymentSettings deploymentConfiguration,
        List<ConstraintSpec> placementConstraints,
        List<StrategySpec> placementStrategy,
        Integer healthCheckGracePeriodSeconds,
        boolean forceNewDeployment) {
      this(
          desiredCount,
          taskDefinitionArn,
          deploymentConfiguration,
          placementConstraints,
          placementStrategy,
          healthCheckGracePeriodSeconds,
          forceNewDeployment,
          null);
    }
  }

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

  /** Before CreateService; it knows where the service would be. */
  public record NoService(String accountId, String clusterName) implements State {}

  /**
   * ACTIVE or DRAINING. {@code history} is null in a snapshot written before service deployments
   * were kept ({@link #historyIn} derives it then).
   */
  public record LiveService(ServiceView view, ServiceDeployments.History history) implements State {
    LiveService(ServiceView view) {
      this(view, null);
    }
  }

  public record InactiveService(ServiceView view, ServiceDeployments.History history)
      implements State {
    InactiveService(ServiceView view) {
      this(view, null);
    }
  }

  /**
   * Everything a service does to the rest of the system (through its controller), behind one seam
   * so the service can be tested alone. The production implementation ({@link ServiceEffects}) asks
   * the cluster's placement, task definitions and tasks.
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

    /** Launches tasks: the one pipeline RunTask and StartTask use too. */
    TaskLauncher launcher();

    /** Creates a launched task's Task entity (through {@link #launcher()}). */
    CompletionStage<TaskReport> createTask(
        String accountId, String clusterName, String taskId, TaskSpec spec);

    void stopTask(
        String accountId, String clusterName, String taskId, String stopCode, String reason);

    /** The task's state; empty when no Task entity of that id exists. */
    CompletionStage<Optional<TaskReport>> task(String accountId, String clusterName, String taskId);

    /**
     * Tells the cluster whether it lists the service: while ACTIVE or DRAINING it does
     * (DeleteCluster refuses, ListServices shows it), once INACTIVE it does not. Idempotent; a
     * refusal (the cluster is not ACTIVE) comes back as the cluster's StatusReply error, so it can
     * be told from a timeout.
     */
    CompletionStage<Done> clusterLists(
        String accountId, String clusterName, String serviceName, boolean listed);
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
   * @param clock where the service and its controller take their time from
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
   * The service's controller (a child: gone with this actor), while the service is live; a new one
   * for every life (create, recovery).
   */
  private ActorRef<ServiceController.Command> controller;

  private int controllers;

  /** How long a service waits before telling a cluster that did not answer again. */
  static final Duration CLUSTER_RETRY = Duration.ofSeconds(1);

  // What the cluster was last told and acknowledged (null: nothing yet), and who waits for it; not
  // persisted: a recovered service tells its cluster again.
  private Boolean acknowledged;
  private boolean telling;
  private final List<Waiting> waiting = new ArrayList<>();

  /** A Create whose answer waits until the cluster lists the service. */
  private record Waiting(ServiceView answer, ActorRef<StatusReply<ServiceView>> replyTo) {}

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

  @Override
  public State emptyState() {
    return noService(entityId);
  }

  /** The state of a service that was never created: where the history's replay starts. */
  public static State noService(String entityId) {
    String[] parts = entityId.split("/", 3);
    return new NoService(parts[0], parts[1]);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              // an INACTIVE service's controller just stops; the service tells its cluster again
              viewIn(state).ifPresent(this::startController);
              viewIn(state).ifPresent(view -> tellCluster(listedByCluster(view)));
              if (state instanceof InactiveService) passivateLater();
            })
        .build();
  }

  private void startController(ServiceView view) {
    ActorRef<ServiceController.Command> started =
        ctx.spawn(
            ServiceController.create(
                entityId, view, ctx.getSelf(), settings, effects, reconciler, clock),
            "controller-" + ++controllers);
    controller = view.status() == ServiceStatus.INACTIVE ? null : started;
  }

  private void passivateLater() {
    timers.startSingleTimer("passivate", new Passivate(), Duration.ofMinutes(1));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forAnyState()
        .onCommand(ClusterAnswered.class, this::clusterAnswered)
        .onCommand(RetryCluster.class, (s, c) -> retryCluster(s));
    builder
        .forStateType(NoService.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, c -> notFound(c.replyTo()))
        .onCommand(Update.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()))
        .onCommand(TagResource.class, c -> notFound(c.replyTo()))
        .onCommand(UntagResource.class, c -> notFound(c.replyTo()))
        .onCommand(ListDeployments.class, c -> notFound(c.replyTo()))
        .onCommand(DescribeHistory.class, c -> notFound(c.replyTo()))
        .onCommand(StopDeployment.class, c -> deploymentNotFound(c.replyTo()))
        .onAnyCommand(c -> ignored());
    builder
        .forStateType(InactiveService.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Update.class, c -> notActive(c.replyTo()))
        .onCommand(Delete.class, c -> notActive(c.replyTo()))
        .onCommand(TagResource.class, c -> notActive(c.replyTo()))
        .onCommand(UntagResource.class, c -> notActive(c.replyTo()))
        .onCommand(Passivate.class, c -> passivate(c))
        .onCommand(ListDeployments.class, (s, c) -> listDeployments(s, c))
        .onCommand(DescribeHistory.class, (s, c) -> describeHistory(s, c))
        .onCommand(StopDeployment.class, (s, c) -> stopDeployment(s, c))
        // what a controller sent before the service went inactive
        .onCommand(
            RecordDecision.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new ServiceController.DecisionRecorded(c.decision(), false, s.view())))
        .onCommand(
            RecordLaunch.class,
            c ->
                Effect()
                    .reply(c.replyTo(), new ServiceController.LaunchRecorded(taskIds(c), false)))
        .onCommand(
            RecordTaskReports.class,
            c -> Effect().reply(c.replyTo(), new ServiceController.ReportsRecorded(false)))
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
                    : record(List.of(new ServiceTagged(c.tags())))
                        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(
            UntagResource.class,
            (s, c) ->
                record(List.of(new ServiceUntagged(c.tagKeys())))
                    .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(
            TaskChanged.class, c -> toController(new ServiceController.TaskChanged(c.report())))
        .onCommand(Reconcile.class, c -> toController(new ServiceController.Reconcile()))
        .onCommand(RecordDecision.class, (s, c) -> recordDecision(s.view(), c))
        .onCommand(RecordLaunch.class, (s, c) -> recordLaunch(s.view(), c))
        .onCommand(RecordTaskReports.class, (s, c) -> recordTaskReports(s.view(), c))
        .onCommand(ListDeployments.class, (s, c) -> listDeployments(s, c))
        .onCommand(DescribeHistory.class, (s, c) -> describeHistory(s, c))
        .onCommand(StopDeployment.class, (s, c) -> stopDeployment(s, c))
        .onCommand(Passivate.class, c -> Effect().noReply());
    return builder.build();
  }

  /**
   * An INACTIVE service needs no actor. A remembered entity must leave through its shard (which
   * also forgets it); stopping on its own would count as a crash and start it again.
   */
  private ReplyEffect<Event, State> passivate(Passivate c) {
    // Not before the cluster forgot it: a passivated remembered entity is not started again.
    if (telling || !Boolean.FALSE.equals(acknowledged)) {
      passivateLater();
      return Effect().noReply();
    }
    if (shard == null) return Effect().stop().thenNoReply();
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> ignored() {
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> toController(ServiceController.Command message) {
    tellController(message);
    return Effect().noReply();
  }

  private void tellController(ServiceController.Command message) {
    if (controller != null) controller.tell(message);
  }

  /**
   * Persists {@code events} and hands the new state and the events to the controller, which carries
   * out the stops they order; the first life of a service starts its controller, an INACTIVE one
   * lets it go (it stops), tells the cluster to forget the service and passivates.
   */
  private EffectBuilder<Event, State> record(List<Event> events) {
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              ServiceView view = viewOf(next);
              if (controller == null) startController(view);
              else controller.tell(new ServiceController.StateChanged(view, events));
              if (next instanceof InactiveService) {
                controller = null;
                passivateLater();
                tellCluster(false);
              }
            });
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
    // Answered once the cluster lists the service: ListServices right after shows it.
    return record(List.of(new ServiceCreated(c.spec(), first, c.at())))
        .thenRun(next -> answerOnceListed(viewOf(next), c.replyTo()))
        .thenNoReply();
  }

  // ---- the cluster's list of services ----

  /** Whether the cluster lists a service in this state: until it is INACTIVE. */
  private static boolean listedByCluster(ServiceView view) {
    return view.status() != ServiceStatus.INACTIVE;
  }

  /** Answers CreateService with {@code answer} once the cluster lists the service. */
  private void answerOnceListed(ServiceView answer, ActorRef<StatusReply<ServiceView>> replyTo) {
    if (!telling && Boolean.TRUE.equals(acknowledged)) {
      replyTo.tell(StatusReply.success(answer));
      return;
    }
    waiting.add(new Waiting(answer, replyTo));
    tellCluster(true);
  }

  private void tellCluster(boolean listed) {
    if (telling) return; // its answer tells again when the service changed meanwhile
    telling = true;
    ctx.pipeToSelf(
        effects.clusterLists(accountId, clusterName, serviceName, listed),
        (done, failure) -> new ClusterAnswered(listed, failure));
  }

  private ReplyEffect<Event, State> clusterAnswered(State state, ClusterAnswered answer) {
    telling = false;
    Boolean now = viewIn(state).map(Service::listedByCluster).orElse(null);
    if (answer.failure() == null) {
      acknowledged = answer.listed();
      // Those waiting are answered when the cluster lists the service, or when the service went
      // INACTIVE since (their creation happened and was overtaken).
      if (answer.listed() || Boolean.FALSE.equals(now)) {
        waiting.forEach(w -> w.replyTo().tell(StatusReply.success(w.answer())));
        waiting.clear();
      }
      if (now != null && now != answer.listed()) tellCluster(now);
      return Effect().noReply();
    }
    var refusal = Rejection.of(answer.failure());
    if (refusal.isPresent()) {
      // The cluster refuses (it is not ACTIVE): telling it again cannot help.
      waiting.forEach(
          w -> w.replyTo().tell(Rejection.reply(refusal.get().type(), refusal.get().message())));
      waiting.clear();
      acknowledged = answer.listed() ? null : Boolean.FALSE; // a cluster that is gone lists nothing
      return Effect().noReply();
    }
    // It did not answer: tell it again shortly; the callers keep waiting (or time out and retry).
    ctx.scheduleOnce(CLUSTER_RETRY, ctx.getSelf(), new RetryCluster());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> retryCluster(State state) {
    viewIn(state).map(Service::listedByCluster).ifPresent(this::tellCluster);
    return Effect().noReply();
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
            // A strategy given replaces the launch type (ECS takes one or the other).
            change.capacityProviderStrategy() != null
                    && !change.capacityProviderStrategy().isEmpty()
                ? null
                : old.launchType(),
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
            old.tags(),
            old.networkConfiguration(),
            change.capacityProviderStrategy() != null
                ? change.capacityProviderStrategy()
                : old.capacityProviderStrategy());
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
    return record(events)
        .thenRun(next -> tellController(new ServiceController.Reconcile()))
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
    events.addAll(drainStops(view, c.at()));
    if (!view.hasLiveTasks()) events.add(new ServiceInactivated(c.at()));
    return record(events).thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
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

  // ---- service deployments and revisions ----
  private ReplyEffect<Event, State> listDeployments(State state, ListDeployments c) {
    return Effect()
        .reply(
            c.replyTo(), StatusReply.success(ServiceDeployments.page(historyIn(state), c.query())));
  }

  private ReplyEffect<Event, State> describeHistory(State state, DescribeHistory c) {
    ServiceView view = viewOf(state);
    ServiceDeployments.History h = historyIn(state);
    List<DescribedDeployment> deployments =
        ServiceDeployments.found(c.serviceDeploymentIds(), h::deployment).stream()
            .map(r -> described(view, h, r))
            .toList();
    List<ServiceDeployments.Revision> revisions =
        ServiceDeployments.found(c.revisionIds(), h::revision);
    return Effect()
        .reply(c.replyTo(), StatusReply.success(new HistoryAnswer(deployments, revisions)));
  }

  private static DescribedDeployment described(
      ServiceView view, ServiceDeployments.History h, ServiceDeployments.Record r) {
    Map<String, ServiceDeployments.RevisionCounts> sources = new TreeMap<>();
    for (String id : r.sourceRevisionIds()) sources.put(id, ServiceDeployments.counts(view, h, id));
    return new DescribedDeployment(
        r,
        ServiceDeployments.counts(view, h, r.targetRevisionId()),
        sources,
        ServiceDeployments.breaker(view, r));
  }

  /**
   * A rollback of a deployment under way to its newest source revision, in a new PRIMARY
   * deployment; the stopped one becomes ACTIVE (FAILED) and is drained.
   */
  private ReplyEffect<Event, State> stopDeployment(State state, StopDeployment c) {
    ServiceDeployments.History h = historyIn(state);
    Optional<ServiceDeployments.Record> found = h.deployment(c.serviceDeploymentId());
    if (found.isEmpty()) return deploymentNotFound(c.replyTo());
    ServiceDeployments.Record r = found.get();
    ServiceView view = viewOf(state);
    Optional<Deployment> forward =
        view.deployments().stream().filter(d -> d.id().equals(r.deploymentId())).findFirst();
    if (r.status() != ServiceDeployments.Status.IN_PROGRESS
        || view.status() != ServiceStatus.ACTIVE
        || forward.isEmpty()
        || forward.get().status() != DeploymentStatus.PRIMARY) {
      return Effect()
          .reply(
              c.replyTo(),
              Rejection.reply(
                  ErrorType.CONFLICT,
                  "The service deployment is "
                      + r.status()
                      + " and can only be stopped while IN_PROGRESS."));
    }
    if (r.sourceRevisionIds().isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              Rejection.reply(
                  ErrorType.CONFLICT,
                  "The service deployment has no source service revision to roll back to."));
    }
    String revisionId = r.sourceRevisionIds().get(r.sourceRevisionIds().size() - 1);
    ServiceDeployments.Revision revision = h.revision(revisionId).orElseThrow();
    Instant at = c.at();
    List<Deployment> next = new ArrayList<>();
    for (Deployment d : view.deployments()) {
      next.add(
          d.id().equals(r.deploymentId())
              ? new Deployment(
                  d.id(),
                  DeploymentStatus.ACTIVE,
                  d.taskDefinitionArn(),
                  RolloutState.FAILED,
                  "Service deployment stopped: rolling back.",
                  d.failedTasks(),
                  d.createdAt(),
                  at)
              : d);
    }
    next.add(
        new Deployment(
            c.deploymentId(),
            DeploymentStatus.PRIMARY,
            revision.taskDefinitionArn(),
            RolloutState.IN_PROGRESS,
            "Rolling back from deployment "
                + r.deploymentId()
                + " to service revision "
                + revisionId
                + " on request.",
            0,
            at,
            at));
    List<Event> events = new ArrayList<>();
    events.add(new ServiceDeploymentRollbackRequested(r.id(), revisionId, c.deploymentId(), at));
    events.add(new DeploymentsChanged(next, at));
    // as for any new deployment, tasks that could not start do not hold the rollback back
    if (!view.throttle().equals(Throttle.NONE)) events.add(new ThrottleChanged(Throttle.NONE, at));
    events.add(
        new ServiceEventRecorded(
            new ServiceEvent(
                UUID.randomUUID().toString(),
                at,
                ServiceReconciler.DEPLOYMENT_IN_PROGRESS,
                "INFO",
                "(service "
                    + serviceName
                    + ") (deployment "
                    + c.deploymentId()
                    + ") rolling back from deployment "
                    + r.deploymentId()
                    + " to "
                    + revision.taskDefinitionArn()
                    + " on request.")));
    return record(events)
        .thenRun(s -> tellController(new ServiceController.Reconcile()))
        .thenReply(
            c.replyTo(), s -> StatusReply.success(historyIn(s).deployment(r.id()).orElseThrow()));
  }

  private <T> ReplyEffect<Event, State> deploymentNotFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            Rejection.reply(
                ErrorType.SERVICE_DEPLOYMENT_NOT_FOUND, "The service deployment does not exist."));
  }

  // ---- what the controller decided and learned ----
  /**
   * Records a decision made from this very state (a state that moved on since is handed back for a
   * new decision). A DAEMON service records its desired count first.
   */
  private ReplyEffect<Event, State> recordDecision(ServiceView view, RecordDecision c) {
    if (c.basisVersion() != view.version() || view.status() != ServiceStatus.ACTIVE) {
      return Effect()
          .reply(c.replyTo(), new ServiceController.DecisionRecorded(c.decision(), false, view));
    }
    List<Event> events = eventsOf(view, c.decision(), c.at());
    if (view.spec().scheduling() == SchedulingStrategy.DAEMON
        && c.desiredCount() != view.spec().desiredCount())
      events.add(0, new DaemonDesiredCountChanged(c.desiredCount(), c.at()));
    if (events.isEmpty()) {
      return Effect()
          .reply(c.replyTo(), new ServiceController.DecisionRecorded(c.decision(), true, view));
    }
    return record(events)
        .thenReply(
            c.replyTo(),
            next -> new ServiceController.DecisionRecorded(c.decision(), true, viewOf(next)));
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

  private static List<String> taskIds(RecordLaunch c) {
    return c.tasks().stream().map(LaunchedTask::taskId).toList();
  }

  /**
   * Placed tasks, recorded before their Task entities are created, and a placement failure (once
   * per {@code repeatedEventInterval}).
   */
  private ReplyEffect<Event, State> recordLaunch(ServiceView view, RecordLaunch c) {
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    if (!c.tasks().isEmpty()) {
      events.add(new TasksLaunched(c.deploymentId(), c.tasks(), now));
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
                      + c.tasks().size()
                      + " tasks: "
                      + c.tasks().stream()
                          .map(t -> "(task " + t.taskId() + ")")
                          .collect(Collectors.joining(" "))
                      + ".")));
    }
    if (c.placementFailure() != null && !recentlySaid(view, c.placementFailure(), now)) {
      events.add(
          new ServiceEventRecorded(
              new ServiceEvent(
                  UUID.randomUUID().toString(),
                  now,
                  "SERVICE_TASK_PLACEMENT_FAILURE",
                  "WARN",
                  c.placementFailure())));
    }
    ServiceController.LaunchRecorded recorded =
        new ServiceController.LaunchRecorded(taskIds(c), true);
    if (events.isEmpty()) return Effect().reply(c.replyTo(), recorded);
    return record(events).thenReply(c.replyTo(), next -> recorded);
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

  /**
   * Records what the tasks reported that matters to the service; the last task of a deleted service
   * to stop makes it INACTIVE. The reply says whether the reconciler should look again.
   */
  private ReplyEffect<Event, State> recordTaskReports(ServiceView view, RecordTaskReports c) {
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    Map<String, ServiceTask> recorded = new java.util.HashMap<>();
    boolean decideAgain = false;
    for (TaskReport report : c.reports()) {
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
    if (events.isEmpty())
      return Effect().reply(c.replyTo(), new ServiceController.ReportsRecorded(false));
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
    ServiceController.ReportsRecorded answer =
        new ServiceController.ReportsRecorded(decideAgain && !drainingDone);
    return record(events).thenReply(c.replyTo(), next -> answer);
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
    return EVENTS;
  }

  /**
   * The state after {@code event}: a pure function of the two, which the entity's event handler and
   * the history's replay both use.
   */
  public static State applied(State state, Event event) {
    return EVENTS.apply(state, event);
  }

  private static final EventHandler<State, Event> VIEW_EVENTS = events();

  /** The view's handlers, then the deployment history carried over and moved on by the event. */
  private static final EventHandler<State, Event> EVENTS =
      (state, event) -> withHistory(state, VIEW_EVENTS.apply(state, event), event);

  private static State withHistory(State before, State after, Event event) {
    Optional<ServiceView> afterView = viewIn(after);
    if (afterView.isEmpty()) return after;
    Optional<ServiceView> beforeView = viewIn(before);
    ServiceDeployments.History h =
        beforeView.isPresent() ? historyIn(before) : ServiceDeployments.History.EMPTY;
    ServiceView v = afterView.get();
    if (event instanceof ServiceCreated e) {
      h = ServiceDeployments.started(h, null, e.deployment(), v);
    } else if (event instanceof DeploymentStarted e) {
      h = ServiceDeployments.started(h, beforeView.orElse(null), e.deployment(), v);
    } else if (event instanceof DeploymentsChanged e) {
      h =
          ServiceDeployments.changed(
              h,
              beforeView.map(ServiceView::deployments).orElse(List.of()),
              e.deployments(),
              e.at());
    } else if (event instanceof ServiceDeploymentRollbackRequested e) {
      h =
          ServiceDeployments.rollbackRequested(
              h, e.serviceDeploymentId(), e.revisionId(), e.deploymentId(), e.at());
    } else if (event instanceof ServiceDeleted e) {
      h = ServiceDeployments.serviceDeleted(h, e.at());
    }
    if (after instanceof LiveService) return new LiveService(v, h);
    return new InactiveService(v, h);
  }

  /** The service's deployment history; derived from its deployments for an older snapshot. */
  static ServiceDeployments.History historyIn(State state) {
    ServiceDeployments.History h = null;
    if (state instanceof LiveService l) h = l.history();
    if (state instanceof InactiveService i) h = i.history();
    if (h != null) return h;
    return viewIn(state)
        .map(ServiceDeployments::derivedFrom)
        .orElse(ServiceDeployments.History.EMPTY);
  }

  private static EventHandler<State, Event> events() {
    EventHandlerBuilder<State, Event> builder = EventHandlerBuilder.builder();
    builder
        .forStateType(NoService.class)
        .onEvent(ServiceCreated.class, (s, e) -> created(s.accountId(), s.clusterName(), e, 0));
    builder
        .forStateType(InactiveService.class)
        .onEvent(
            ServiceCreated.class,
            (s, e) -> created(s.view().accountId(), s.view().clusterName(), e, s.view().version()));
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
              // start its tasks a fresh chance: the reconciler's contract leaves this reset to the
              // entity.
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
        // the history alone changes (withHistory); the deployments change that follows starts it
        .onEvent(ServiceDeploymentRollbackRequested.class, (s, e) -> live(s.view()))
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

  private static State created(
      String accountId, String clusterName, ServiceCreated e, long version) {
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
