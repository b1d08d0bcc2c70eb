package io.harbormaster.loadbalancing;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import io.harbormaster.loadbalancing.Routing.Action;
import io.harbormaster.loadbalancing.Routing.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An ELBv2 load balancer with its listeners and each listener's rules: the whole routing
 * configuration of one load balancer, changed one command at a time so a listener's port and a
 * rule's priority are unique by construction. Entity id: {@code <account>/<name>}; the id in its
 * ARN tells it from an earlier load balancer of the same name. Commands that name a listener or
 * rule carry that id and are refused (not found) when it is not this load balancer's.
 */
public final class LoadBalancer
    extends EventSourcedBehaviorWithEnforcedReplies<
        LoadBalancer.Command, LoadBalancer.Event, LoadBalancer.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "LoadBalancer");

  public static String entityId(String accountId, String name) {
    return accountId + "/" + name;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(
      String id, Spec spec, List<Tag> tags, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Info>> replyTo) implements Command {}

  /** Sent by the load balancer to itself once created: nothing here needs provisioning. */
  private record Activate(Instant at) implements Command {}

  public record Delete(String id, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record AddListener(
      String id, Listener listener, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /** ModifyListener: members left null are kept. */
  public record ModifyListener(
      String id,
      String listenerId,
      Integer port,
      ElbProtocol protocol,
      List<Action> defaultActions,
      Instant at,
      ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record RemoveListener(
      String id, String listenerId, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record AddRule(
      String id, String listenerId, Rule rule, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  /** ModifyRule: members left null are kept. */
  public record ModifyRule(
      String id,
      String listenerId,
      String ruleId,
      List<Condition> conditions,
      List<Action> actions,
      Instant at,
      ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record RemoveRule(
      String id, String listenerId, String ruleId, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record SetRulePriorities(
      String id, List<RulePriority> priorities, Instant at, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public record AddTags(List<Tag> tags, ActorRef<StatusReply<Info>> replyTo) implements Command {}

  public record RemoveTags(List<String> keys, ActorRef<StatusReply<Info>> replyTo)
      implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record LoadBalancerCreated(String id, Spec spec, List<Tag> tags, Instant at)
      implements Event {}

  public record LoadBalancerActivated(Instant at) implements Event {}

  public record LoadBalancerDeleted(Instant at) implements Event {}

  public record ListenerAdded(Listener listener, Instant at) implements Event {}

  public record ListenerModified(Listener listener, Instant at) implements Event {}

  public record ListenerRemoved(String listenerId, Instant at) implements Event {}

  public record RuleAdded(String listenerId, Rule rule, Instant at) implements Event {}

  public record RuleModified(String listenerId, Rule rule, Instant at) implements Event {}

  public record RuleRemoved(String listenerId, String ruleId, Instant at) implements Event {}

  public record RulePrioritiesSet(List<RulePriority> priorities, Instant at) implements Event {}

  public record LoadBalancerTagged(List<Tag> tags) implements Event {}

  public record LoadBalancerUntagged(List<String> keys) implements Event {}

  // ---- data ----
  public enum Status {
    PROVISIONING("provisioning"),
    ACTIVE("active");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public record Spec(
      String name,
      LoadBalancerType type,
      String scheme,
      String ipAddressType,
      List<String> subnets,
      List<String> securityGroups)
      implements CborSerializable {}

  public record Rule(String id, int priority, List<Condition> conditions, List<Action> actions)
      implements CborSerializable {}

  public record RulePriority(String listenerId, String ruleId, int priority)
      implements CborSerializable {}

  /**
   * A listener: its port and protocol, the default rule's actions (the default rule is part of the
   * listener, {@code defaultRuleId} its ARN's id) and its other rules by id.
   */
  public record Listener(
      String id,
      int port,
      ElbProtocol protocol,
      List<Action> defaultActions,
      String defaultRuleId,
      SortedMap<String, Rule> rules)
      implements CborSerializable {
    Listener with(Integer nextPort, ElbProtocol nextProtocol, List<Action> nextActions) {
      return new Listener(
          id,
          nextPort != null ? nextPort : port,
          nextProtocol != null ? nextProtocol : protocol,
          nextActions != null ? nextActions : defaultActions,
          defaultRuleId,
          rules);
    }

    Listener withRules(SortedMap<String, Rule> next) {
      return new Listener(id, port, protocol, defaultActions, defaultRuleId, next);
    }

    Optional<Rule> ruleWithPriority(int priority) {
      return rules.values().stream().filter(r -> r.priority() == priority).findFirst();
    }
  }

  public record Info(
      String accountId,
      String id,
      Spec spec,
      Instant createdAt,
      Status status,
      SortedMap<String, Listener> listeners,
      List<Tag> tags)
      implements CborSerializable {
    public String name() {
      return spec.name();
    }

    public Optional<Listener> listener(String listenerId) {
      return Optional.ofNullable(listeners.get(listenerId));
    }

    Info withStatus(Status next) {
      return new Info(accountId, id, spec, createdAt, next, listeners, tags);
    }

    Info withListener(Listener listener) {
      SortedMap<String, Listener> next = new TreeMap<>(listeners);
      next.put(listener.id(), listener);
      return new Info(accountId, id, spec, createdAt, status, next, tags);
    }

    Info withoutListener(String listenerId) {
      SortedMap<String, Listener> next = new TreeMap<>(listeners);
      next.remove(listenerId);
      return new Info(accountId, id, spec, createdAt, status, next, tags);
    }

    Info withTags(List<Tag> next) {
      return new Info(accountId, id, spec, createdAt, status, listeners, next);
    }

    Info withRule(String listenerId, Rule rule) {
      Listener l = listeners.get(listenerId);
      SortedMap<String, Rule> rules = new TreeMap<>(l.rules());
      rules.put(rule.id(), rule);
      return withListener(l.withRules(rules));
    }

    Info withoutRule(String listenerId, String ruleId) {
      Listener l = listeners.get(listenerId);
      SortedMap<String, Rule> rules = new TreeMap<>(l.rules());
      rules.remove(ruleId);
      return withListener(l.withRules(rules));
    }
  }

  public sealed interface State extends CborSerializable {}

  public record NoLoadBalancer(String accountId) implements State {}

  public record ActiveLoadBalancer(Info info) implements State {}

  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String entityId, EventTags tags) {
    return Behaviors.setup(context -> new LoadBalancer(context, entityId, tags));
  }

  private final ActorContext<Command> context;
  private final String entityId;
  private final EventTags tags;

  private LoadBalancer(ActorContext<Command> context, String entityId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.context = context;
    this.entityId = entityId;
    this.tags = tags;
  }

  @Override
  public State emptyState() {
    return new NoLoadBalancer(entityId.substring(0, entityId.indexOf('/')));
  }

  private static final String NOT_FOUND = "One or more load balancers not found";

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(NoLoadBalancer.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .persist(new LoadBalancerCreated(c.id(), c.spec(), c.tags(), c.at()))
                    .thenRun(next -> context.getSelf().tell(new Activate(c.at())))
                    .thenReply(c.replyTo(), LoadBalancer::infoReply))
        .onCommand(Activate.class, (s, c) -> Effect().noReply())
        .onCommand(Get.class, c -> notFound(c.replyTo()))
        .onCommand(Delete.class, c -> notFound(c.replyTo()))
        .onCommand(AddListener.class, c -> notFound(c.replyTo()))
        .onCommand(ModifyListener.class, c -> listenerNotFound(c.replyTo()))
        .onCommand(RemoveListener.class, c -> listenerNotFound(c.replyTo()))
        .onCommand(AddRule.class, c -> listenerNotFound(c.replyTo()))
        .onCommand(ModifyRule.class, c -> ruleNotFound(c.replyTo()))
        .onCommand(RemoveRule.class, c -> ruleNotFound(c.replyTo()))
        .onCommand(SetRulePriorities.class, c -> ruleNotFound(c.replyTo()))
        .onCommand(AddTags.class, c -> notFound(c.replyTo()))
        .onCommand(RemoveTags.class, c -> notFound(c.replyTo()));
    builder
        .forStateType(ActiveLoadBalancer.class)
        .onCommand(Create.class, this::createAgain)
        .onCommand(
            Activate.class,
            (s, c) ->
                s.info().status() == Status.ACTIVE
                    ? Effect().noReply()
                    : Effect().persist(new LoadBalancerActivated(c.at())).thenNoReply())
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
        .onCommand(
            Delete.class,
            (s, c) ->
                !s.info().id().equals(c.id())
                    ? notFound(c.replyTo())
                    : Effect()
                        .persist(new LoadBalancerDeleted(c.at()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(s.info())))
        .onCommand(AddListener.class, this::addListener)
        .onCommand(ModifyListener.class, this::modifyListener)
        .onCommand(
            RemoveListener.class,
            (s, c) ->
                listenerOf(s, c.id(), c.listenerId()).isEmpty()
                    ? listenerNotFound(c.replyTo())
                    : Effect()
                        .persist(new ListenerRemoved(c.listenerId(), c.at()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(s.info())))
        .onCommand(AddRule.class, this::addRule)
        .onCommand(ModifyRule.class, this::modifyRule)
        .onCommand(
            RemoveRule.class,
            (s, c) ->
                listenerOf(s, c.id(), c.listenerId())
                        .map(l -> l.rules().containsKey(c.ruleId()))
                        .orElse(false)
                    ? Effect()
                        .persist(new RuleRemoved(c.listenerId(), c.ruleId(), c.at()))
                        .thenReply(c.replyTo(), next -> StatusReply.success(s.info()))
                    : ruleNotFound(c.replyTo()))
        .onCommand(SetRulePriorities.class, this::setRulePriorities)
        .onCommand(
            AddTags.class,
            (s, c) ->
                Tags.merged(s.info().tags(), c.tags()).size() > TargetGroup.MAX_TAGS
                    ? Effect()
                        .reply(
                            c.replyTo(),
                            ElbRejection.reply(
                                ElbError.TOO_MANY_TAGS,
                                "The quota for the number of tags that can be assigned to a load"
                                    + " balancing resource has been reached"))
                    : Effect()
                        .persist(new LoadBalancerTagged(c.tags()))
                        .thenReply(c.replyTo(), LoadBalancer::infoReply))
        .onCommand(
            RemoveTags.class,
            (s, c) ->
                Effect()
                    .persist(new LoadBalancerUntagged(c.keys()))
                    .thenReply(c.replyTo(), LoadBalancer::infoReply));
    return builder.build();
  }

  private static StatusReply<Info> infoReply(State next) {
    return StatusReply.success(((ActiveLoadBalancer) next).info());
  }

  private ReplyEffect<Event, State> notFound(ActorRef<StatusReply<Info>> replyTo) {
    return Effect().reply(replyTo, ElbRejection.reply(ElbError.LOAD_BALANCER_NOT_FOUND, NOT_FOUND));
  }

  private ReplyEffect<Event, State> listenerNotFound(ActorRef<StatusReply<Info>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            ElbRejection.reply(ElbError.LISTENER_NOT_FOUND, "One or more listeners not found"));
  }

  private ReplyEffect<Event, State> ruleNotFound(ActorRef<StatusReply<Info>> replyTo) {
    return Effect()
        .reply(replyTo, ElbRejection.reply(ElbError.RULE_NOT_FOUND, "One or more rules not found"));
  }

  private ReplyEffect<Event, State> refuse(
      ActorRef<StatusReply<Info>> replyTo, ElbError error, String message) {
    return Effect().reply(replyTo, ElbRejection.reply(error, message));
  }

  private static Optional<Listener> listenerOf(ActiveLoadBalancer s, String id, String listenerId) {
    return s.info().id().equals(id) ? s.info().listener(listenerId) : Optional.empty();
  }

  /** CreateLoadBalancer is idempotent: the same settings answer with the existing one. */
  private ReplyEffect<Event, State> createAgain(ActiveLoadBalancer s, Create c) {
    return s.info().spec().equals(c.spec())
        ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
        : refuse(
            c.replyTo(),
            ElbError.DUPLICATE_LOAD_BALANCER_NAME,
            "A load balancer with the same name '"
                + c.spec().name()
                + "' exists, but with different settings");
  }

  /** Why this listener (new or modified) cannot be on this load balancer, or null. */
  static String listenerProblem(Info info, Listener listener) {
    LoadBalancerType type = info.spec().type();
    if (!type.speaks(listener.protocol())) {
      return "Protocol '"
          + listener.protocol()
          + "' is not supported for "
          + type.wire()
          + " load balancers";
    }
    if (listener.port() < 1 || listener.port() > 65535) {
      return "Listener port '" + listener.port() + "' must be between 1 and 65535";
    }
    return Routing.actionsProblem(type, listener.defaultActions());
  }

  private static Optional<Listener> onPort(Info info, int port, String except) {
    return info.listeners().values().stream()
        .filter(l -> l.port() == port && !l.id().equals(except))
        .findFirst();
  }

  private ReplyEffect<Event, State> addListener(ActiveLoadBalancer s, AddListener c) {
    if (!s.info().id().equals(c.id())) return notFound(c.replyTo());
    String problem = listenerProblem(s.info(), c.listener());
    if (problem != null) return refuse(c.replyTo(), ElbError.VALIDATION, problem);
    if (onPort(s.info(), c.listener().port(), c.listener().id()).isPresent()) {
      return refuse(
          c.replyTo(),
          ElbError.DUPLICATE_LISTENER,
          "A listener already exists on this port for this load balancer");
    }
    if (s.info().listeners().containsKey(c.listener().id())) {
      return Effect().reply(c.replyTo(), StatusReply.success(s.info()));
    }
    return Effect()
        .persist(new ListenerAdded(c.listener(), c.at()))
        .thenReply(c.replyTo(), LoadBalancer::infoReply);
  }

  private ReplyEffect<Event, State> modifyListener(ActiveLoadBalancer s, ModifyListener c) {
    Optional<Listener> current = listenerOf(s, c.id(), c.listenerId());
    if (current.isEmpty()) return listenerNotFound(c.replyTo());
    Listener next = current.get().with(c.port(), c.protocol(), c.defaultActions());
    String problem = listenerProblem(s.info(), next);
    if (problem != null) return refuse(c.replyTo(), ElbError.VALIDATION, problem);
    if (onPort(s.info(), next.port(), next.id()).isPresent()) {
      return refuse(
          c.replyTo(),
          ElbError.DUPLICATE_LISTENER,
          "A listener already exists on this port for this load balancer");
    }
    return Effect()
        .persist(new ListenerModified(next, c.at()))
        .thenReply(c.replyTo(), LoadBalancer::infoReply);
  }

  private String ruleProblem(Info info, Rule rule) {
    if (info.spec().type() == LoadBalancerType.NETWORK) {
      return "Rules are not supported for network load balancer listeners";
    }
    if (rule.priority() < 1 || rule.priority() > 50000) {
      return "Priority '" + rule.priority() + "' must be between 1 and 50000";
    }
    String conditions = Routing.conditionsProblem(rule.conditions());
    return conditions != null
        ? conditions
        : Routing.actionsProblem(info.spec().type(), rule.actions());
  }

  private ReplyEffect<Event, State> addRule(ActiveLoadBalancer s, AddRule c) {
    Optional<Listener> listener = listenerOf(s, c.id(), c.listenerId());
    if (listener.isEmpty()) return listenerNotFound(c.replyTo());
    if (listener.get().rules().containsKey(c.rule().id())) {
      return Effect().reply(c.replyTo(), StatusReply.success(s.info()));
    }
    String problem = ruleProblem(s.info(), c.rule());
    if (problem != null) return refuse(c.replyTo(), ElbError.VALIDATION, problem);
    if (listener.get().ruleWithPriority(c.rule().priority()).isPresent()) {
      return refuse(
          c.replyTo(),
          ElbError.PRIORITY_IN_USE,
          "Priority '" + c.rule().priority() + "' is currently in use");
    }
    return Effect()
        .persist(new RuleAdded(c.listenerId(), c.rule(), c.at()))
        .thenReply(c.replyTo(), LoadBalancer::infoReply);
  }

  private ReplyEffect<Event, State> modifyRule(ActiveLoadBalancer s, ModifyRule c) {
    Optional<Rule> current =
        listenerOf(s, c.id(), c.listenerId()).map(l -> l.rules().get(c.ruleId()));
    if (current.isEmpty()) return ruleNotFound(c.replyTo());
    Rule next =
        new Rule(
            c.ruleId(),
            current.get().priority(),
            c.conditions() != null ? c.conditions() : current.get().conditions(),
            c.actions() != null ? c.actions() : current.get().actions());
    String problem = ruleProblem(s.info(), next);
    if (problem != null) return refuse(c.replyTo(), ElbError.VALIDATION, problem);
    return Effect()
        .persist(new RuleModified(c.listenerId(), next, c.at()))
        .thenReply(c.replyTo(), LoadBalancer::infoReply);
  }

  private ReplyEffect<Event, State> setRulePriorities(ActiveLoadBalancer s, SetRulePriorities c) {
    Info info = s.info();
    if (!info.id().equals(c.id())) return ruleNotFound(c.replyTo());
    for (RulePriority p : c.priorities()) {
      if (!info.listener(p.listenerId()).map(l -> l.rules().containsKey(p.ruleId())).orElse(false))
        return ruleNotFound(c.replyTo());
      if (p.priority() < 1 || p.priority() > 50000)
        return refuse(
            c.replyTo(),
            ElbError.VALIDATION,
            "Priority '" + p.priority() + "' must be between 1 and 50000");
    }
    Info after = applyPriorities(info, c.priorities());
    for (Listener l : after.listeners().values()) {
      long distinct = l.rules().values().stream().mapToInt(Rule::priority).distinct().count();
      if (distinct != l.rules().size()) {
        return refuse(
            c.replyTo(), ElbError.PRIORITY_IN_USE, "One or more priorities are currently in use");
      }
    }
    return Effect()
        .persist(new RulePrioritiesSet(c.priorities(), c.at()))
        .thenReply(c.replyTo(), LoadBalancer::infoReply);
  }

  private static Info applyPriorities(Info info, List<RulePriority> priorities) {
    Info next = info;
    for (RulePriority p : priorities) {
      Rule r = next.listeners().get(p.listenerId()).rules().get(p.ruleId());
      next =
          next.withRule(
              p.listenerId(), new Rule(r.id(), p.priority(), r.conditions(), r.actions()));
    }
    return next;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(NoLoadBalancer.class)
        .onEvent(
            LoadBalancerCreated.class,
            (s, e) ->
                new ActiveLoadBalancer(
                    new Info(
                        s.accountId(),
                        e.id(),
                        e.spec(),
                        e.at(),
                        Status.PROVISIONING,
                        new TreeMap<>(),
                        Tags.merged(List.of(), e.tags()))));
    builder
        .forStateType(ActiveLoadBalancer.class)
        .onEvent(
            LoadBalancerActivated.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withStatus(Status.ACTIVE)))
        .onEvent(LoadBalancerDeleted.class, (s, e) -> new NoLoadBalancer(s.info().accountId()))
        .onEvent(
            ListenerAdded.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withListener(e.listener())))
        .onEvent(
            ListenerModified.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withListener(e.listener())))
        .onEvent(
            ListenerRemoved.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withoutListener(e.listenerId())))
        .onEvent(
            RuleAdded.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withRule(e.listenerId(), e.rule())))
        .onEvent(
            RuleModified.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withRule(e.listenerId(), e.rule())))
        .onEvent(
            RuleRemoved.class,
            (s, e) -> new ActiveLoadBalancer(s.info().withoutRule(e.listenerId(), e.ruleId())))
        .onEvent(
            RulePrioritiesSet.class,
            (s, e) -> new ActiveLoadBalancer(applyPriorities(s.info(), e.priorities())))
        .onEvent(
            LoadBalancerTagged.class,
            (s, e) ->
                new ActiveLoadBalancer(s.info().withTags(Tags.merged(s.info().tags(), e.tags()))))
        .onEvent(
            LoadBalancerUntagged.class,
            (s, e) ->
                new ActiveLoadBalancer(s.info().withTags(Tags.without(s.info().tags(), e.keys()))));
    return builder.build();
  }

  /** A load balancer recovered while still provisioning finishes it. */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof ActiveLoadBalancer a
                  && a.info().status() == Status.PROVISIONING) {
                context.getSelf().tell(new Activate(a.info().createdAt()));
              }
            })
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), entityId);
  }
}
