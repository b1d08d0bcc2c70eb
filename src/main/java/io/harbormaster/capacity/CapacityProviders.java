package io.harbormaster.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.JsonMembers;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.Done;
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
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An account's capacity providers and which clusters use them. Here a capacity provider is a named
 * group of container instances (those whose {@value #PROVIDER_ATTRIBUTE} attribute names it); its
 * Auto Scaling group settings are kept and shown, not acted on. FARGATE and FARGATE_SPOT exist in
 * every account. One entity per account (an account has few): the cluster associations live with
 * the providers so DeleteCapacityProvider can refuse one a cluster still uses. Entity id: the
 * account id.
 */
public final class CapacityProviders
    extends EventSourcedBehaviorWithEnforcedReplies<
        CapacityProviders.Command, CapacityProviders.Event, CapacityProviders.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "CapacityProviders");

  /** The container instance attribute that puts an instance in a capacity provider. */
  public static final String PROVIDER_ATTRIBUTE = "harbormaster.capacity-provider";

  /** The container instance attribute that lets FARGATE and FARGATE_SPOT tasks run there. */
  public static final String FARGATE_ATTRIBUTE = "harbormaster.fargate";

  public static final String FARGATE = "FARGATE";
  public static final String FARGATE_SPOT = "FARGATE_SPOT";

  /** The ones every account has; they cannot be created, updated or deleted. */
  public static final List<String> RESERVED = List.of(FARGATE, FARGATE_SPOT);

  /** ECS's words for a strategy naming a provider the cluster does not use. */
  public static final String NOT_ASSOCIATED =
      "The specified capacity provider strategy cannot contain a capacity provider that is not"
          + " associated with the cluster. Associate the capacity provider with the cluster or"
          + " specify a valid capacity provider and try again.";

  public static boolean isFargate(String provider) {
    return RESERVED.contains(provider);
  }

  /**
   * The cluster query language expression for the instances of a provider (placement's memberOf).
   */
  public static String memberOf(String provider) {
    return isFargate(provider)
        ? "attribute:" + FARGATE_ATTRIBUTE + " exists"
        : "attribute:" + PROVIDER_ATTRIBUTE + " == " + provider;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(
      String name,
      JsonNode autoScalingGroupProvider,
      List<Tag> tags,
      Instant at,
      ActorRef<StatusReply<Provider>> replyTo)
      implements Command {}

  /**
   * UpdateCapacityProvider: the given members of autoScalingGroupProvider replace the kept ones.
   */
  public record Update(
      String name,
      JsonNode autoScalingGroupProvider,
      Instant at,
      ActorRef<StatusReply<Provider>> replyTo)
      implements Command {}

  public record Delete(String name, Instant at, ActorRef<StatusReply<Provider>> replyTo)
      implements Command {}

  /**
   * PutClusterCapacityProviders: the cluster uses exactly these providers from now on; refused when
   * one is not an ACTIVE provider of the account.
   */
  public record Associate(
      String cluster, List<String> providers, Instant at, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Providers>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record CapacityProviderCreated(
      String name, JsonNode autoScalingGroupProvider, List<Tag> tags, Instant at) implements Event {
    public CapacityProviderCreated {
      autoScalingGroupProvider = JsonMembers.absentIfNull(autoScalingGroupProvider);
    }
  }

  public record CapacityProviderUpdated(String name, JsonNode autoScalingGroupProvider, Instant at)
      implements Event {
    public CapacityProviderUpdated {
      autoScalingGroupProvider = JsonMembers.absentIfNull(autoScalingGroupProvider);
    }
  }

  public record CapacityProviderDeleted(String name, Instant at) implements Event {}

  public record ClusterProvidersAssociated(String cluster, List<String> providers, Instant at)
      implements Event {}

  // ---- state ----
  public enum Status {
    ACTIVE,
    INACTIVE
  }

  public enum UpdateStatus {
    CREATE_COMPLETE,
    UPDATE_COMPLETE,
    DELETE_COMPLETE
  }

  public record Provider(
      String name,
      JsonNode autoScalingGroupProvider,
      List<Tag> tags,
      Status status,
      UpdateStatus updateStatus,
      Instant createdAt)
      implements CborSerializable {
    public Provider {
      autoScalingGroupProvider = JsonMembers.absentIfNull(autoScalingGroupProvider);
    }
  }

  /** The whole state: providers by name (deleted ones INACTIVE), and each cluster's providers. */
  public record Providers(
      SortedMap<String, Provider> byName, SortedMap<String, List<String>> byCluster)
      implements State {
    static final Providers EMPTY = new Providers(new TreeMap<>(), new TreeMap<>());

    /** ACTIVE here, or FARGATE / FARGATE_SPOT. */
    public boolean isActive(String name) {
      if (isFargate(name)) return true;
      Provider p = byName.get(name);
      return p != null && p.status() == Status.ACTIVE;
    }

    public List<String> clustersUsing(String name) {
      List<String> out = new ArrayList<>();
      byCluster.forEach(
          (cluster, providers) -> {
            if (providers.contains(name)) out.add(cluster);
          });
      return out;
    }

    Providers with(Provider p) {
      SortedMap<String, Provider> next = new TreeMap<>(byName);
      next.put(p.name(), p);
      return new Providers(Collections.unmodifiableSortedMap(next), byCluster);
    }

    Providers withCluster(String cluster, List<String> providers) {
      SortedMap<String, List<String>> next = new TreeMap<>(byCluster);
      if (providers.isEmpty()) next.remove(cluster);
      else next.put(cluster, List.copyOf(providers));
      return new Providers(byName, Collections.unmodifiableSortedMap(next));
    }
  }

  public sealed interface State extends CborSerializable {}

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String accountId, EventTags tags) {
    return new CapacityProviders(accountId, tags);
  }

  private final String accountId;
  private final EventTags tags;

  private CapacityProviders(String accountId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), accountId));
    this.accountId = accountId;
    this.tags = tags;
  }

  @Override
  public State emptyState() {
    return Providers.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Providers.class)
        .onCommand(Create.class, this::onCreate)
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Associate.class, this::onAssociate)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)));
    return builder.build();
  }

  private ReplyEffect<Event, State> onCreate(Providers s, Create c) {
    String lower = c.name().toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("aws") || lower.startsWith("ecs") || lower.startsWith("fargate")) {
      return refuse(
          c.replyTo(),
          ErrorType.INVALID_PARAMETER,
          "The capacity provider name can't be prefixed with \"aws\", \"ecs\", or \"fargate\".");
    }
    Provider existing = s.byName().get(c.name());
    if (existing != null && existing.status() == Status.ACTIVE) {
      return refuse(
          c.replyTo(),
          ErrorType.CLIENT,
          "The specified capacity provider already exists. To change the configuration of an"
              + " existing capacity provider, update the capacity provider.");
    }
    return Effect()
        .persist(
            new CapacityProviderCreated(c.name(), c.autoScalingGroupProvider(), c.tags(), c.at()))
        .thenReply(
            c.replyTo(), next -> StatusReply.success(((Providers) next).byName().get(c.name())));
  }

  private ReplyEffect<Event, State> onUpdate(Providers s, Update c) {
    if (isFargate(c.name())) {
      return refuse(
          c.replyTo(),
          ErrorType.INVALID_PARAMETER,
          "The " + c.name() + " capacity provider is reserved and can't be updated.");
    }
    if (!s.isActive(c.name())) return notFound(c.replyTo());
    return Effect()
        .persist(new CapacityProviderUpdated(c.name(), c.autoScalingGroupProvider(), c.at()))
        .thenReply(
            c.replyTo(), next -> StatusReply.success(((Providers) next).byName().get(c.name())));
  }

  private ReplyEffect<Event, State> onDelete(Providers s, Delete c) {
    if (isFargate(c.name())) {
      return refuse(
          c.replyTo(),
          ErrorType.INVALID_PARAMETER,
          "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted.");
    }
    if (!s.isActive(c.name())) return notFound(c.replyTo());
    List<String> clusters = s.clustersUsing(c.name());
    if (!clusters.isEmpty()) {
      return refuse(
          c.replyTo(),
          ErrorType.CLIENT,
          "The specified capacity provider is in use and cannot be removed. It is associated with"
              + " the cluster(s) "
              + String.join(", ", clusters)
              + "; remove it with PutClusterCapacityProviders or delete the cluster.");
    }
    return Effect()
        .persist(new CapacityProviderDeleted(c.name(), c.at()))
        .thenReply(
            c.replyTo(), next -> StatusReply.success(((Providers) next).byName().get(c.name())));
  }

  private ReplyEffect<Event, State> onAssociate(Providers s, Associate c) {
    for (String name : c.providers()) {
      if (!s.isActive(name)) {
        return refuse(
            c.replyTo(),
            ErrorType.INVALID_PARAMETER,
            "The specified capacity provider '" + name + "' does not exist or is not ACTIVE.");
      }
    }
    if (s.byCluster().getOrDefault(c.cluster(), List.of()).equals(c.providers())) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new ClusterProvidersAssociated(c.cluster(), List.copyOf(c.providers()), c.at()))
        .thenReply(c.replyTo(), next -> StatusReply.ack());
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return refuse(
        replyTo,
        ErrorType.INVALID_PARAMETER,
        "The specified capacity provider does not exist. Specify a valid name or ARN and try again.");
  }

  private <T> ReplyEffect<Event, State> refuse(
      ActorRef<StatusReply<T>> replyTo, ErrorType type, String message) {
    return Effect().reply(replyTo, Rejection.reply(type, message));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(Providers.class)
        .onEvent(
            CapacityProviderCreated.class,
            (s, e) ->
                s.with(
                    new Provider(
                        e.name(),
                        e.autoScalingGroupProvider(),
                        e.tags(),
                        Status.ACTIVE,
                        UpdateStatus.CREATE_COMPLETE,
                        e.at())))
        .onEvent(
            CapacityProviderUpdated.class,
            (s, e) -> {
              Provider p = s.byName().get(e.name());
              return s.with(
                  new Provider(
                      p.name(),
                      merged(p.autoScalingGroupProvider(), e.autoScalingGroupProvider()),
                      p.tags(),
                      p.status(),
                      UpdateStatus.UPDATE_COMPLETE,
                      p.createdAt()));
            })
        .onEvent(
            CapacityProviderDeleted.class,
            (s, e) -> {
              Provider p = s.byName().get(e.name());
              return s.with(
                  new Provider(
                      p.name(),
                      p.autoScalingGroupProvider(),
                      p.tags(),
                      Status.INACTIVE,
                      UpdateStatus.DELETE_COMPLETE,
                      p.createdAt()));
            })
        .onEvent(
            ClusterProvidersAssociated.class, (s, e) -> s.withCluster(e.cluster(), e.providers()));
    return builder.build();
  }

  /** The update's members over the kept ones (an update names only what changes). */
  static JsonNode merged(JsonNode kept, JsonNode update) {
    if (update == null) return kept;
    if (kept == null || !kept.isObject() || !update.isObject()) return update;
    var out = ((com.fasterxml.jackson.databind.node.ObjectNode) kept).deepCopy();
    update
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isObject()
                  && out.get(f.getKey()) != null
                  && out.get(f.getKey()).isObject())
                out.set(f.getKey(), merged(out.get(f.getKey()), f.getValue()));
              else out.set(f.getKey(), f.getValue());
            });
    return out;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), accountId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  /** Provider names sorted, FARGATE and FARGATE_SPOT first: DescribeCapacityProviders' order. */
  public static List<String> listed(Providers providers) {
    List<String> out = new ArrayList<>(RESERVED);
    TreeSet<String> own = new TreeSet<>(providers.byName().keySet());
    out.addAll(own);
    return out;
  }
}
