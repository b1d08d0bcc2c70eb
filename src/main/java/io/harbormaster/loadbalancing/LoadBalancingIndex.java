package io.harbormaster.loadbalancing;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.EventTags;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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

/**
 * An account's load balancers and target groups by name, which DescribeLoadBalancers and
 * DescribeTargetGroups without names page through. Entity id: the account. Told after a resource is
 * created (before its creation is answered) and after it is deleted; an entry whose resource is
 * gone is skipped by the readers, an entry for a newer resource of the same name replaces the old.
 */
public final class LoadBalancingIndex
    extends EventSourcedBehaviorWithEnforcedReplies<
        LoadBalancingIndex.Command, LoadBalancingIndex.Event, LoadBalancingIndex.Entries> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "LoadBalancingIndex");

  public enum Kind {
    LOAD_BALANCER,
    TARGET_GROUP
  }

  public sealed interface Command extends CborSerializable {}

  public record Add(Kind kind, String name, String arn, ActorRef<StatusReply<Entries>> replyTo)
      implements Command {}

  /** Removes the entry only while it is still this ARN's. */
  public record Remove(Kind kind, String name, String arn, ActorRef<StatusReply<Entries>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Entries>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Indexed(Kind kind, String name, String arn) implements Event {}

  public record Unindexed(Kind kind, String name) implements Event {}

  /** Name to ARN, sorted by name. */
  public record Entries(
      SortedMap<String, String> loadBalancers, SortedMap<String, String> targetGroups)
      implements CborSerializable {
    public SortedMap<String, String> of(Kind kind) {
      return switch (kind) {
        case LOAD_BALANCER -> loadBalancers;
        case TARGET_GROUP -> targetGroups;
      };
    }

    Entries with(Kind kind, String name, String arn) {
      SortedMap<String, String> next = new TreeMap<>(of(kind));
      if (arn == null) next.remove(name);
      else next.put(name, arn);
      return switch (kind) {
        case LOAD_BALANCER -> new Entries(next, targetGroups);
        case TARGET_GROUP -> new Entries(loadBalancers, next);
      };
    }
  }

  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String accountId, EventTags tags) {
    return new LoadBalancingIndex(accountId, tags);
  }

  private final String accountId;
  private final EventTags tags;

  private LoadBalancingIndex(String accountId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), accountId));
    this.accountId = accountId;
    this.tags = tags;
  }

  @Override
  public Entries emptyState() {
    return new Entries(new TreeMap<>(), new TreeMap<>());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, Entries> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Add.class,
            (s, c) ->
                c.arn().equals(s.of(c.kind()).get(c.name()))
                    ? Effect().reply(c.replyTo(), StatusReply.success(s))
                    : Effect()
                        .persist(new Indexed(c.kind(), c.name(), c.arn()))
                        .thenReply(c.replyTo(), StatusReply::success))
        .onCommand(
            Remove.class,
            (s, c) ->
                !c.arn().equals(s.of(c.kind()).get(c.name()))
                    ? Effect().reply(c.replyTo(), StatusReply.success(s))
                    : Effect()
                        .persist(new Unindexed(c.kind(), c.name()))
                        .thenReply(c.replyTo(), StatusReply::success))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .build();
  }

  @Override
  public EventHandler<Entries, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Indexed.class, (s, e) -> s.with(e.kind(), e.name(), e.arn()))
        .onEvent(Unindexed.class, (s, e) -> s.with(e.kind(), e.name(), null))
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), accountId);
  }
}
