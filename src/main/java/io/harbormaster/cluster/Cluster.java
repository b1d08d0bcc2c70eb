package io.harbormaster.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.JsonMembers;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An ECS cluster: name, status, settings, configuration, tags, and the resources that keep it from
 * being deleted. Entity id: {@code <account>/<clusterName>}. A deleted cluster stays INACTIVE
 * (still describable) until a CreateCluster of the same name brings it back as a new, ACTIVE
 * cluster.
 */
public final class Cluster
    extends EventSourcedBehaviorWithEnforcedReplies<Cluster.Command, Cluster.Event, Cluster.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Cluster");

  public static String entityId(String accountId, String clusterName) {
    return accountId + "/" + clusterName;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(ClusterSpec spec, Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

  /** UpdateCluster: members left null are kept as they are. */
  public record Update(
      List<Setting> settings,
      JsonNode configuration,
      JsonNode serviceConnectDefaults,
      Instant at,
      ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {
    public Update {
      configuration = JsonMembers.absentIfNull(configuration);
      serviceConnectDefaults = JsonMembers.absentIfNull(serviceConnectDefaults);
    }
  }

  public record Delete(Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

  /**
   * PutClusterCapacityProviders: the providers the cluster uses and its default strategy, both
   * replaced (the caller checked that the providers exist and the strategy names only them).
   */
  public record PutCapacityProviders(
      List<String> capacityProviders,
      JsonNode defaultCapacityProviderStrategy,
      Instant at,
      ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {
    public PutCapacityProviders {
      defaultCapacityProviderStrategy = JsonMembers.absentIfNull(defaultCapacityProviderStrategy);
    }
  }

  public record TagResource(List<Tag> tags, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  /**
   * A container instance registered in this cluster (idempotent); refused when the cluster is not
   * ACTIVE.
   */
  public record JoinInstance(
      String instanceId, Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  public record LeaveInstance(
      String instanceId, Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  public record UntagResource(List<String> tagKeys, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  /** A service created in this cluster (idempotent); refused when the cluster is not ACTIVE. */
  public record AddService(
      String serviceName, Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  /** A service became INACTIVE (idempotent). */
  public record RemoveService(
      String serviceName, Instant at, ActorRef<StatusReply<ClusterInfo>> replyTo)
      implements Command {}

  /**
   * The directory's answer to what this cluster last told it (local: the entity sends it to itself,
   * never across nodes).
   */
  private record DirectoryAnswered(Status told, Throwable failure) implements Command {}

  /** Tell the directory again after it did not answer. */
  private record RetryDirectory() implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record ClusterCreated(ClusterSpec spec, Instant at) implements Event {}

  public record ClusterSettingsChanged(List<Setting> settings, Instant at) implements Event {}

  public record ClusterConfigurationChanged(
      JsonNode configuration, JsonNode serviceConnectDefaults, Instant at) implements Event {
    public ClusterConfigurationChanged {
      configuration = JsonMembers.absentIfNull(configuration);
      serviceConnectDefaults = JsonMembers.absentIfNull(serviceConnectDefaults);
    }
  }

  public record ClusterTagged(List<Tag> tags) implements Event {}

  public record ClusterCapacityProvidersPut(
      List<String> capacityProviders, JsonNode defaultCapacityProviderStrategy, Instant at)
      implements Event {
    public ClusterCapacityProvidersPut {
      defaultCapacityProviderStrategy = JsonMembers.absentIfNull(defaultCapacityProviderStrategy);
    }
  }

  public record ClusterUntagged(List<String> tagKeys) implements Event {}

  public record ClusterDeleted(Instant at) implements Event {}

  public record InstanceJoined(String instanceId, Instant at) implements Event {}

  public record InstanceLeft(String instanceId, Instant at) implements Event {}

  public record ServiceAdded(String serviceName, Instant at) implements Event {}

  public record ServiceRemoved(String serviceName, Instant at) implements Event {}

  // ---- data ----
  public record Setting(String name, String value) implements CborSerializable {}

  /** What the user asked for in CreateCluster; JSON members we only store and return stay JSON. */
  public record ClusterSpec(
      String name,
      List<Setting> settings,
      JsonNode configuration,
      JsonNode serviceConnectDefaults,
      List<String> capacityProviders,
      JsonNode defaultCapacityProviderStrategy,
      List<Tag> tags)
      implements CborSerializable {
    public ClusterSpec {
      configuration = JsonMembers.absentIfNull(configuration);
      serviceConnectDefaults = JsonMembers.absentIfNull(serviceConnectDefaults);
      defaultCapacityProviderStrategy = JsonMembers.absentIfNull(defaultCapacityProviderStrategy);
    }
  }

  public enum Status {
    ACTIVE,
    INACTIVE
  }

  /**
   * The account's directory of clusters, which ListClusters pages through. The cluster keeps it
   * told: listed while ACTIVE, not listed once INACTIVE. Idempotent; a cluster tells it again until
   * it answers, and again after each recovery.
   */
  @FunctionalInterface
  public interface Directory {
    CompletionStage<Done> told(String accountId, String clusterName, Status status);
  }

  /**
   * The view every cluster reply carries; counts of instances, services and tasks join it as those
   * arrive.
   */
  public record ClusterInfo(
      String accountId,
      ClusterSpec spec,
      Status status,
      Instant createdAt,
      SortedSet<String> instances,
      SortedSet<String> services)
      implements CborSerializable {
    public ClusterInfo {
      // Snapshots written before clusters kept their services have none.
      if (services == null) services = Collections.emptySortedSet();
    }

    public ClusterInfo(
        String accountId,
        ClusterSpec spec,
        Status status,
        Instant createdAt,
        SortedSet<String> instances) {
      this(accountId, spec, status, createdAt, instances, Collections.emptySortedSet());
    }

    public String name() {
      return spec.name();
    }

    ClusterInfo withSpec(ClusterSpec next) {
      return new ClusterInfo(accountId, next, status, createdAt, instances, services);
    }

    ClusterInfo withInstance(String instanceId, boolean member) {
      SortedSet<String> next = new TreeSet<>(instances);
      if (member) next.add(instanceId);
      else next.remove(instanceId);
      return new ClusterInfo(
          accountId, spec, status, createdAt, Collections.unmodifiableSortedSet(next), services);
    }

    ClusterInfo withService(String serviceName, boolean member) {
      SortedSet<String> next = new TreeSet<>(services);
      if (member) next.add(serviceName);
      else next.remove(serviceName);
      return new ClusterInfo(
          accountId, spec, status, createdAt, instances, Collections.unmodifiableSortedSet(next));
    }
  }

  public sealed interface State extends CborSerializable {}

  /** Not created yet (never in a snapshot: one follows events, and no event leads here). */
  public record NoCluster(String accountId) implements State {}

  public record ActiveCluster(ClusterInfo info) implements State {}

  public record InactiveCluster(ClusterInfo info) implements State {}

  /** The cluster as DescribeClusters shows it; empty before it was created. */
  public static java.util.Optional<ClusterInfo> infoIn(State state) {
    if (state instanceof ActiveCluster a) return java.util.Optional.of(a.info());
    if (state instanceof InactiveCluster i) return java.util.Optional.of(i.info());
    return java.util.Optional.empty();
  }

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags, Directory directory) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags, directory)));
  }

  public static Behavior<Command> create(String entityId, EventTags tags, Directory directory) {
    return Behaviors.setup(context -> new Cluster(context, entityId, tags, directory));
  }

  /** How long a cluster waits before telling a directory that did not answer again. */
  static final Duration DIRECTORY_RETRY = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final String entityId;
  private final EventTags tags;
  private final Directory directory;

  // What the directory was last told and acknowledged, and who waits for it; not persisted: a
  // recovered cluster tells the directory again.
  private Status acknowledged;
  private boolean telling;
  private final List<Waiting> waiting = new ArrayList<>();

  /** A Create or Delete whose answer waits until the directory lists the cluster as it wants. */
  private record Waiting(
      Status wants, ClusterInfo answer, ActorRef<StatusReply<ClusterInfo>> replyTo) {}

  private Cluster(
      ActorContext<Command> context, String entityId, EventTags tags, Directory directory) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.context = context;
    this.entityId = entityId;
    this.tags = tags;
    this.directory = directory;
  }

  @Override
  public State emptyState() {
    return empty(entityId);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forAnyState()
        .onCommand(DirectoryAnswered.class, this::directoryAnswered)
        .onCommand(RetryDirectory.class, (s, c) -> retryDirectory(s));
    builder
        .forStateType(NoCluster.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, c -> notFound(c.replyTo()))
        .onCommand(Update.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()))
        .onCommand(PutCapacityProviders.class, c -> notFound(c.replyTo()))
        .onCommand(TagResource.class, c -> notFound(c.replyTo()))
        .onCommand(UntagResource.class, c -> notFound(c.replyTo()))
        .onCommand(JoinInstance.class, c -> notFound(c.replyTo()))
        .onCommand(LeaveInstance.class, c -> notFound(c.replyTo()))
        .onCommand(AddService.class, c -> notFound(c.replyTo()))
        .onCommand(RemoveService.class, c -> notFound(c.replyTo()));
    builder
        .forStateType(InactiveCluster.class)
        .onCommand(Create.class, (s, c) -> create(c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
        .onCommand(Update.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()))
        .onCommand(PutCapacityProviders.class, c -> notFound(c.replyTo()))
        .onCommand(TagResource.class, c -> notFound(c.replyTo()))
        .onCommand(UntagResource.class, c -> notFound(c.replyTo()))
        .onCommand(JoinInstance.class, c -> notFound(c.replyTo()))
        .onCommand(
            LeaveInstance.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
        .onCommand(AddService.class, c -> notFound(c.replyTo()))
        .onCommand(
            RemoveService.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())));
    builder
        .forStateType(ActiveCluster.class)
        // CreateCluster of an existing cluster answers with it unchanged, as ECS does.
        .onCommand(
            Create.class,
            (s, c) -> Effect().none().thenRun(next -> listed(s.info(), c.replyTo())).thenNoReply())
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
        .onCommand(Update.class, (s, c) -> update(c))
        .onCommand(
            PutCapacityProviders.class,
            (s, c) ->
                Effect()
                    .persist(
                        new ClusterCapacityProvidersPut(
                            c.capacityProviders(), c.defaultCapacityProviderStrategy(), c.at()))
                    .thenReply(
                        c.replyTo(), next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            Delete.class,
            (s, c) ->
                !s.info().instances().isEmpty()
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            Rejection.reply(
                                ErrorType.CLUSTER_CONTAINS_CONTAINER_INSTANCES,
                                "The cluster cannot be deleted while container instances are active or draining."))
                    : !s.info().services().isEmpty()
                        ? Effect()
                            .reply(
                                c.replyTo(),
                                Rejection.reply(
                                    ErrorType.CLUSTER_CONTAINS_SERVICES,
                                    "The Cluster cannot be deleted while Services are active."))
                        : Effect()
                            .persist(new ClusterDeleted(c.at()))
                            .thenRun(next -> listed(((InactiveCluster) next).info(), c.replyTo()))
                            .thenNoReply())
        .onCommand(
            JoinInstance.class,
            (s, c) ->
                s.info().instances().contains(c.instanceId())
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                    : Effect()
                        .persist(new InstanceJoined(c.instanceId(), c.at()))
                        .thenReply(
                            c.replyTo(),
                            next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            LeaveInstance.class,
            (s, c) ->
                !s.info().instances().contains(c.instanceId())
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                    : Effect()
                        .persist(new InstanceLeft(c.instanceId(), c.at()))
                        .thenReply(
                            c.replyTo(),
                            next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            AddService.class,
            (s, c) ->
                s.info().services().contains(c.serviceName())
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                    : Effect()
                        .persist(new ServiceAdded(c.serviceName(), c.at()))
                        .thenReply(
                            c.replyTo(),
                            next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            RemoveService.class,
            (s, c) ->
                !s.info().services().contains(c.serviceName())
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                    : Effect()
                        .persist(new ServiceRemoved(c.serviceName(), c.at()))
                        .thenReply(
                            c.replyTo(),
                            next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            TagResource.class,
            (s, c) ->
                Tags.overLimit(s.info().spec().tags(), c.tags())
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            Rejection.reply(ErrorType.INVALID_PARAMETER, Tags.overLimitMessage()))
                    : Effect()
                        .persist(new ClusterTagged(c.tags()))
                        .thenReply(
                            c.replyTo(),
                            next -> StatusReply.success(((ActiveCluster) next).info())))
        .onCommand(
            UntagResource.class,
            (s, c) ->
                Effect()
                    .persist(new ClusterUntagged(c.tagKeys()))
                    .thenReply(
                        c.replyTo(), next -> StatusReply.success(((ActiveCluster) next).info())));
    return builder.build();
  }

  private ReplyEffect<Event, State> create(Create c) {
    return Effect()
        .persist(new ClusterCreated(c.spec(), c.at()))
        .thenRun(next -> listed(((ActiveCluster) next).info(), c.replyTo()))
        .thenNoReply();
  }

  // ---- the account's directory ----

  /**
   * Answers with {@code answer} once the directory lists the cluster as it is now: a CreateCluster
   * answered is in ListClusters, a DeleteCluster answered is not.
   */
  private void listed(ClusterInfo answer, ActorRef<StatusReply<ClusterInfo>> replyTo) {
    if (!telling && acknowledged == answer.status()) {
      replyTo.tell(StatusReply.success(answer));
      return;
    }
    waiting.add(new Waiting(answer.status(), answer, replyTo));
    tellDirectory(answer.status());
  }

  private void tellDirectory(Status status) {
    if (telling) return; // its answer tells again when the cluster changed meanwhile
    telling = true;
    context.pipeToSelf(
        directory.told(accountId(), name(), status),
        (done, failure) -> new DirectoryAnswered(status, failure));
  }

  private ReplyEffect<Event, State> directoryAnswered(State state, DirectoryAnswered answer) {
    telling = false;
    Status now = infoIn(state).map(ClusterInfo::status).orElse(null);
    if (answer.failure() == null) {
      acknowledged = answer.told();
      // Those waiting for what the directory now says are answered; when the cluster changed since
      // it was told, the others are too (their change happened and was overtaken).
      List<Waiting> done =
          waiting.stream().filter(w -> w.wants() == answer.told() || now == answer.told()).toList();
      waiting.removeAll(done);
      done.forEach(w -> w.replyTo().tell(StatusReply.success(w.answer())));
      if (now != null && now != answer.told()) tellDirectory(now);
      return Effect().noReply();
    }
    var refusal = Rejection.of(answer.failure());
    if (refusal.isPresent()) {
      // The directory refuses (no such account): telling it again cannot help.
      waiting.forEach(
          w -> w.replyTo().tell(Rejection.reply(refusal.get().type(), refusal.get().message())));
      waiting.clear();
      return Effect().noReply();
    }
    // It did not answer: tell it again shortly; the callers keep waiting (or time out and retry).
    context.scheduleOnce(DIRECTORY_RETRY, context.getSelf(), new RetryDirectory());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> retryDirectory(State state) {
    infoIn(state).map(ClusterInfo::status).ifPresent(this::tellDirectory);
    return Effect().noReply();
  }

  private String accountId() {
    return entityId.substring(0, entityId.indexOf('/'));
  }

  private String name() {
    return entityId.substring(entityId.indexOf('/') + 1);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> infoIn(state).map(ClusterInfo::status).ifPresent(this::tellDirectory))
        .build();
  }

  private ReplyEffect<Event, State> update(Update c) {
    List<Event> events = new ArrayList<>();
    if (c.settings() != null) events.add(new ClusterSettingsChanged(c.settings(), c.at()));
    if (c.configuration() != null || c.serviceConnectDefaults() != null) {
      events.add(
          new ClusterConfigurationChanged(c.configuration(), c.serviceConnectDefaults(), c.at()));
    }
    return Effect()
        .persist(events)
        .thenReply(c.replyTo(), next -> StatusReply.success(((ActiveCluster) next).info()));
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(replyTo, Rejection.reply(ErrorType.CLUSTER_NOT_FOUND, "Cluster not found."));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return EVENTS;
  }

  /** The state before any event: a cluster of this account not created yet. */
  public static State empty(String entityId) {
    return new NoCluster(entityId.substring(0, entityId.indexOf('/')));
  }

  /**
   * The state after an event: the entity's event handler, and history's replay without an entity.
   */
  public static State applied(State state, Event event) {
    return EVENTS.apply(state, event);
  }

  /** Pure: built once without an entity, so replay needs none. */
  private static final EventHandler<State, Event> EVENTS = events();

  private static EventHandler<State, Event> events() {
    EventHandlerBuilder<State, Event> builder = EventHandlerBuilder.builder();
    builder
        .forStateType(NoCluster.class)
        .onEvent(ClusterCreated.class, (s, e) -> created(s.accountId(), e));
    builder
        .forStateType(InactiveCluster.class)
        .onEvent(ClusterCreated.class, (s, e) -> created(s.info().accountId(), e));
    builder
        .forStateType(ActiveCluster.class)
        .onEvent(
            ClusterSettingsChanged.class,
            (s, e) -> active(s.info().withSpec(withSettings(s.info().spec(), e.settings()))))
        .onEvent(
            ClusterConfigurationChanged.class,
            (s, e) -> {
              ClusterSpec spec = s.info().spec();
              return active(
                  s.info()
                      .withSpec(
                          new ClusterSpec(
                              spec.name(),
                              spec.settings(),
                              e.configuration() != null ? e.configuration() : spec.configuration(),
                              e.serviceConnectDefaults() != null
                                  ? e.serviceConnectDefaults()
                                  : spec.serviceConnectDefaults(),
                              spec.capacityProviders(),
                              spec.defaultCapacityProviderStrategy(),
                              spec.tags())));
            })
        .onEvent(
            ClusterCapacityProvidersPut.class,
            (s, e) -> {
              ClusterSpec spec = s.info().spec();
              return active(
                  s.info()
                      .withSpec(
                          new ClusterSpec(
                              spec.name(),
                              spec.settings(),
                              spec.configuration(),
                              spec.serviceConnectDefaults(),
                              e.capacityProviders(),
                              e.defaultCapacityProviderStrategy(),
                              spec.tags())));
            })
        .onEvent(
            ClusterTagged.class,
            (s, e) ->
                active(
                    s.info()
                        .withSpec(
                            withTags(
                                s.info().spec(), Tags.merged(s.info().spec().tags(), e.tags())))))
        .onEvent(
            ClusterUntagged.class,
            (s, e) ->
                active(
                    s.info()
                        .withSpec(
                            withTags(
                                s.info().spec(),
                                Tags.without(s.info().spec().tags(), e.tagKeys())))))
        .onEvent(
            InstanceJoined.class, (s, e) -> active(s.info().withInstance(e.instanceId(), true)))
        .onEvent(InstanceLeft.class, (s, e) -> active(s.info().withInstance(e.instanceId(), false)))
        .onEvent(ServiceAdded.class, (s, e) -> active(s.info().withService(e.serviceName(), true)))
        .onEvent(
            ServiceRemoved.class, (s, e) -> active(s.info().withService(e.serviceName(), false)))
        .onEvent(
            ClusterDeleted.class,
            (s, e) ->
                new InactiveCluster(
                    new ClusterInfo(
                        s.info().accountId(),
                        s.info().spec(),
                        Status.INACTIVE,
                        s.info().createdAt(),
                        s.info().instances(),
                        s.info().services())));
    return builder.build();
  }

  private static State created(String accountId, ClusterCreated e) {
    return new ActiveCluster(
        new ClusterInfo(accountId, e.spec(), Status.ACTIVE, e.at(), Collections.emptySortedSet()));
  }

  private static State active(ClusterInfo info) {
    return new ActiveCluster(info);
  }

  /** UpdateClusterSettings replaces settings by name and keeps the others. */
  static ClusterSpec withSettings(ClusterSpec spec, List<Setting> changed) {
    Map<String, String> byName = new LinkedHashMap<>();
    spec.settings().forEach(st -> byName.put(st.name(), st.value()));
    changed.forEach(st -> byName.put(st.name(), st.value()));
    List<Setting> settings =
        byName.entrySet().stream().map(en -> new Setting(en.getKey(), en.getValue())).toList();
    return new ClusterSpec(
        spec.name(),
        settings,
        spec.configuration(),
        spec.serviceConnectDefaults(),
        spec.capacityProviders(),
        spec.defaultCapacityProviderStrategy(),
        spec.tags());
  }

  static ClusterSpec withTags(ClusterSpec spec, List<Tag> tags) {
    return new ClusterSpec(
        spec.name(),
        spec.settings(),
        spec.configuration(),
        spec.serviceConnectDefaults(),
        spec.capacityProviders(),
        spec.defaultCapacityProviderStrategy(),
        tags);
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
