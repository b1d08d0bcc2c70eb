package io.harbormaster.instance;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import io.harbormaster.scheduler.filter.ActiveInstanceFilter;
import io.harbormaster.scheduler.filter.AgentConnectedFilter;
import io.harbormaster.scheduler.filter.PlacementFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * A container instance: a host with an agent. The single writer of its resources: every task placed
 * here first reserves CPU, memory and ports through this entity, so nothing is double-booked. A
 * reservation whose task never shows up is released by a timer. Entity id: {@code
 * <account>/<cluster>/<instanceId>}.
 */
public final class ContainerInstance
    extends EventSourcedBehaviorWithEnforcedReplies<
        ContainerInstance.Command, ContainerInstance.Event, ContainerInstance.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ContainerInstance");

  public static String entityId(String accountId, String clusterName, String instanceId) {
    return accountId + "/" + clusterName + "/" + instanceId;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Register(
      Registration registration, Instant at, ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<InstanceView>> replyTo) implements Command {}

  public record Deregister(boolean force, Instant at, ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  public record ChangeStatus(Status status, Instant at, ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  public record PutAttributes(
      List<Attribute> attributes, ActorRef<StatusReply<InstanceView>> replyTo) implements Command {}

  public record DeleteAttributes(List<String> names, ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  /**
   * StartTask's claim on resources for one task on a named instance; refused with the ECS reason
   * (RESOURCE:CPU, ..., AGENT when the instance's agent is disconnected).
   */
  public record Reserve(
      String taskId,
      Demand demand,
      TaskSummary summary,
      Instant at,
      ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  /**
   * Placement's claim for several tasks at once: each is judged as a {@link Reserve} would judge
   * it, against what the earlier tasks of the batch left, and all that fit are persisted in one
   * write (one journal round trip for a service's 50 tasks on one host, not 50). Replies with every
   * task's answer, not an error, unless there is no instance.
   */
  public record ReserveAll(
      List<TaskReservation> tasks, Instant at, ActorRef<StatusReply<ReservationsOutcome>> replyTo)
      implements Command {}

  /**
   * The task's progress, so counts are right and a stopped task gives its resources back. PENDING
   * is not persisted: the task's own TaskCreated says as much, and the instance only needs it to
   * keep the reservation from timing out, which the entity remembers in memory (the agent's session
   * tells it again after a restart, see {@code AgentSession}); a reservation still RESERVED in the
   * journal when its timer fires is then persisted as PENDING. So a task costs its instance two
   * writes on the way to RUNNING, not three.
   */
  public record TrackTask(
      String taskId, TaskPhase phase, Instant at, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record Release(String taskId, Instant at, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** Write the phase changes told since the last write (see {@code unwrittenPhases}). */
  private record WritePhases() implements Command {}

  /**
   * The cluster's answer to what this instance last told it (local: the entity sends it to itself,
   * never across nodes).
   */
  private record ClusterAnswered(boolean listed, Throwable failure) implements Command {}

  /** Tell the cluster again after it did not answer. */
  private record RetryCluster() implements Command {}

  /**
   * The agent's session connected (with the session to push to) or closed. A close from a session
   * that is no longer the current one is ignored, so a reconnect that overtakes the old session's
   * close keeps the agent connected.
   */
  public record ChangeAgentConnection(
      boolean connected,
      VersionInfo versionInfo,
      ActorRef<AgentMessages.Push> session,
      Instant at,
      ActorRef<StatusReply<InstanceView>> replyTo)
      implements Command {}

  /**
   * A message for this instance's agent; dropped when no agent is connected (the next reconcile
   * resends).
   */
  public record DeliverToAgent(AgentMessages.AgentMessage message) implements Command {}

  /** Timer tick: reservations still waiting for their task after the timeout are given back. */
  public record ExpireReservations() implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record InstanceRegistered(Registration registration, Instant at) implements Event {}

  public record InstanceStatusChanged(Status status, Instant at) implements Event {}

  public record InstanceDeregistered(Instant at) implements Event {}

  public record AttributesPut(List<Attribute> attributes) implements Event {}

  public record AttributesDeleted(List<String> names) implements Event {}

  public record ResourcesReserved(String taskId, Demand demand, TaskSummary summary, Instant at)
      implements Event {}

  public record TaskPhaseTracked(String taskId, TaskPhase phase, Instant at) implements Event {}

  public record ResourcesReleased(String taskId, String reason, Instant at) implements Event {}

  public record AgentConnected(VersionInfo versionInfo, Instant at) implements Event {}

  public record AgentDisconnected(Instant at) implements Event {}

  // ---- data ----
  public enum Status {
    ACTIVE,
    DRAINING,
    INACTIVE
  }

  /**
   * RESERVED: placement holds resources (and the task may exist already: PENDING is only persisted
   * when a reservation of a created task outlives its timeout). STOPPING: asked to stop. STOPPED
   * releases.
   */
  public enum TaskPhase {
    RESERVED,
    PENDING,
    RUNNING,
    STOPPING,
    STOPPED
  }

  public record Attribute(String name, String value) implements CborSerializable {}

  public record VersionInfo(String agentVersion, String agentHash, String dockerVersion)
      implements CborSerializable {}

  /**
   * CPU units, memory MiB, and the host ports in use (the registered ones include the agent's
   * reserved ports), as registered and shown; what is left is worked out by the scheduler's {@link
   * io.harbormaster.scheduler.Resources} (see {@link InstanceSnapshots}).
   */
  /** An instance's resources; {@code gpus}: how many GPUs (0 in events recorded before them). */
  public record Resources(
      int cpu, int memory, SortedSet<Integer> tcpPorts, SortedSet<Integer> udpPorts, int gpus)
      implements CborSerializable {

    public Resources(
        int cpu, int memory, SortedSet<Integer> tcpPorts, SortedSet<Integer> udpPorts) {
      this(cpu, memory, tcpPorts, udpPorts, 0);
    }

    static Resources of(io.harbormaster.scheduler.Resources r) {
      return new Resources(
          r.cpu(),
          r.memoryMiB(),
          new TreeSet<>(r.tcpPorts()),
          new TreeSet<>(r.udpPorts()),
          r.gpus());
    }
  }

  /** What one task needs from its host; port 0 (dynamic) is not reserved here. */
  public record Demand(int cpu, int memory, Set<Integer> tcpPorts, Set<Integer> udpPorts, int gpus)
      implements CborSerializable {

    public Demand(int cpu, int memory, Set<Integer> tcpPorts, Set<Integer> udpPorts) {
      this(cpu, memory, tcpPorts, udpPorts, 0);
    }

    /** This demand as the scheduler states it, for a task of this group; no constraints. */
    public TaskDemand inGroup(String group) {
      return TaskDemand.of(cpu, memory, group).withPorts(tcpPorts, udpPorts).withGpus(gpus);
    }
  }

  public record Registration(
      String instanceId,
      String ec2InstanceId,
      Resources total,
      List<Attribute> attributes,
      VersionInfo versionInfo,
      List<Tag> tags)
      implements CborSerializable {}

  public record Reservation(
      String taskId, Demand demand, TaskSummary summary, TaskPhase phase, Instant since)
      implements CborSerializable {}

  /** One task of a {@link ReserveAll}. */
  public record TaskReservation(String taskId, Demand demand, TaskSummary summary)
      implements CborSerializable {}

  /**
   * A task of a {@link ReserveAll} that was not reserved, with the refusal a single {@link Reserve}
   * would have given ({@code ResourceShortfall} with RESOURCE:CPU, ..., or {@code
   * InvalidParameterException} for an instance that takes no new tasks).
   */
  public record Refusal(String taskId, ErrorType errorType, String reason)
      implements CborSerializable {}

  /**
   * The answer to a {@link ReserveAll}: the tasks reserved (new ones and retried ones already
   * held), those refused, both in the batch's order, and the instance after the write.
   */
  public record ReservationsOutcome(List<String> reserved, List<Refusal> refused, InstanceView view)
      implements CborSerializable {}

  /**
   * What ListTasks filters on and placement groups by, kept with the reservation; the capacity
   * provider a task was launched on lets a service count its tasks per provider (null without one,
   * and in reservations recorded before it was kept).
   */
  public record TaskSummary(String family, String group, String startedBy, String capacityProvider)
      implements CborSerializable {
    /** A task launched without a capacity provider strategy. */
    public TaskSummary(String family, String group, String startedBy) {
      this(family, group, startedBy, null);
    }
  }

  /**
   * The reason of a release because the task stopped (not a reservation given back before its task
   * ran).
   */
  public static final String TASK_STOPPED = "task stopped";

  /** How many stopped tasks an instance remembers for ListTasks(desiredStatus=STOPPED). */
  public static final int RECENTLY_STOPPED = 100;

  /** What every reply carries: the instance as DescribeContainerInstances shows it. */
  public record InstanceView(
      String accountId,
      String clusterName,
      Registration registration,
      Status status,
      boolean agentConnected,
      VersionInfo versionInfo,
      Instant registeredAt,
      SortedMap<String, Attribute> attributes,
      SortedMap<String, Reservation> reservations,
      List<Reservation> recentlyStopped,
      long version,
      Instant disconnectedSince)
      implements CborSerializable {

    /** What is left once every reservation is taken off what the instance registered. */
    public Resources remaining() {
      return Resources.of(InstanceSnapshots.remaining(this));
    }

    public int runningTasksCount() {
      return (int)
          reservations.values().stream().filter(r -> r.phase() == TaskPhase.RUNNING).count();
    }

    public int pendingTasksCount() {
      return (int)
          reservations.values().stream().filter(r -> r.phase() != TaskPhase.RUNNING).count();
    }

    InstanceView with(
        Status nextStatus,
        boolean connected,
        VersionInfo info,
        SortedMap<String, Attribute> attrs,
        SortedMap<String, Reservation> res) {
      return new InstanceView(
          accountId,
          clusterName,
          registration,
          nextStatus,
          connected,
          info,
          registeredAt,
          Collections.unmodifiableSortedMap(attrs),
          Collections.unmodifiableSortedMap(res),
          recentlyStopped,
          version + 1,
          disconnectedSince);
    }

    InstanceView withStopped(Reservation stopped) {
      List<Reservation> next = new ArrayList<>(recentlyStopped);
      next.add(0, stopped);
      if (next.size() > RECENTLY_STOPPED) next.remove(next.size() - 1);
      return new InstanceView(
          accountId,
          clusterName,
          registration,
          status,
          agentConnected,
          versionInfo,
          registeredAt,
          attributes,
          reservations,
          List.copyOf(next),
          version,
          disconnectedSince);
    }

    /**
     * Since when the agent is away (null while connected): services replace its tasks after a
     * timeout.
     */
    InstanceView withDisconnectedSince(Instant since) {
      return new InstanceView(
          accountId,
          clusterName,
          registration,
          status,
          agentConnected,
          versionInfo,
          registeredAt,
          attributes,
          reservations,
          recentlyStopped,
          version,
          since);
    }
  }

  public sealed interface State extends CborSerializable {}

  /** Before the instance registers; knows its entity id, which names its account and cluster. */
  public record NoInstance(String entityId) implements State {}

  /** ACTIVE or DRAINING. */
  public record LiveInstance(InstanceView view) implements State {}

  public record InactiveInstance(InstanceView view) implements State {}

  // ---- behaviour ----
  /**
   * @param region the installation's region, for the instance's ARN in the snapshot its
   *     reservations are judged on
   */
  public static void init(
      ActorSystem<?> system,
      EventTags tags,
      String region,
      Duration reservationTimeout,
      Effects effects,
      ClusterMembership membership,
      Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                ENTITY_KEY,
                ctx ->
                    create(
                        ctx.getEntityId(),
                        tags,
                        region,
                        reservationTimeout,
                        effects,
                        membership,
                        clock)));
  }

  public static Behavior<Command> create(
      String entityId,
      EventTags tags,
      String region,
      Duration reservationTimeout,
      Effects effects,
      ClusterMembership membership,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new ContainerInstance(
                        entityId,
                        tags,
                        region,
                        reservationTimeout,
                        ctx,
                        timers,
                        effects,
                        membership,
                        clock)));
  }

  private final String entityId;
  private final EventTags tags;
  private final String region;
  private final Duration reservationTimeout;
  private final ActorRef<Command> self;
  private final TimerScheduler<Command> timers;
  private final Effects effects;
  private final ClusterMembership membership;
  private final ActorContext<Command> context;

  /** When reservations expire; the expiry's events are stamped with it too. */
  private final Clock clock;

  /**
   * Phase changes (RUNNING, STOPPING, STOPPED) told but not written yet. The first queues a {@link
   * WritePhases}; those told before it is handled (above all those stashed while the instance
   * writes) share its write, so the tasks of a launch reaching RUNNING together cost a few writes,
   * not one each. Each is acknowledged once written.
   */
  private final List<TrackTask> unwrittenPhases = new ArrayList<>();

  /**
   * The connected agent's session; not persisted: an agent re-announces it with every heartbeat.
   */
  private ActorRef<AgentMessages.Push> session;

  /**
   * Tasks told PENDING while their reservation is RESERVED in the journal: they exist, so they do
   * not expire.
   */
  private final Set<String> created = new java.util.HashSet<>();

  /**
   * Who learns of an instance's changes: the cluster's placement, which keeps a snapshot of its
   * instances.
   */
  public interface Effects {
    void changed(InstanceView view);
  }

  /**
   * The cluster's list of its container instances, which DeleteCluster and the cluster's counts
   * read. The instance keeps it told: listed while ACTIVE or DRAINING, not listed once INACTIVE.
   * Idempotent; an instance tells it again until it answers, and again after each recovery. A
   * refusal (the cluster is not ACTIVE) comes back as the cluster's StatusReply error, so it can be
   * told from a timeout.
   */
  @FunctionalInterface
  public interface ClusterMembership {
    CompletionStage<Done> clusterLists(
        String accountId, String clusterName, String instanceId, boolean listed);
  }

  /** How long an instance waits before telling a cluster that did not answer again. */
  static final Duration CLUSTER_RETRY = Duration.ofSeconds(1);

  // What the cluster was last told and acknowledged (null: nothing yet), and who waits for it; not
  // persisted: a recovered instance tells its cluster again.
  private Boolean acknowledged;
  private boolean telling;
  private final List<Waiting> waiting = new ArrayList<>();

  /** A Register or Deregister whose answer waits until the cluster lists the instance as it is. */
  private record Waiting(
      boolean wants, InstanceView answer, ActorRef<StatusReply<InstanceView>> replyTo) {}

  private ContainerInstance(
      String entityId,
      EventTags tags,
      String region,
      Duration reservationTimeout,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Effects effects,
      ClusterMembership membership,
      Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    this.tags = tags;
    this.region = region;
    this.reservationTimeout = reservationTimeout;
    this.context = context;
    this.self = context.getSelf();
    this.timers = timers;
    this.effects = effects;
    this.membership = membership;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return empty(entityId);
  }

  /** An instance's state before its first event; history's replay starts from it too. */
  public static State empty(String entityId) {
    return new NoInstance(entityId);
  }

  /**
   * Where a live instance runs is worth a line: its agent's tasks depend on it answering, and after
   * a node is lost this says which node took it over.
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof LiveInstance l) logHostedHere(l.view());
              viewIn(state).ifPresent(view -> tellCluster(listedByCluster(view)));
            })
        .build();
  }

  private void logHostedHere(InstanceView view) {
    org.slf4j.LoggerFactory.getLogger(ContainerInstance.class)
        .info(
            "container instance {} started on this node (version {}, {} tasks)",
            entityId,
            view.version(),
            view.reservations().size());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forAnyState()
        .onCommand(ClusterAnswered.class, this::clusterAnswered)
        .onCommand(RetryCluster.class, (s, c) -> retryCluster(s));
    builder
        .forStateType(NoInstance.class)
        .onCommand(
            Register.class,
            (s, c) ->
                persist(new InstanceRegistered(c.registration(), c.at()))
                    .thenRun(next -> logHostedHere(viewOf(next)))
                    .thenRun(next -> answerOnceListed(viewOf(next), c.replyTo()))
                    .thenNoReply())
        .onCommand(Get.class, c -> missing(c.replyTo()))
        .onCommand(Deregister.class, c -> missing(c.replyTo()))
        .onCommand(ChangeStatus.class, c -> missing(c.replyTo()))
        .onCommand(PutAttributes.class, c -> missing(c.replyTo()))
        .onCommand(DeleteAttributes.class, c -> missing(c.replyTo()))
        .onCommand(Reserve.class, c -> missing(c.replyTo()))
        .onCommand(ReserveAll.class, c -> missing(c.replyTo()))
        .onCommand(TrackTask.class, c -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(Release.class, c -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(ChangeAgentConnection.class, c -> missing(c.replyTo()))
        .onCommand(DeliverToAgent.class, c -> Effect().noReply())
        .onCommand(ExpireReservations.class, c -> Effect().noReply())
        .onCommand(WritePhases.class, c -> ackUnwrittenPhases());
    builder
        .forStateType(InactiveInstance.class)
        // An agent that registers again with the same id after deregistration starts a fresh
        // registration.
        .onCommand(
            Register.class,
            (s, c) ->
                persist(new InstanceRegistered(c.registration(), c.at()))
                    .thenRun(next -> answerOnceListed(viewOf(next), c.replyTo()))
                    .thenNoReply())
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(
            Deregister.class,
            (s, c) ->
                Effect()
                    .none()
                    .thenRun(next -> answerOnceListed(s.view(), c.replyTo()))
                    .thenNoReply())
        .onCommand(ChangeStatus.class, c -> inactive(c.replyTo()))
        .onCommand(PutAttributes.class, c -> inactive(c.replyTo()))
        .onCommand(DeleteAttributes.class, c -> inactive(c.replyTo()))
        .onCommand(
            Reserve.class,
            c ->
                Effect()
                    .reply(
                        c.replyTo(),
                        Rejection.reply(
                            ErrorType.INVALID_PARAMETER, "The container instance is INACTIVE.")))
        .onCommand(
            ReserveAll.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        StatusReply.success(
                            new ReservationsOutcome(
                                List.of(),
                                c.tasks().stream()
                                    .map(
                                        t ->
                                            new Refusal(
                                                t.taskId(),
                                                ErrorType.INVALID_PARAMETER,
                                                "The container instance is INACTIVE."))
                                    .toList(),
                                s.view()))))
        .onCommand(TrackTask.class, c -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(Release.class, c -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(
            ChangeAgentConnection.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(DeliverToAgent.class, c -> Effect().noReply())
        .onCommand(ExpireReservations.class, c -> Effect().noReply())
        .onCommand(WritePhases.class, c -> ackUnwrittenPhases());
    builder
        .forStateType(LiveInstance.class)
        .onCommand(Register.class, (s, c) -> reregister(s, c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Deregister.class, (s, c) -> deregister(s, c))
        .onCommand(
            ChangeStatus.class,
            (s, c) ->
                s.view().status() == c.status()
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.view()))
                    : persist(new InstanceStatusChanged(c.status(), c.at()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(
            PutAttributes.class,
            (s, c) ->
                persist(new AttributesPut(c.attributes()))
                    .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(
            DeleteAttributes.class,
            (s, c) ->
                persist(new AttributesDeleted(c.names()))
                    .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next))))
        .onCommand(Reserve.class, (s, c) -> reserve(s, c))
        .onCommand(ReserveAll.class, (s, c) -> reserveAll(s, c))
        .onCommand(TrackTask.class, (s, c) -> trackTask(s, c))
        .onCommand(WritePhases.class, (s, c) -> writePhases(s))
        .onCommand(
            Release.class,
            (s, c) -> {
              if (!s.view().reservations().containsKey(c.taskId()))
                return Effect().reply(c.replyTo(), StatusReply.ack());
              created.remove(c.taskId());
              return persist(new ResourcesReleased(c.taskId(), "released", c.at()))
                  .thenReply(c.replyTo(), next -> StatusReply.ack());
            })
        .onCommand(ChangeAgentConnection.class, (s, c) -> changeConnection(s, c))
        .onCommand(
            DeliverToAgent.class,
            (s, c) -> {
              if (session != null) session.tell(new AgentMessages.Push(c.message()));
              return Effect().noReply();
            })
        .onCommand(ExpireReservations.class, (s, c) -> expire(s));
    return builder.build();
  }

  private ReplyEffect<Event, State> reregister(LiveInstance s, Register c) {
    // The agent registers again after a restart: resources and attributes may have changed;
    // reservations stay.
    return persist(new InstanceRegistered(c.registration(), c.at()))
        .thenRun(next -> answerOnceListed(viewOf(next), c.replyTo()))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> deregister(LiveInstance s, Deregister c) {
    if (!c.force() && !s.view().reservations().isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              Rejection.reply(
                  ErrorType.INVALID_PARAMETER,
                  "The container instance has "
                      + s.view().reservations().size()
                      + " tasks; stop them first or deregister with force."));
    }
    // Answered once the cluster no longer lists it: DeleteCluster right after succeeds.
    return persist(new InstanceDeregistered(c.at()))
        .thenRun(next -> answerOnceListed(viewOf(next), c.replyTo()))
        .thenNoReply();
  }

  // ---- the cluster's list of instances ----

  /** Whether the cluster lists an instance in this state: until it is INACTIVE. */
  private static boolean listedByCluster(InstanceView view) {
    return view.status() != Status.INACTIVE;
  }

  /**
   * Answers with {@code answer} once the cluster lists the instance as it is now: a registered
   * instance is in the cluster's list, a deregistered one is not.
   */
  private void answerOnceListed(InstanceView answer, ActorRef<StatusReply<InstanceView>> replyTo) {
    boolean wants = listedByCluster(answer);
    if (!telling && acknowledged != null && acknowledged == wants) {
      replyTo.tell(StatusReply.success(answer));
      return;
    }
    waiting.add(new Waiting(wants, answer, replyTo));
    tellCluster(wants);
  }

  private void tellCluster(boolean listed) {
    if (telling) return; // its answer tells again when the instance changed meanwhile
    telling = true;
    String[] parts = entityId.split("/", 3);
    context.pipeToSelf(
        membership.clusterLists(parts[0], parts[1], parts[2], listed),
        (done, failure) -> new ClusterAnswered(listed, failure));
  }

  private ReplyEffect<Event, State> clusterAnswered(State state, ClusterAnswered answer) {
    telling = false;
    Boolean now = viewIn(state).map(ContainerInstance::listedByCluster).orElse(null);
    if (answer.failure() == null) {
      acknowledged = answer.listed();
      // Those waiting for what the cluster now says are answered; when the instance changed since
      // it was told, the others are too (their change happened and was overtaken).
      List<Waiting> done =
          waiting.stream()
              .filter(w -> w.wants() == answer.listed() || (now != null && now == answer.listed()))
              .toList();
      waiting.removeAll(done);
      done.forEach(w -> w.replyTo().tell(StatusReply.success(w.answer())));
      if (now != null && now != answer.listed()) tellCluster(now);
      return Effect().noReply();
    }
    var refusal = Rejection.of(answer.failure());
    if (refusal.isPresent()) {
      // The cluster refuses (it is not ACTIVE): telling it again cannot help.
      waiting.forEach(
          w -> w.replyTo().tell(Rejection.reply(refusal.get().type(), refusal.get().message())));
      waiting.clear();
      return Effect().noReply();
    }
    // It did not answer: tell it again shortly; the callers keep waiting (or time out and retry).
    timers.startSingleTimer("retry-cluster", new RetryCluster(), CLUSTER_RETRY);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> retryCluster(State state) {
    viewIn(state).map(ContainerInstance::listedByCluster).ifPresent(this::tellCluster);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> reserve(LiveInstance s, Reserve c) {
    if (!s.view().agentConnected()
        && s.view().status() == Status.ACTIVE // a DRAINING instance says so first
        && !s.view().reservations().containsKey(c.taskId())) {
      // StartTask names the instance; a task there would wait unstarted, so ECS refuses as
      // RunTask's placement does
      return Effect()
          .reply(
              c.replyTo(),
              Rejection.reply(ErrorType.RESOURCE_SHORTFALL, AgentConnectedFilter.REASON));
    }
    ReservationBatch batch =
        ReservationBatch.judge(
            region,
            s.view(),
            List.of(new TaskReservation(c.taskId(), c.demand(), c.summary())),
            c.at());
    if (!batch.refused().isEmpty()) {
      Refusal refusal = batch.refused().get(0);
      return Effect().reply(c.replyTo(), Rejection.reply(refusal.errorType(), refusal.reason()));
    }
    if (batch.events().isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.success(s.view())); // a retried reservation
    }
    return persistReservations(batch)
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private ReplyEffect<Event, State> reserveAll(LiveInstance s, ReserveAll c) {
    ReservationBatch batch = ReservationBatch.judge(region, s.view(), c.tasks(), c.at());
    if (batch.events().isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.success(
                  new ReservationsOutcome(batch.reserved(), batch.refused(), s.view())));
    }
    return persistReservations(batch)
        .thenReply(
            c.replyTo(),
            next ->
                StatusReply.success(
                    new ReservationsOutcome(batch.reserved(), batch.refused(), viewOf(next))));
  }

  /** The batch's new reservations in one write, each with its own expiry timer. */
  private EffectBuilder<Event, State> persistReservations(ReservationBatch batch) {
    for (Event e : batch.events()) {
      String taskId = ((ResourcesReserved) e).taskId();
      timers.startSingleTimer("expire-" + taskId, new ExpireReservations(), reservationTimeout);
    }
    return persist(batch.events());
  }

  /**
   * What a batch of reservations comes to on a live instance, task by task in order: already held
   * (a retry) counts as reserved; an instance that is not ACTIVE takes no new task; a new task must
   * pass the scheduler's resource filters on the instance's snapshot as the earlier tasks of the
   * batch left it, so the instance and placement judge "does it fit" alike.
   */
  record ReservationBatch(List<Event> events, List<String> reserved, List<Refusal> refused) {

    static ReservationBatch judge(
        String region, InstanceView view, List<TaskReservation> tasks, Instant at) {
      List<Event> events = new ArrayList<>();
      List<String> reserved = new ArrayList<>();
      List<Refusal> refused = new ArrayList<>();
      Set<String> held = new java.util.HashSet<>(view.reservations().keySet());
      InstanceSnapshot instance = InstanceSnapshots.of(region, view, List.of());
      for (TaskReservation task : tasks) {
        if (held.contains(task.taskId())) {
          reserved.add(task.taskId());
          continue;
        }
        TaskDemand demand = task.demand().inGroup(task.summary().group());
        if (ActiveInstanceFilter.INSTANCE.reject(instance, demand).isPresent()) {
          refused.add(
              new Refusal(
                  task.taskId(),
                  ErrorType.INVALID_PARAMETER,
                  "The container instance is " + view.status() + " and takes no new tasks."));
          continue;
        }
        Optional<String> shortfall =
            PlacementFilter.firstRejection(PlacementFilter.RESOURCES, instance, demand);
        if (shortfall.isPresent()) {
          refused.add(new Refusal(task.taskId(), ErrorType.RESOURCE_SHORTFALL, shortfall.get()));
          continue;
        }
        events.add(new ResourcesReserved(task.taskId(), task.demand(), task.summary(), at));
        reserved.add(task.taskId());
        held.add(task.taskId());
        instance = instance.withTaskPlaced(demand);
      }
      return new ReservationBatch(List.copyOf(events), List.copyOf(reserved), List.copyOf(refused));
    }
  }

  private ReplyEffect<Event, State> trackTask(LiveInstance s, TrackTask c) {
    Reservation r = s.view().reservations().get(c.taskId());
    if (r == null || r.phase() == c.phase() || r.phase().compareTo(c.phase()) > 0) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.ack()); // unknown, repeated or stale: status only moves forward
    }
    if (c.phase() == TaskPhase.PENDING) {
      created.add(c.taskId()); // not persisted (see TrackTask)
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    // The task exists: until its phase is written, an expiry must not take the reservation for a
    // dangling one.
    created.add(c.taskId());
    if (unwrittenPhases.isEmpty()) self.tell(new WritePhases());
    unwrittenPhases.add(c);
    return Effect().noReply();
  }

  /** The instance is gone (deregistered): nothing to keep for the tasks told meanwhile. */
  private ReplyEffect<Event, State> ackUnwrittenPhases() {
    unwrittenPhases.forEach(c -> c.replyTo().tell(StatusReply.ack()));
    unwrittenPhases.clear();
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> writePhases(LiveInstance s) {
    List<Event> events = new ArrayList<>();
    Map<String, TaskPhase> phases = new HashMap<>(); // as written so far in this batch
    for (TrackTask c : unwrittenPhases) {
      Reservation r = s.view().reservations().get(c.taskId());
      TaskPhase current = phases.getOrDefault(c.taskId(), r == null ? null : r.phase());
      if (current == null || current.compareTo(c.phase()) >= 0)
        continue; // released or overtaken meanwhile
      events.add(
          c.phase() == TaskPhase.STOPPED
              ? new ResourcesReleased(c.taskId(), TASK_STOPPED, c.at())
              : new TaskPhaseTracked(c.taskId(), c.phase(), c.at()));
      phases.put(c.taskId(), c.phase());
      created.remove(c.taskId()); // written from now on: the journal says more than RESERVED
    }
    List<ActorRef<StatusReply<Done>>> toAck =
        unwrittenPhases.stream().map(TrackTask::replyTo).toList();
    unwrittenPhases.clear();
    if (events.isEmpty()) {
      toAck.forEach(a -> a.tell(StatusReply.ack()));
      return Effect().noReply();
    }
    return persist(events)
        .thenRun(next -> toAck.forEach(a -> a.tell(StatusReply.ack())))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> changeConnection(LiveInstance s, ChangeAgentConnection c) {
    if (c.connected()) {
      session = c.session();
    } else if (c.session() != null && !c.session().equals(session)) {
      return Effect()
          .reply(c.replyTo(), StatusReply.success(s.view())); // an old session's late close
    } else {
      session = null;
    }
    if (s.view().agentConnected() == c.connected()
        && (c.versionInfo() == null || c.versionInfo().equals(s.view().versionInfo()))) {
      return Effect().reply(c.replyTo(), StatusReply.success(s.view()));
    }
    Event event =
        c.connected() ? new AgentConnected(c.versionInfo(), c.at()) : new AgentDisconnected(c.at());
    return persist(event).thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private ReplyEffect<Event, State> expire(LiveInstance s) {
    Instant now = clock.instant();
    Instant deadline = now.minus(reservationTimeout);
    List<Event> expired = new ArrayList<>();
    for (Reservation r : s.view().reservations().values()) {
      if (r.phase() == TaskPhase.RESERVED && !r.since().isAfter(deadline)) {
        expired.add(
            created.remove(r.taskId())
                ? new TaskPhaseTracked(
                    r.taskId(), TaskPhase.PENDING, now) // it exists: keep it, durably
                : new ResourcesReleased(r.taskId(), "reservation timed out", now));
      }
    }
    return expired.isEmpty() ? Effect().noReply() : persist(expired).thenNoReply();
  }

  /** Every change is persisted and then shown to the cluster's placement. */
  private EffectBuilder<Event, State> persist(Event event) {
    return Effect().persist(event).thenRun(next -> effects.changed(viewOf(next)));
  }

  private EffectBuilder<Event, State> persist(List<Event> events) {
    return Effect().persist(events).thenRun(next -> effects.changed(viewOf(next)));
  }

  private <T> ReplyEffect<Event, State> missing(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            Rejection.reply(
                ErrorType.INVALID_PARAMETER, "The referenced container instance was not found."));
  }

  private <T> ReplyEffect<Event, State> inactive(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            Rejection.reply(
                ErrorType.INVALID_PARAMETER, "The container instance is INACTIVE (deregistered)."));
  }

  private static InstanceView viewOf(State state) {
    return viewIn(state).orElseThrow(() -> new IllegalStateException("no instance"));
  }

  /** The instance as DescribeContainerInstances shows it; empty before it registered. */
  public static java.util.Optional<InstanceView> viewIn(State state) {
    if (state instanceof LiveInstance l) return java.util.Optional.of(l.view());
    if (state instanceof InactiveInstance i) return java.util.Optional.of(i.view());
    return java.util.Optional.empty();
  }

  /**
   * How each event moves the state: a pure function of the two, which the entity and history's
   * replay (see {@code events.ResourceKinds}) apply alike.
   */
  public static State applied(State state, Event event) {
    return EVENTS.apply(state, event);
  }

  private static final EventHandler<State, Event> EVENTS = events();

  @Override
  public EventHandler<State, Event> eventHandler() {
    return EVENTS;
  }

  private static EventHandler<State, Event> events() {
    EventHandlerBuilder<State, Event> builder = EventHandlerBuilder.builder();
    builder
        .forStateType(NoInstance.class)
        .onEvent(
            InstanceRegistered.class,
            (s, e) -> {
              String[] parts = s.entityId().split("/", 3);
              return registered(
                  parts[0],
                  parts[1],
                  e,
                  Status.ACTIVE,
                  new TreeMap<>(),
                  List.of(),
                  0,
                  Map.of(),
                  e.at(),
                  null);
            });
    builder
        .forStateType(InactiveInstance.class)
        .onEvent(
            InstanceRegistered.class,
            (s, e) ->
                registered(
                    s.view().accountId(),
                    s.view().clusterName(),
                    e,
                    Status.ACTIVE,
                    new TreeMap<>(),
                    s.view().recentlyStopped(),
                    s.view().version(),
                    Map.of(),
                    e.at(),
                    null));
    builder
        .forStateType(LiveInstance.class)
        // An agent's new session registers again: a DRAINING instance stays DRAINING, attributes
        // put through the
        // API stay (the agent's own ones are refreshed), and registeredAt is the first
        // registration's.
        .onEvent(
            InstanceRegistered.class,
            (s, e) ->
                registered(
                    s.view().accountId(),
                    s.view().clusterName(),
                    e,
                    s.view().status(),
                    s.view().reservations(),
                    s.view().recentlyStopped(),
                    s.view().version(),
                    s.view().attributes(),
                    s.view().registeredAt(),
                    s.view().agentConnected() ? e.at() : s.view().disconnectedSince()))
        .onEvent(
            InstanceStatusChanged.class,
            (s, e) ->
                live(
                    s.view()
                        .with(
                            e.status(),
                            s.view().agentConnected(),
                            s.view().versionInfo(),
                            s.view().attributes(),
                            s.view().reservations())))
        .onEvent(
            InstanceDeregistered.class,
            (s, e) ->
                new InactiveInstance(
                    s.view()
                        .with(
                            Status.INACTIVE,
                            false,
                            s.view().versionInfo(),
                            s.view().attributes(),
                            new TreeMap<>())))
        .onEvent(
            AttributesPut.class,
            (s, e) -> {
              SortedMap<String, Attribute> attrs = new TreeMap<>(s.view().attributes());
              e.attributes().forEach(a -> attrs.put(a.name(), a));
              return live(
                  s.view()
                      .with(
                          s.view().status(),
                          s.view().agentConnected(),
                          s.view().versionInfo(),
                          attrs,
                          s.view().reservations()));
            })
        .onEvent(
            AttributesDeleted.class,
            (s, e) -> {
              SortedMap<String, Attribute> attrs = new TreeMap<>(s.view().attributes());
              e.names().forEach(attrs::remove);
              return live(
                  s.view()
                      .with(
                          s.view().status(),
                          s.view().agentConnected(),
                          s.view().versionInfo(),
                          attrs,
                          s.view().reservations()));
            })
        .onEvent(
            ResourcesReserved.class,
            (s, e) ->
                withReservations(
                    s,
                    r ->
                        r.put(
                            e.taskId(),
                            new Reservation(
                                e.taskId(), e.demand(), e.summary(), TaskPhase.RESERVED, e.at()))))
        .onEvent(
            TaskPhaseTracked.class,
            (s, e) ->
                withReservations(
                    s,
                    r -> {
                      Reservation old = r.get(e.taskId());
                      if (old != null)
                        r.put(
                            e.taskId(),
                            new Reservation(
                                e.taskId(), old.demand(), old.summary(), e.phase(), e.at()));
                    }))
        .onEvent(
            ResourcesReleased.class,
            (s, e) -> {
              Reservation released = s.view().reservations().get(e.taskId());
              LiveInstance next = (LiveInstance) withReservations(s, r -> r.remove(e.taskId()));
              // A task that stopped before RUNNING may still be RESERVED here (PENDING is not
              // persisted): the reason says
              // whether the task existed.
              return released == null
                      || released.phase() == TaskPhase.RESERVED && !TASK_STOPPED.equals(e.reason())
                  ? next
                  : new LiveInstance(
                      next.view()
                          .withStopped(
                              new Reservation(
                                  released.taskId(),
                                  released.demand(),
                                  released.summary(),
                                  TaskPhase.STOPPED,
                                  e.at())));
            })
        .onEvent(
            AgentConnected.class,
            (s, e) ->
                live(
                    s.view()
                        .with(
                            s.view().status(),
                            true,
                            e.versionInfo() != null ? e.versionInfo() : s.view().versionInfo(),
                            s.view().attributes(),
                            s.view().reservations())
                        .withDisconnectedSince(null)))
        .onEvent(
            AgentDisconnected.class,
            (s, e) ->
                live(
                    s.view()
                        .with(
                            s.view().status(),
                            false,
                            s.view().versionInfo(),
                            s.view().attributes(),
                            s.view().reservations())
                        .withDisconnectedSince(
                            s.view().disconnectedSince() != null
                                ? s.view().disconnectedSince()
                                : e.at())));
    return builder.build();
  }

  private static State registered(
      String accountId,
      String clusterName,
      InstanceRegistered e,
      Status status,
      SortedMap<String, Reservation> reservations,
      List<Reservation> recentlyStopped,
      long version,
      Map<String, Attribute> previousAttributes,
      Instant registeredAt,
      Instant disconnectedSince) {
    SortedMap<String, Attribute> attrs = new TreeMap<>(previousAttributes);
    e.registration().attributes().forEach(a -> attrs.put(a.name(), a));
    return new LiveInstance(
        new InstanceView(
            accountId,
            clusterName,
            e.registration(),
            status,
            false,
            e.registration().versionInfo(),
            registeredAt,
            Collections.unmodifiableSortedMap(attrs),
            Collections.unmodifiableSortedMap(new TreeMap<>(reservations)),
            recentlyStopped,
            version + 1,
            disconnectedSince));
  }

  private static State live(InstanceView view) {
    return new LiveInstance(view);
  }

  private static State withReservations(
      LiveInstance s, java.util.function.Consumer<Map<String, Reservation>> change) {
    SortedMap<String, Reservation> next = new TreeMap<>(s.view().reservations());
    change.accept(next);
    return new LiveInstance(
        s.view()
            .with(
                s.view().status(),
                s.view().agentConnected(),
                s.view().versionInfo(),
                s.view().attributes(),
                next));
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
