package io.harbormaster.loadbalancing;

import io.harbormaster.common.Tag;
import io.harbormaster.loadbalancing.ElbArns.ListenerRef;
import io.harbormaster.loadbalancing.ElbArns.LoadBalancerRef;
import io.harbormaster.loadbalancing.ElbArns.RuleRef;
import io.harbormaster.loadbalancing.ElbArns.TargetGroupRef;
import io.harbormaster.loadbalancing.LoadBalancer.Listener;
import io.harbormaster.loadbalancing.LoadBalancer.Rule;
import io.harbormaster.loadbalancing.LoadBalancer.RulePriority;
import io.harbormaster.loadbalancing.LoadBalancingIndex.Kind;
import io.harbormaster.loadbalancing.Routing.Action;
import io.harbormaster.loadbalancing.Routing.Condition;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The load balancing control plane's operations that involve more than one entity: a listener or
 * rule that forwards to target groups attaches them (which checks the load balancer type and keeps
 * them from being deleted) before it exists and detaches them once it is gone; creations and
 * deletions keep the account's index told. Refusals come back as the entities' {@link
 * ElbRejection}s.
 */
public final class LoadBalancing {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Executor dispatcher;
  private final String region;

  public LoadBalancing(ActorSystem<?> system, Duration askTimeout, String region) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.dispatcher = system.executionContext();
    this.region = region;
  }

  public String region() {
    return region;
  }

  /** 16 hex digits, as ELBv2's ids in ARNs. */
  static String newId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ---- ARNs of what the entities hold ----

  public String arn(LoadBalancer.Info lb) {
    return ElbArns.loadBalancer(region, lb.accountId(), lb.spec().type(), lb.name(), lb.id());
  }

  public String arn(LoadBalancer.Info lb, Listener listener) {
    return ElbArns.listener(
        region, lb.accountId(), lb.spec().type(), lb.name(), lb.id(), listener.id());
  }

  public String arn(LoadBalancer.Info lb, Listener listener, String ruleId) {
    return ElbArns.rule(
        region, lb.accountId(), lb.spec().type(), lb.name(), lb.id(), listener.id(), ruleId);
  }

  public String arn(TargetGroup.Info tg) {
    return ElbArns.targetGroup(region, tg.accountId(), tg.name(), tg.id());
  }

  // ---- load balancers ----

  public CompletionStage<LoadBalancer.Info> createLoadBalancer(
      String accountId, LoadBalancer.Spec spec, List<Tag> tags, Instant at) {
    return askLb(
            LoadBalancer.entityId(accountId, spec.name()),
            r -> new LoadBalancer.Create(newId(), spec, tags, at, r))
        .thenCompose(
            lb ->
                askIndex(
                        accountId,
                        r -> new LoadBalancingIndex.Add(Kind.LOAD_BALANCER, lb.name(), arn(lb), r))
                    .thenApply(indexed -> lb));
  }

  public CompletionStage<LoadBalancer.Info> loadBalancer(LoadBalancerRef ref) {
    return loadBalancerNamed(ref.accountId(), ref.name())
        .thenApply(
            lb -> {
              if (!lb.id().equals(ref.id())) {
                throw new ElbRejection(
                    ElbError.LOAD_BALANCER_NOT_FOUND, "One or more load balancers not found");
              }
              return lb;
            });
  }

  public CompletionStage<LoadBalancer.Info> loadBalancerNamed(String accountId, String name) {
    return askLb(LoadBalancer.entityId(accountId, name), LoadBalancer.Get::new);
  }

  public CompletionStage<LoadBalancingIndex.Entries> index(String accountId) {
    return askIndex(accountId, LoadBalancingIndex.Get::new);
  }

  public CompletionStage<LoadBalancer.Info> deleteLoadBalancer(LoadBalancerRef ref, Instant at) {
    return askLb(ref.entityId(), r -> new LoadBalancer.Delete(ref.id(), at, r))
        .thenCompose(
            lb -> {
              List<CompletionStage<?>> detaches = new ArrayList<>();
              for (Listener l : lb.listeners().values()) detaches.add(detachAll(lb, l, at));
              return allOf(detaches)
                  .thenCompose(
                      done ->
                          askIndex(
                              ref.accountId(),
                              r ->
                                  new LoadBalancingIndex.Remove(
                                      Kind.LOAD_BALANCER, lb.name(), arn(lb), r)))
                  .thenApply(removed -> lb);
            });
  }

  // ---- listeners and rules ----

  /** The load balancer with the new listener; the listener's id is in {@code listener.id()}. */
  public CompletionStage<Listener> createListener(
      LoadBalancerRef ref,
      int port,
      ElbProtocol protocol,
      List<Action> defaultActions,
      Instant at) {
    Listener listener =
        new Listener(newId(), port, protocol, defaultActions, newId(), new TreeMap<>());
    return loadBalancer(ref)
        .thenCompose(
            lb -> {
              String userArn = arn(lb, listener);
              return attachAll(
                      lb, userArn, protocol, Routing.targetGroupArns(defaultActions), Set.of(), at)
                  .thenCompose(
                      attached ->
                          askLb(
                                  ref.entityId(),
                                  r -> new LoadBalancer.AddListener(ref.id(), listener, at, r))
                              .<CompletionStage<Listener>>handle(
                                  (added, failure) ->
                                      failure == null
                                          ? CompletableFuture.completedFuture(listener)
                                          : detach(userArn, attached, at)
                                              .<Listener>thenApply(
                                                  detached -> {
                                                    throw rethrown(failure);
                                                  }))
                              .thenCompose(Function.identity()));
            });
  }

  public CompletionStage<Listener> modifyListener(
      ListenerRef ref,
      Integer port,
      ElbProtocol protocol,
      List<Action> defaultActions,
      Instant at) {
    return loadBalancer(ref.loadBalancer())
        .thenCompose(
            lb -> {
              Listener current = listenerOf(lb, ref.listenerId());
              String userArn = arn(lb, current);
              Set<String> before = Routing.targetGroupArns(current.defaultActions());
              Set<String> after =
                  defaultActions == null ? before : Routing.targetGroupArns(defaultActions);
              ElbProtocol nextProtocol = protocol != null ? protocol : current.protocol();
              return attachAll(lb, userArn, nextProtocol, after, before, at)
                  .thenCompose(
                      attached ->
                          undoneOnFailure(
                              askLb(
                                  lb.accountId() + "/" + lb.name(),
                                  r ->
                                      new LoadBalancer.ModifyListener(
                                          lb.id(),
                                          current.id(),
                                          port,
                                          protocol,
                                          defaultActions,
                                          at,
                                          r)),
                              userArn,
                              minus(after, before),
                              at))
                  .thenCompose(
                      next -> {
                        Set<String> gone = new LinkedHashSet<>(before);
                        gone.removeAll(after);
                        return detach(userArn, gone, at)
                            .thenApply(done -> listenerOf(next, current.id()));
                      });
            });
  }

  public CompletionStage<Listener> deleteListener(ListenerRef ref, Instant at) {
    LoadBalancerRef lbRef = ref.loadBalancer();
    return askLb(
            lbRef.entityId(),
            r -> new LoadBalancer.RemoveListener(lbRef.id(), ref.listenerId(), at, r))
        .thenCompose(
            before -> {
              Listener removed = listenerOf(before, ref.listenerId());
              return detachAll(before, removed, at).thenApply(done -> removed);
            });
  }

  public CompletionStage<RuleCreated> createRule(
      ListenerRef ref, int priority, List<Condition> conditions, List<Action> actions, Instant at) {
    Rule rule = new Rule(newId(), priority, conditions, actions);
    return loadBalancer(ref.loadBalancer())
        .thenCompose(
            lb -> {
              Listener listener = listenerOf(lb, ref.listenerId());
              String userArn = arn(lb, listener, rule.id());
              return attachAll(
                      lb,
                      userArn,
                      listener.protocol(),
                      Routing.targetGroupArns(actions),
                      Set.of(),
                      at)
                  .thenCompose(
                      attached ->
                          askLb(
                                  ref.loadBalancer().entityId(),
                                  r ->
                                      new LoadBalancer.AddRule(lb.id(), listener.id(), rule, at, r))
                              .<CompletionStage<RuleCreated>>handle(
                                  (added, failure) ->
                                      failure == null
                                          ? CompletableFuture.completedFuture(
                                              new RuleCreated(added, listener.id(), rule))
                                          : detach(userArn, attached, at)
                                              .<RuleCreated>thenApply(
                                                  detached -> {
                                                    throw rethrown(failure);
                                                  }))
                              .thenCompose(Function.identity()));
            });
  }

  /** A rule with the load balancer and listener it belongs to. */
  public record RuleCreated(LoadBalancer.Info loadBalancer, String listenerId, Rule rule) {}

  public CompletionStage<RuleCreated> modifyRule(
      RuleRef ref, List<Condition> conditions, List<Action> actions, Instant at) {
    ListenerRef listenerRef = ref.listener();
    return loadBalancer(listenerRef.loadBalancer())
        .thenCompose(
            lb -> {
              Listener listener = listenerOf(lb, listenerRef.listenerId());
              Rule current = listener.rules().get(ref.ruleId());
              if (current == null) {
                throw new ElbRejection(ElbError.RULE_NOT_FOUND, "One or more rules not found");
              }
              String userArn = arn(lb, listener, current.id());
              Set<String> before = Routing.targetGroupArns(current.actions());
              Set<String> after = actions == null ? before : Routing.targetGroupArns(actions);
              return attachAll(lb, userArn, listener.protocol(), after, before, at)
                  .thenCompose(
                      attached ->
                          undoneOnFailure(
                              askLb(
                                  listenerRef.loadBalancer().entityId(),
                                  r ->
                                      new LoadBalancer.ModifyRule(
                                          lb.id(),
                                          listener.id(),
                                          current.id(),
                                          conditions,
                                          actions,
                                          at,
                                          r)),
                              userArn,
                              minus(after, before),
                              at))
                  .thenCompose(
                      next -> {
                        Set<String> gone = new LinkedHashSet<>(before);
                        gone.removeAll(after);
                        return detach(userArn, gone, at)
                            .thenApply(
                                done ->
                                    new RuleCreated(
                                        next,
                                        listener.id(),
                                        listenerOf(next, listener.id()).rules().get(current.id())));
                      });
            });
  }

  public CompletionStage<Void> deleteRule(RuleRef ref, Instant at) {
    ListenerRef listenerRef = ref.listener();
    LoadBalancerRef lbRef = listenerRef.loadBalancer();
    return askLb(
            lbRef.entityId(),
            r ->
                new LoadBalancer.RemoveRule(
                    lbRef.id(), listenerRef.listenerId(), ref.ruleId(), at, r))
        .thenCompose(
            before -> {
              Listener listener = listenerOf(before, listenerRef.listenerId());
              Rule removed = listener.rules().get(ref.ruleId());
              return detach(
                      arn(before, listener, removed.id()),
                      Routing.targetGroupArns(removed.actions()),
                      at)
                  .thenApply(done -> null);
            });
  }

  /** SetRulePriorities: every rule of one load balancer. */
  public CompletionStage<LoadBalancer.Info> setRulePriorities(
      LoadBalancerRef lbRef, List<RulePriority> priorities, Instant at) {
    return askLb(
        lbRef.entityId(), r -> new LoadBalancer.SetRulePriorities(lbRef.id(), priorities, at, r));
  }

  public CompletionStage<LoadBalancer.Info> tagLoadBalancer(LoadBalancerRef ref, List<Tag> tags) {
    return loadBalancer(ref)
        .thenCompose(lb -> askLb(ref.entityId(), r -> new LoadBalancer.AddTags(tags, r)));
  }

  public CompletionStage<LoadBalancer.Info> untagLoadBalancer(
      LoadBalancerRef ref, List<String> keys) {
    return loadBalancer(ref)
        .thenCompose(lb -> askLb(ref.entityId(), r -> new LoadBalancer.RemoveTags(keys, r)));
  }

  private static Listener listenerOf(LoadBalancer.Info lb, String listenerId) {
    return lb.listener(listenerId)
        .orElseThrow(
            () -> new ElbRejection(ElbError.LISTENER_NOT_FOUND, "One or more listeners not found"));
  }

  /**
   * Attaches each target group in turn; on a refusal detaches those it attached so far, but not
   * those the user forwarded to already ({@code kept}).
   */
  private CompletionStage<Set<String>> attachAll(
      LoadBalancer.Info lb,
      String userArn,
      ElbProtocol listenerProtocol,
      Set<String> targetGroupArns,
      Set<String> kept,
      Instant at) {
    CompletionStage<Set<String>> chain = CompletableFuture.completedFuture(new LinkedHashSet<>());
    for (String tgArn : targetGroupArns) {
      chain =
          chain.thenCompose(
              attached ->
                  targetGroupRef(tgArn)
                      .thenCompose(
                          ref ->
                              askTg(
                                  ref.entityId(),
                                  r ->
                                      new TargetGroup.Attach(
                                          ref.id(),
                                          userArn,
                                          arn(lb),
                                          lb.spec().type(),
                                          listenerProtocol,
                                          at,
                                          r)))
                      .handle(
                          (tg, failure) -> {
                            if (failure == null) {
                              Set<String> next = new LinkedHashSet<>(attached);
                              next.add(tgArn);
                              return CompletableFuture.completedFuture(next);
                            }
                            Throwable cause = failure;
                            Set<String> undo = new LinkedHashSet<>(attached);
                            undo.removeAll(kept);
                            return detach(userArn, undo, at)
                                .<Set<String>>thenApply(
                                    done -> {
                                      throw rethrown(cause);
                                    });
                          })
                      .thenCompose(Function.identity()));
    }
    return chain;
  }

  /**
   * The stage, or on its failure the user detached from what it attached for it, then the failure.
   */
  private <T> CompletionStage<T> undoneOnFailure(
      CompletionStage<T> stage, String userArn, Set<String> attached, Instant at) {
    return stage
        .<CompletionStage<T>>handle(
            (value, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(value)
                    : detach(userArn, attached, at)
                        .<T>thenApply(
                            done -> {
                              throw rethrown(failure);
                            }))
        .thenCompose(Function.identity());
  }

  private static Set<String> minus(Set<String> from, Set<String> removed) {
    Set<String> out = new LinkedHashSet<>(from);
    out.removeAll(removed);
    return out;
  }

  private CompletionStage<Void> detachAll(LoadBalancer.Info lb, Listener listener, Instant at) {
    List<CompletionStage<?>> detaches = new ArrayList<>();
    detaches.add(detach(arn(lb, listener), Routing.targetGroupArns(listener.defaultActions()), at));
    for (Rule rule : listener.rules().values()) {
      detaches.add(
          detach(arn(lb, listener, rule.id()), Routing.targetGroupArns(rule.actions()), at));
    }
    return allOf(detaches);
  }

  private CompletionStage<Void> detach(String userArn, Set<String> targetGroupArns, Instant at) {
    List<CompletionStage<?>> detaches = new ArrayList<>();
    for (String tgArn : targetGroupArns) {
      ElbArns.parseTargetGroup(tgArn)
          .ifPresent(
              ref ->
                  detaches.add(
                      askTg(ref.entityId(), r -> new TargetGroup.Detach(userArn, at, r))
                          // A target group that no longer exists has nothing to detach.
                          .exceptionally(
                              failure -> {
                                if (ElbRejection.of(failure).isPresent()) return null;
                                throw rethrown(failure);
                              })));
    }
    return allOf(detaches);
  }

  // ---- target groups ----

  public CompletionStage<TargetGroup.Info> createTargetGroup(
      String accountId, TargetGroup.Spec spec, List<Tag> tags, Instant at) {
    return askTg(
            TargetGroup.entityId(accountId, spec.name()),
            r -> new TargetGroup.Create(newId(), spec, tags, at, r))
        .thenCompose(
            tg ->
                askIndex(
                        accountId,
                        r -> new LoadBalancingIndex.Add(Kind.TARGET_GROUP, tg.name(), arn(tg), r))
                    .thenApply(indexed -> tg));
  }

  public CompletionStage<TargetGroup.Info> targetGroup(String arn) {
    return targetGroupRef(arn).thenCompose(ref -> targetGroup(ref, TargetGroup.Get::new));
  }

  public CompletionStage<TargetGroup.Info> targetGroupNamed(String accountId, String name) {
    return askTg(TargetGroup.entityId(accountId, name), TargetGroup.Get::new);
  }

  public CompletionStage<TargetGroup.Info> modifyTargetGroup(
      String arn, HealthCheck.Change change, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(
            ref -> targetGroup(ref, r -> new TargetGroup.ModifyHealthCheck(change, at, r)));
  }

  public CompletionStage<TargetGroup.Info> modifyTargetGroupAttributes(
      String arn, Map<String, String> attributes, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(
            ref -> targetGroup(ref, r -> new TargetGroup.ModifyAttributes(attributes, at, r)));
  }

  public CompletionStage<TargetGroup.Info> registerTargets(
      String arn, List<TargetGroup.Target> targets, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(ref -> targetGroup(ref, r -> new TargetGroup.RegisterTargets(targets, at, r)));
  }

  public CompletionStage<TargetGroup.Info> deregisterTargets(
      String arn, List<TargetGroup.Target> targets, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(
            ref -> targetGroup(ref, r -> new TargetGroup.DeregisterTargets(targets, at, r)));
  }

  /** The data plane's health check results for one target group. */
  public CompletionStage<TargetGroup.Info> reportHealth(
      String arn, List<TargetGroup.HealthReport> reports, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(ref -> targetGroup(ref, r -> new TargetGroup.ReportHealth(reports, at, r)));
  }

  public CompletionStage<TargetGroup.Info> tagTargetGroup(String arn, List<Tag> tags) {
    return targetGroupRef(arn)
        .thenCompose(ref -> targetGroup(ref, r -> new TargetGroup.AddTags(tags, r)));
  }

  public CompletionStage<TargetGroup.Info> untagTargetGroup(String arn, List<String> keys) {
    return targetGroupRef(arn)
        .thenCompose(ref -> targetGroup(ref, r -> new TargetGroup.RemoveTags(keys, r)));
  }

  public CompletionStage<TargetGroup.Info> deleteTargetGroup(String arn, Instant at) {
    return targetGroupRef(arn)
        .thenCompose(
            ref ->
                targetGroup(ref, TargetGroup.Get::new)
                    .thenCompose(
                        current -> askTg(ref.entityId(), r -> new TargetGroup.Delete(at, r)))
                    .thenCompose(
                        tg ->
                            askIndex(
                                    ref.accountId(),
                                    r ->
                                        new LoadBalancingIndex.Remove(
                                            Kind.TARGET_GROUP, tg.name(), arn, r))
                                .thenApply(removed -> tg)));
  }

  /**
   * Asks the target group the ARN names; refused as not found when the group of that name is a
   * newer one. (A command that reached a newer group of the same name changed that group: the
   * window is a delete and a re-create between this call's check and its command.)
   */
  private CompletionStage<TargetGroup.Info> targetGroup(
      TargetGroupRef ref,
      Function<ActorRef<StatusReply<TargetGroup.Info>>, TargetGroup.Command> command) {
    return askTg(ref.entityId(), TargetGroup.Get::new)
        .thenCompose(
            tg -> {
              if (!tg.id().equals(ref.id())) throw targetGroupNotFound();
              return askTg(ref.entityId(), command);
            });
  }

  private static CompletionStage<TargetGroupRef> targetGroupRef(String arn) {
    return ElbArns.parseTargetGroup(arn)
        .map(CompletableFuture::completedFuture)
        .orElseGet(() -> CompletableFuture.failedFuture(targetGroupNotFound()));
  }

  private static ElbRejection targetGroupNotFound() {
    return new ElbRejection(ElbError.TARGET_GROUP_NOT_FOUND, "One or more target groups not found");
  }

  // ---- plumbing ----

  private CompletionStage<LoadBalancer.Info> askLb(
      String entityId,
      Function<ActorRef<StatusReply<LoadBalancer.Info>>, LoadBalancer.Command> command) {
    return ask(LoadBalancer.ENTITY_KEY, entityId, command);
  }

  private CompletionStage<TargetGroup.Info> askTg(
      String entityId,
      Function<ActorRef<StatusReply<TargetGroup.Info>>, TargetGroup.Command> command) {
    return ask(TargetGroup.ENTITY_KEY, entityId, command);
  }

  private CompletionStage<LoadBalancingIndex.Entries> askIndex(
      String accountId,
      Function<ActorRef<StatusReply<LoadBalancingIndex.Entries>>, LoadBalancingIndex.Command>
          command) {
    return ask(LoadBalancingIndex.ENTITY_KEY, accountId, command);
  }

  private <C, T> CompletionStage<T> ask(
      EntityTypeKey<C> key, String entityId, Function<ActorRef<StatusReply<T>>, C> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    sharding
        .entityRefFor(key, entityId)
        .<T>askWithStatus(command::apply, askTimeout)
        .whenCompleteAsync(
            (value, failure) -> {
              if (failure == null) result.complete(value);
              else
                result.completeExceptionally(
                    ElbRejection.of(failure).map(Throwable.class::cast).orElse(failure));
            },
            dispatcher);
    return result;
  }

  private static CompletionStage<Void> allOf(List<CompletionStage<?>> stages) {
    return CompletableFuture.allOf(
        stages.stream()
            .map(CompletionStage::toCompletableFuture)
            .toArray(CompletableFuture[]::new));
  }

  private static RuntimeException rethrown(Throwable failure) {
    Throwable t =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return t instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(t);
  }
}
