package io.harbormaster.loadbalancing;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
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
import java.util.TreeSet;
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
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An ELBv2 target group: protocol, port, health checks, attributes, its registered targets with the
 * data plane's last word on their health, and the listeners and rules that forward to it (which
 * decide the one load balancer type it serves, and keep it from being deleted). Entity id: {@code
 * <account>/<name>}; a deleted target group's name is free for a new one (a new id in its ARN).
 */
public final class TargetGroup
    extends EventSourcedBehaviorWithEnforcedReplies<
        TargetGroup.Command, TargetGroup.Event, TargetGroup.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "TargetGroup");

  /** ELBv2 allows at most 50 tags per resource. */
  static final int MAX_TAGS = Tags.MAX_PER_RESOURCE;

  public static String entityId(String accountId, String name) {
    return accountId + "/" + name;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(
      String id, Spec spec, List<Tag> tags, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record ModifyHealthCheck(
      HealthCheck.Change change, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record ModifyAttributes(
      Map<String, String> attributes, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record RegisterTargets(
      List<Target> targets, Instant at, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record DeregisterTargets(
      List<Target> targets, Instant at, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  /**
   * A listener's default actions or a rule (the user, by ARN) forward to this target group; refused
   * when it serves another load balancer type or speaks another family of protocols. Idempotent.
   */
  public record Attach(
      String targetGroupId,
      String userArn,
      String loadBalancerArn,
      LoadBalancerType type,
      ElbProtocol listenerProtocol,
      Instant at,
      ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /** The user no longer forwards here (idempotent). */
  public record Detach(String userArn, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /**
   * The data plane's health check results; reports for targets no longer registered are ignored.
   */
  public record ReportHealth(
      List<HealthReport> reports, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record AddTags(List<Tag> tags, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record RemoveTags(List<String> keys, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record Delete(Instant at, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record TargetGroupCreated(String id, Spec spec, List<Tag> tags, Instant at)
      implements Event {}

  public record HealthCheckModified(HealthCheck healthCheck, Instant at) implements Event {}

  public record AttributesModified(Map<String, String> attributes, Instant at) implements Event {}

  public record TargetsRegistered(List<Target> targets, Instant at) implements Event {}

  public record TargetsDeregistered(List<Target> targets, Instant at) implements Event {}

  public record TargetGroupAttached(
      String userArn, String loadBalancerArn, LoadBalancerType type, Instant at) implements Event {}

  public record TargetGroupDetached(String userArn, Instant at) implements Event {}

  public record TargetHealthReported(List<HealthReport> reports, Instant at) implements Event {}

  public record TargetGroupTagged(List<Tag> tags) implements Event {}

  public record TargetGroupUntagged(List<String> keys) implements Event {}

  public record TargetGroupDeleted(Instant at) implements Event {}

  // ---- data ----
  public enum TargetType {
    INSTANCE("instance"),
    IP("ip");

    private final String wire;

    TargetType(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<TargetType> ofWire(String text) {
      for (TargetType t : values()) if (t.wire.equals(text)) return Optional.of(t);
      return Optional.empty();
    }
  }

  /** What CreateTargetGroup asked for, with ELBv2's defaults filled in. */
  public record Spec(
      String name,
      ElbProtocol protocol,
      int port,
      TargetType targetType,
      String vpcId,
      String protocolVersion,
      HealthCheck healthCheck)
      implements CborSerializable {}

  /** A target: an instance id or an IP address, and the port it receives traffic on. */
  public record Target(String id, int port, String availabilityZone) implements CborSerializable {
    String key() {
      return id + ":" + port;
    }
  }

  /** One data plane health check result. */
  public record HealthReport(
      String targetId, int port, TargetHealth.Observed observed, TargetHealth.Reason reason)
      implements CborSerializable {}

  /** A target as the group keeps it: registered (or draining since deregisteredAt). */
  public record RegisteredTarget(
      Target target,
      Instant registeredAt,
      Instant deregisteredAt,
      TargetHealth.Observed observed,
      TargetHealth.Reason observedReason)
      implements CborSerializable {}

  public record Info(
      String accountId,
      String id,
      Spec spec,
      Instant createdAt,
      SortedMap<String, String> attributes,
      SortedMap<String, RegisteredTarget> targets,
      SortedMap<String, String> users,
      LoadBalancerType servedType,
      List<Tag> tags)
      implements CborSerializable {

    public String name() {
      return spec.name();
    }

    /** Whether a listener or rule forwards here: the targets then receive traffic. */
    public boolean inUse() {
      return !users.isEmpty();
    }

    /** The load balancers whose listeners or rules forward here, each once. */
    public Set<String> loadBalancerArns() {
      return Collections.unmodifiableSet(new TreeSet<>(users.values()));
    }

    public Duration deregistrationDelay() {
      return Duration.ofSeconds(
          Long.parseLong(attributes.get(TargetGroupAttributes.DEREGISTRATION_DELAY)));
    }

    /** The health of a registered target at {@code now}; empty once it has drained. */
    public Optional<TargetHealth> health(RegisteredTarget t, Instant now) {
      return TargetHealth.of(
          inUse(),
          spec.healthCheck().enabled(),
          t.deregisteredAt(),
          deregistrationDelay(),
          t.observed(),
          t.observedReason(),
          now);
    }

    /** The targets still registered or draining at {@code now}. */
    public List<RegisteredTarget> currentTargets(Instant now) {
      return targets.values().stream().filter(t -> health(t, now).isPresent()).toList();
    }

    Info withSpec(Spec next) {
      return new Info(accountId, id, next, createdAt, attributes, targets, users, servedType, tags);
    }

    Info withAttributes(SortedMap<String, String> next) {
      return new Info(accountId, id, spec, createdAt, next, targets, users, servedType, tags);
    }

    Info withTargets(SortedMap<String, RegisteredTarget> next) {
      return new Info(accountId, id, spec, createdAt, attributes, next, users, servedType, tags);
    }

    Info withUsers(SortedMap<String, String> next, LoadBalancerType type) {
      return new Info(accountId, id, spec, createdAt, attributes, targets, next, type, tags);
    }

    Info withTags(List<Tag> next) {
      return new Info(accountId, id, spec, createdAt, attributes, targets, users, servedType, next);
    }

    /** Drops the targets that have drained by {@code at}. */
    SortedMap<String, RegisteredTarget> drained(Instant at) {
      SortedMap<String, RegisteredTarget> next = new TreeMap<>(targets);
      next.values().removeIf(t -> health(t, at).isEmpty());
      return next;
    }
  }

  public sealed interface State extends CborSerializable {}

  public record NoTargetGroup(String accountId) implements State {}

  public record ActiveTargetGroup(Info info) implements State {}

  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String entityId, EventTags tags) {
    return new TargetGroup(entityId, tags);
  }

  private final String entityId;
  private final EventTags tags;

  private TargetGroup(String entityId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    this.tags = tags;
  }

  @Override
  public State emptyState() {
    return new NoTargetGroup(entityId.substring(0, entityId.indexOf('/')));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(NoTargetGroup.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .persist(new TargetGroupCreated(c.id(), c.spec(), c.tags(), c.at()))
                    .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(Get.class, c -> notFound(c.replyTo()))
        .onCommand(ModifyHealthCheck.class, c -> notFound(c.replyTo()))
        .onCommand(ModifyAttributes.class, c -> notFound(c.replyTo()))
        .onCommand(RegisterTargets.class, c -> notFound(c.replyTo()))
        .onCommand(DeregisterTargets.class, c -> notFound(c.replyTo()))
        .onCommand(Attach.class, c -> notFound(c.replyTo()))
        .onCommand(
            Detach.class,
            c ->
                Effect()
                    .reply(
                        c.replyTo(),
                        ElbRejection.reply(ElbError.TARGET_GROUP_NOT_FOUND, notFoundMessage())))
        .onCommand(ReportHealth.class, c -> notFound(c.replyTo()))
        .onCommand(AddTags.class, c -> notFound(c.replyTo()))
        .onCommand(RemoveTags.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()));
    builder
        .forStateType(ActiveTargetGroup.class)
        .onCommand(Create.class, this::createAgain)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
        .onCommand(ModifyHealthCheck.class, this::modifyHealthCheck)
        .onCommand(ModifyAttributes.class, this::modifyAttributes)
        .onCommand(RegisterTargets.class, this::register)
        .onCommand(
            DeregisterTargets.class,
            (s, c) ->
                Effect()
                    .persist(new TargetsDeregistered(c.targets(), c.at()))
                    .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(Attach.class, this::attach)
        .onCommand(
            Detach.class,
            (s, c) ->
                !s.info().users().containsKey(c.userArn())
                    ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                    : Effect()
                        .persist(new TargetGroupDetached(c.userArn(), c.at()))
                        .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(
            ReportHealth.class,
            (s, c) ->
                Effect()
                    .persist(new TargetHealthReported(c.reports(), c.at()))
                    .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(
            AddTags.class,
            (s, c) ->
                Tags.merged(s.info().tags(), c.tags()).size() > MAX_TAGS
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            ElbRejection.reply(
                                ElbError.TOO_MANY_TAGS,
                                "The quota for the number of tags that can be assigned to a load"
                                    + " balancing resource has been reached"))
                    : Effect()
                        .persist(new TargetGroupTagged(c.tags()))
                        .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(
            RemoveTags.class,
            (s, c) ->
                Effect()
                    .persist(new TargetGroupUntagged(c.keys()))
                    .thenReply(c.replyTo(), TargetGroup::infoReply))
        .onCommand(
            Delete.class,
            (s, c) ->
                s.info().inUse()
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            ElbRejection.reply(
                                ElbError.RESOURCE_IN_USE,
                                "Target group '"
                                    + s.info().name()
                                    + "' is currently in use by a listener or a rule"))
                    : Effect()
                        .persist(new TargetGroupDeleted(c.at()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(s.info())));
    return builder.build();
  }

  private static StatusReply<Info> infoReply(State next) {
    return StatusReply.success(((ActiveTargetGroup) next).info());
  }

  private String notFoundMessage() {
    return "One or more target groups not found";
  }

  private ReplyEffect<Event, State> notFound(ActorRef<StatusReply<Info>> replyTo) {
    return Effect()
        .reply(replyTo, ElbRejection.reply(ElbError.TARGET_GROUP_NOT_FOUND, notFoundMessage()));
  }

  /** CreateTargetGroup is idempotent: the same settings answer with the existing group. */
  private ReplyEffect<Event, State> createAgain(ActiveTargetGroup s, Create c) {
    return s.info().spec().equals(c.spec())
        ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
        : Effect()
            .reply(
                c.replyTo(),
                ElbRejection.reply(
                    ElbError.DUPLICATE_TARGET_GROUP_NAME,
                    "A target group with the same name '"
                        + c.spec().name()
                        + "' exists, but with different settings"));
  }

  private ReplyEffect<Event, State> modifyHealthCheck(ActiveTargetGroup s, ModifyHealthCheck c) {
    HealthCheck next = s.info().spec().healthCheck().with(c.change());
    String problem = next.problem();
    if (problem != null) {
      return Effect().reply(c.replyTo(), ElbRejection.reply(ElbError.VALIDATION, problem));
    }
    return Effect()
        .persist(new HealthCheckModified(next, c.at()))
        .thenReply(c.replyTo(), TargetGroup::infoReply);
  }

  private ReplyEffect<Event, State> modifyAttributes(ActiveTargetGroup s, ModifyAttributes c) {
    for (var a : c.attributes().entrySet()) {
      String problem =
          TargetGroupAttributes.problem(s.info().spec().protocol(), a.getKey(), a.getValue());
      if (problem != null) {
        return Effect().reply(c.replyTo(), ElbRejection.reply(ElbError.VALIDATION, problem));
      }
    }
    return Effect()
        .persist(new AttributesModified(c.attributes(), c.at()))
        .thenReply(c.replyTo(), TargetGroup::infoReply);
  }

  private ReplyEffect<Event, State> register(ActiveTargetGroup s, RegisterTargets c) {
    List<String> invalid = new ArrayList<>();
    for (Target t : c.targets()) {
      if (!validTargetId(s.info().spec().targetType(), t.id()) || t.port() < 1 || t.port() > 65535)
        invalid.add(t.id());
    }
    if (!invalid.isEmpty()) {
      String what =
          switch (s.info().spec().targetType()) {
            case INSTANCE -> "instances";
            case IP -> "IP addresses";
          };
      return Effect()
          .reply(
              c.replyTo(),
              ElbRejection.reply(
                  ElbError.INVALID_TARGET,
                  "The following targets are not valid "
                      + what
                      + ": '"
                      + String.join("', '", invalid)
                      + "'"));
    }
    return Effect()
        .persist(new TargetsRegistered(c.targets(), c.at()))
        .thenReply(c.replyTo(), TargetGroup::infoReply);
  }

  /** An instance id, or an IPv4 address (tests and this machine: loopback and link-local). */
  static boolean validTargetId(TargetType type, String id) {
    return switch (type) {
      case INSTANCE -> id.matches("i-[0-9a-zA-Z]{1,64}");
      case IP ->
          id.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")
              && java.util.Arrays.stream(id.split("\\.")).allMatch(o -> Integer.parseInt(o) < 256);
    };
  }

  private ReplyEffect<Event, State> attach(ActiveTargetGroup s, Attach c) {
    Info info = s.info();
    // The ARN named an earlier target group of this name.
    if (!info.id().equals(c.targetGroupId())) return notFound(c.replyTo());
    if (!c.type().speaks(info.spec().protocol())) {
      return Effect()
          .reply(
              c.replyTo(),
              ElbRejection.reply(
                  ElbError.INVALID_CONFIGURATION_REQUEST,
                  "The target group '"
                      + info.name()
                      + "' has protocol '"
                      + info.spec().protocol()
                      + "', which a "
                      + c.type().wire()
                      + " load balancer cannot forward to"));
    }
    if (!c.listenerProtocol().canForwardTo(info.spec().protocol())) {
      return Effect()
          .reply(
              c.replyTo(),
              ElbRejection.reply(
                  ElbError.INVALID_CONFIGURATION_REQUEST,
                  "Listener protocol '"
                      + c.listenerProtocol()
                      + "' is not supported with a target group with the protocol '"
                      + info.spec().protocol()
                      + "'"));
    }
    if (info.servedType() != null && info.inUse() && info.servedType() != c.type()) {
      return Effect()
          .reply(
              c.replyTo(),
              ElbRejection.reply(
                  ElbError.INVALID_CONFIGURATION_REQUEST,
                  "The target group '"
                      + info.name()
                      + "' is already used by a load balancer of type '"
                      + info.servedType().wire()
                      + "'"));
    }
    if (c.loadBalancerArn().equals(info.users().get(c.userArn()))) {
      return Effect().reply(c.replyTo(), StatusReply.success(info));
    }
    return Effect()
        .persist(new TargetGroupAttached(c.userArn(), c.loadBalancerArn(), c.type(), c.at()))
        .thenReply(c.replyTo(), TargetGroup::infoReply);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(NoTargetGroup.class)
        .onEvent(
            TargetGroupCreated.class,
            (s, e) ->
                new ActiveTargetGroup(
                    new Info(
                        s.accountId(),
                        e.id(),
                        e.spec(),
                        e.at(),
                        new TreeMap<>(TargetGroupAttributes.defaults(e.spec().protocol())),
                        new TreeMap<>(),
                        new TreeMap<>(),
                        null,
                        Tags.merged(List.of(), e.tags()))));
    builder
        .forStateType(ActiveTargetGroup.class)
        .onEvent(
            HealthCheckModified.class,
            (s, e) ->
                new ActiveTargetGroup(
                    s.info().withSpec(withHealthCheck(s.info().spec(), e.healthCheck()))))
        .onEvent(
            AttributesModified.class,
            (s, e) -> {
              SortedMap<String, String> next = new TreeMap<>(s.info().attributes());
              next.putAll(e.attributes());
              return new ActiveTargetGroup(s.info().withAttributes(next));
            })
        .onEvent(
            TargetsRegistered.class,
            (s, e) -> {
              SortedMap<String, RegisteredTarget> next = s.info().drained(e.at());
              for (Target t : e.targets()) {
                RegisteredTarget current = next.get(t.key());
                // Registering a registered target changes nothing; a draining one starts over.
                if (current == null || current.deregisteredAt() != null) {
                  next.put(t.key(), new RegisteredTarget(t, e.at(), null, null, null));
                }
              }
              return new ActiveTargetGroup(s.info().withTargets(next));
            })
        .onEvent(
            TargetsDeregistered.class,
            (s, e) -> {
              SortedMap<String, RegisteredTarget> next = s.info().drained(e.at());
              for (Target t : e.targets()) {
                RegisteredTarget current = next.get(t.key());
                if (current == null || current.deregisteredAt() != null) continue;
                // Targets of a group nobody forwards to have no connections to drain.
                if (!s.info().inUse()) next.remove(t.key());
                else
                  next.put(
                      t.key(),
                      new RegisteredTarget(
                          current.target(),
                          current.registeredAt(),
                          e.at(),
                          current.observed(),
                          current.observedReason()));
              }
              return new ActiveTargetGroup(s.info().withTargets(next));
            })
        .onEvent(
            TargetGroupAttached.class,
            (s, e) -> {
              SortedMap<String, String> users = new TreeMap<>(s.info().users());
              users.put(e.userArn(), e.loadBalancerArn());
              return new ActiveTargetGroup(s.info().withUsers(users, e.type()));
            })
        .onEvent(
            TargetGroupDetached.class,
            (s, e) -> {
              SortedMap<String, String> users = new TreeMap<>(s.info().users());
              users.remove(e.userArn());
              return new ActiveTargetGroup(
                  s.info().withUsers(users, users.isEmpty() ? null : s.info().servedType()));
            })
        .onEvent(
            TargetHealthReported.class,
            (s, e) -> {
              SortedMap<String, RegisteredTarget> next = new TreeMap<>(s.info().targets());
              for (HealthReport r : e.reports()) {
                RegisteredTarget current = next.get(r.targetId() + ":" + r.port());
                if (current == null || current.deregisteredAt() != null) continue;
                next.put(
                    r.targetId() + ":" + r.port(),
                    new RegisteredTarget(
                        current.target(), current.registeredAt(), null, r.observed(), r.reason()));
              }
              return new ActiveTargetGroup(s.info().withTargets(next));
            })
        .onEvent(
            TargetGroupTagged.class,
            (s, e) ->
                new ActiveTargetGroup(s.info().withTags(Tags.merged(s.info().tags(), e.tags()))))
        .onEvent(
            TargetGroupUntagged.class,
            (s, e) ->
                new ActiveTargetGroup(s.info().withTags(Tags.without(s.info().tags(), e.keys()))))
        .onEvent(TargetGroupDeleted.class, (s, e) -> new NoTargetGroup(s.info().accountId()));
    return builder.build();
  }

  private static Spec withHealthCheck(Spec spec, HealthCheck healthCheck) {
    return new Spec(
        spec.name(),
        spec.protocol(),
        spec.port(),
        spec.targetType(),
        spec.vpcId(),
        spec.protocolVersion(),
        healthCheck);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), entityId);
  }
}
