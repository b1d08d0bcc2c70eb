package io.harbormaster.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One task, from placement to STOPPED: its spec, desired vs last status, containers, exit codes,
 * health, stop code and every timestamp. The only writer of the task's status; the agent's reports
 * move it forward only, and a stale or backward report is acknowledged and ignored. Entity id:
 * {@code <account>/<cluster>/<taskId>}.
 */
public final class Task
    extends EventSourcedBehaviorWithEnforcedReplies<Task.Command, Task.Event, Task.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Task");

  public static String entityId(String accountId, String clusterName, String taskId) {
    return accountId + "/" + clusterName + "/" + taskId;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(TaskSpec spec, Instant at, ActorRef<StatusReply<TaskView>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<TaskView>> replyTo) implements Command {}

  public record Stop(
      String stopCode, String reason, Instant at, ActorRef<StatusReply<TaskView>> replyTo)
      implements Command {}

  /** What the agent saw: the task's status and each container's state. */
  public record ReportState(StateReport report, Instant at, ActorRef<StatusReply<TaskView>> replyTo)
      implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record TaskCreated(TaskSpec spec, Instant at) implements Event {}

  public record TaskStopRequested(String stopCode, String reason, Instant at) implements Event {}

  public record TaskStatusAdvanced(
      TaskStatus status,
      Instant at,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant executionStoppedAt,
      String stopCode,
      String stoppedReason)
      implements Event {}

  public record ContainerStateChanged(ContainerState container, Instant at) implements Event {}

  public record TaskHealthChanged(HealthStatus healthStatus, Instant at) implements Event {}

  /** An awsvpc task's network namespace got its address (the agent's pause container). */
  public record NetworkInterfaceAttached(NetworkInterface networkInterface, Instant at)
      implements Event {}

  // ---- data ----
  /**
   * What the task was created with. {@code launchType} is the one RunTask was given (EC2 by
   * default), EC2 for StartTask and the service's for a service's task; null for a task created
   * before it was recorded (DescribeTasks then leaves it out). {@code capacityProviderName}: the
   * provider of its capacity provider strategy it runs on; null without one (and in tasks created
   * before it was recorded).
   */
  public record TaskSpec(
      String taskDefinitionArn,
      String family,
      int revision,
      JsonNode taskDefinition,
      JsonNode overrides,
      String group,
      String startedBy,
      List<Tag> tags,
      String containerInstanceId,
      int cpu,
      int memory,
      String availabilityZone,
      String clientToken,
      String launchType,
      JsonNode networkConfiguration,
      String capacityProviderName)
      implements CborSerializable {

    public TaskSpec {
      // absent, however it was written: Jackson reads a null JsonNode member as a NullNode
      if (networkConfiguration != null && networkConfiguration.isNull()) {
        networkConfiguration = null;
      }
    }

    /** A task without a networkConfiguration (any but awsvpc) or a capacity provider. */
    public TaskSpec(
        String taskDefinitionArn,
        String family,
        int revision,
        JsonNode taskDefinition,
        JsonNode overrides,
        String group,
        String startedBy,
        List<Tag> tags,
        String containerInstanceId,
        int cpu,
        int memory,
        String availabilityZone,
        String clientToken,
        String launchType) {
      this(
          taskDefinitionArn,
          family,
          revision,
          taskDefinition,
          overrides,
          group,
          startedBy,
          tags,
          containerInstanceId,
          cpu,
          memory,
          availabilityZone,
          clientToken,
          launchType,
          null,
          null);
    }

    /** The task definition's network mode, ECS's default (bridge) when it names none. */
    public String networkMode() {
      return taskDefinition.path("networkMode").asText("bridge");
    }
  }

  /**
   * An awsvpc task's own network interface as its agent reports it: the address of its network
   * namespace, which its containers share, and its MAC address.
   */
  public record NetworkInterface(String privateIPv4Address, String macAddress)
      implements CborSerializable {}

  public record NetworkBinding(String bindIP, int containerPort, int hostPort, String protocol)
      implements CborSerializable {}

  /** A container as DescribeTasks shows it; status is PENDING, RUNNING or STOPPED. */
  public record ContainerState(
      String name,
      String image,
      String runtimeId,
      ContainerStatus lastStatus,
      Integer exitCode,
      String reason,
      List<NetworkBinding> networkBindings,
      HealthStatus healthStatus)
      implements CborSerializable {}

  public record StateReport(
      TaskStatus status,
      List<ContainerState> containers,
      HealthStatus healthStatus,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant executionStoppedAt,
      String stopCode,
      String stoppedReason,
      NetworkInterface networkInterface)
      implements CborSerializable {

    /** A report without a network interface (any task but an awsvpc one, or an older agent). */
    public StateReport(
        TaskStatus status,
        List<ContainerState> containers,
        HealthStatus healthStatus,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant executionStoppedAt,
        String stopCode,
        String stoppedReason) {
      this(
          status,
          containers,
          healthStatus,
          pullStartedAt,
          pullStoppedAt,
          executionStoppedAt,
          stopCode,
          stoppedReason,
          null);
    }
  }

  /**
   * A task as DescribeTasks shows it. {@code networkInterface}: an awsvpc task's, once its agent
   * reported it (null otherwise).
   */
  public record TaskView(
      String accountId,
      String clusterName,
      String taskId,
      TaskSpec spec,
      TaskStatus lastStatus,
      TaskStatus desiredStatus,
      List<ContainerState> containers,
      HealthStatus healthStatus,
      String stopCode,
      String stoppedReason,
      Instant createdAt,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant startedAt,
      Instant stoppingAt,
      Instant stoppedAt,
      Instant executionStoppedAt,
      long version,
      NetworkInterface networkInterface)
      implements CborSerializable {

    /** A view of a task without a network interface of its own. */
    public TaskView(
        String accountId,
        String clusterName,
        String taskId,
        TaskSpec spec,
        TaskStatus lastStatus,
        TaskStatus desiredStatus,
        List<ContainerState> containers,
        HealthStatus healthStatus,
        String stopCode,
        String stoppedReason,
        Instant createdAt,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant stoppingAt,
        Instant stoppedAt,
        Instant executionStoppedAt,
        long version) {
      this(
          accountId,
          clusterName,
          taskId,
          spec,
          lastStatus,
          desiredStatus,
          containers,
          healthStatus,
          stopCode,
          stoppedReason,
          createdAt,
          pullStartedAt,
          pullStoppedAt,
          startedAt,
          stoppingAt,
          stoppedAt,
          executionStoppedAt,
          version,
          null);
    }

    TaskView withNetworkInterface(NetworkInterface attached) {
      return new TaskView(
          accountId,
          clusterName,
          taskId,
          spec,
          lastStatus,
          desiredStatus,
          containers,
          healthStatus,
          stopCode,
          stoppedReason,
          createdAt,
          pullStartedAt,
          pullStoppedAt,
          startedAt,
          stoppingAt,
          stoppedAt,
          executionStoppedAt,
          version + 1,
          attached);
    }

    TaskView next(
        TaskStatus status,
        TaskStatus desired,
        List<ContainerState> cs,
        HealthStatus health,
        String code,
        String reason,
        Instant pullStarted,
        Instant pullStopped,
        Instant started,
        Instant stopping,
        Instant stopped,
        Instant executionStopped) {
      return new TaskView(
          accountId,
          clusterName,
          taskId,
          spec,
          status,
          desired,
          List.copyOf(cs),
          health,
          code,
          reason,
          createdAt,
          pullStarted,
          pullStopped,
          started,
          stopping,
          stopped,
          executionStopped,
          version + 1,
          networkInterface);
    }

    TaskView withContainer(ContainerState c) {
      List<ContainerState> cs = new ArrayList<>(containers);
      boolean replaced = false;
      for (int i = 0; i < cs.size(); i++) {
        if (cs.get(i).name().equals(c.name())) {
          cs.set(i, c);
          replaced = true;
        }
      }
      if (!replaced) cs.add(c);
      return next(
          lastStatus,
          desiredStatus,
          cs,
          healthStatus,
          stopCode,
          stoppedReason,
          pullStartedAt,
          pullStoppedAt,
          startedAt,
          stoppingAt,
          stoppedAt,
          executionStoppedAt);
    }
  }

  public sealed interface State extends CborSerializable {}

  /** Before the task is created; knows its entity id, which names the task it creates. */
  public record NoTask(String entityId) implements State {}

  public record LiveTask(TaskView view) implements State {}

  public record StoppedTask(TaskView view) implements State {}

  /**
   * What the world learns of a task's change: its agent, its instance's bookkeeping, and (later)
   * its service.
   */
  public interface Effects {
    /**
     * The task is about to be created: told before its TaskCreated is persisted, for what may
     * overlap that write (sending the payload to the agent, whose container start takes far longer
     * than the write). What must wait for the task to exist belongs in {@link #created}.
     */
    void creating(TaskView task);

    void created(TaskView task);

    void stopRequested(TaskView task);

    void changed(TaskView task);
  }

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags, Effects effects) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags, effects)));
  }

  public static Behavior<Command> create(String entityId, EventTags tags, Effects effects) {
    return new Task(entityId, tags, effects);
  }

  private final String entityId;
  private final EventTags tags;
  private final Effects effects;

  private Task(String entityId, EventTags tags, Effects effects) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    this.tags = tags;
    this.effects = effects;
  }

  @Override
  public State emptyState() {
    return empty(entityId);
  }

  /** A task's state before its first event; history's replay starts from it too. */
  public static State empty(String entityId) {
    return new NoTask(entityId);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(NoTask.class)
        .onCommand(
            Create.class,
            (s, c) -> {
              effects.creating(TaskProgress.created(entityId, new TaskCreated(c.spec(), c.at())));
              return Effect()
                  .persist(new TaskCreated(c.spec(), c.at()))
                  .thenRun(next -> effects.created(viewOf(next)))
                  .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
            })
        .onCommand(Get.class, c -> missing(c.replyTo()))
        .onCommand(Stop.class, c -> missing(c.replyTo()))
        .onCommand(ReportState.class, c -> missing(c.replyTo()));
    builder
        .forStateType(LiveTask.class)
        .onCommand(
            Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Stop.class, (s, c) -> stop(s, c))
        .onCommand(ReportState.class, (s, c) -> report(s.view(), c));
    builder
        .forStateType(StoppedTask.class)
        .onCommand(
            Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Stop.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(
            ReportState.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())));
    return builder.build();
  }

  private ReplyEffect<Event, State> stop(LiveTask s, Stop c) {
    if (s.view().desiredStatus() == TaskStatus.STOPPED) {
      // Already ordered: nothing new to persist, but the order is passed on again, since the first
      // may have been
      // lost with a control plane that died before the instance and agent heard it (the agent
      // ignores a repeat).
      effects.stopRequested(s.view());
      return Effect().reply(c.replyTo(), StatusReply.success(s.view()));
    }
    return Effect()
        .persist(new TaskStopRequested(c.stopCode(), c.reason(), c.at()))
        .thenRun(next -> effects.stopRequested(viewOf(next)))
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private ReplyEffect<Event, State> report(TaskView view, ReportState c) {
    List<Event> events = TaskProgress.eventsFor(view, c.report(), c.at());
    if (events.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(view));
    return Effect()
        .persist(events)
        .thenRun(next -> effects.changed(viewOf(next)))
        .thenReply(c.replyTo(), next -> StatusReply.success(viewOf(next)));
  }

  private <T> ReplyEffect<Event, State> missing(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            Rejection.reply(ErrorType.INVALID_PARAMETER, "The referenced task was not found."));
  }

  static TaskView viewOf(State state) {
    return viewIn(state).orElseThrow(() -> new IllegalStateException("no task"));
  }

  /** The task as DescribeTasks shows it; empty before it was created. */
  public static java.util.Optional<TaskView> viewIn(State state) {
    if (state instanceof LiveTask l) return java.util.Optional.of(l.view());
    if (state instanceof StoppedTask s) return java.util.Optional.of(s.view());
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

  private static EventHandler<State, Event> events() {
    EventHandlerBuilder<State, Event> builder = EventHandlerBuilder.builder();
    builder
        .forStateType(NoTask.class)
        .onEvent(TaskCreated.class, (s, e) -> new LiveTask(TaskProgress.created(s.entityId(), e)));
    builder
        .forStateType(LiveTask.class)
        .onEvent(
            TaskStopRequested.class,
            (s, e) -> new LiveTask(TaskProgress.stopRequested(s.view(), e)))
        .onEvent(
            ContainerStateChanged.class,
            (s, e) -> new LiveTask(s.view().withContainer(e.container())))
        .onEvent(
            TaskHealthChanged.class,
            (s, e) -> new LiveTask(TaskProgress.withHealth(s.view(), e.healthStatus())))
        .onEvent(
            NetworkInterfaceAttached.class,
            (s, e) -> new LiveTask(s.view().withNetworkInterface(e.networkInterface())))
        .onEvent(
            TaskStatusAdvanced.class,
            (s, e) -> {
              TaskView next = TaskProgress.advanced(s.view(), e);
              return next.lastStatus() == TaskStatus.STOPPED
                  ? new StoppedTask(next)
                  : new LiveTask(next);
            });
    return builder.build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return EVENTS;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), entityId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
