package io.harbormaster.account;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
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
 * A tenant: its access keys and the directory of its clusters and task definition families, which
 * is what List* calls page through. Entity id: the 12-digit account id.
 */
public final class Account
    extends EventSourcedBehaviorWithEnforcedReplies<Account.Command, Account.Event, Account.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Account");

  /**
   * The account `harbormaster up` creates and prints keys for; it may administer other accounts.
   */
  public static final String DEFAULT_ACCOUNT_ID = "000000000000";

  private static final SecureRandom RANDOM = new SecureRandom();

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Create(
      String name, boolean admin, Instant at, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record IssueAccessKey(Instant at, ActorRef<StatusReply<AccessKey>> replyTo)
      implements Command {}

  /**
   * The first active key, issuing one if there is none: what `up` prints for the default account.
   */
  public record EnsureAccessKey(Instant at, ActorRef<StatusReply<AccessKey>> replyTo)
      implements Command {}

  public record GetSecret(String accessKeyId, ActorRef<StatusReply<AccessKey>> replyTo)
      implements Command {}

  public record GetSummary(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record IndexCluster(String clusterName, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record UnindexCluster(String clusterName, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record IndexRevision(
      String family, int revision, RevisionStatus status, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record GetDirectory(ActorRef<StatusReply<Directory>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record AccountCreated(String accountId, String name, boolean admin, Instant at)
      implements Event {}

  public record AccessKeyIssued(String accessKeyId, String secretAccessKey, Instant at)
      implements Event {}

  public record ClusterIndexed(String clusterName) implements Event {}

  public record ClusterUnindexed(String clusterName) implements Event {}

  public record RevisionIndexed(String family, int revision, RevisionStatus status)
      implements Event {}

  // ---- replies and state ----
  public enum RevisionStatus {
    ACTIVE,
    INACTIVE,
    DELETE_IN_PROGRESS
  }

  public record AccessKey(
      String accountId, String accessKeyId, String secretAccessKey, Instant createdAt)
      implements CborSerializable {}

  public record Summary(String accountId, String name, boolean admin, Instant createdAt)
      implements CborSerializable {}

  /** Revision statuses of one family; absent from the map means ACTIVE (most revisions are). */
  public record FamilyIndex(int latestRevision, SortedMap<Integer, RevisionStatus> nonActive)
      implements CborSerializable {
    public RevisionStatus statusOf(int revision) {
      return nonActive.getOrDefault(revision, RevisionStatus.ACTIVE);
    }

    public boolean hasActive() {
      return nonActive.size() < latestRevision;
    }

    FamilyIndex with(int revision, RevisionStatus status) {
      SortedMap<Integer, RevisionStatus> next = new TreeMap<>(nonActive);
      if (status == RevisionStatus.ACTIVE) next.remove(revision);
      else next.put(revision, status);
      return new FamilyIndex(
          Math.max(latestRevision, revision), Collections.unmodifiableSortedMap(next));
    }
  }

  public record Directory(SortedSet<String> clusters, SortedMap<String, FamilyIndex> families)
      implements CborSerializable {
    static final Directory EMPTY = new Directory(new TreeSet<>(), new TreeMap<>());
  }

  public sealed interface State extends CborSerializable {}

  public record NoAccount() implements State {}

  public record ActiveAccount(Summary summary, Map<String, AccessKey> keys, Directory directory)
      implements State {
    ActiveAccount withKey(AccessKey key) {
      Map<String, AccessKey> next = new TreeMap<>(keys);
      next.put(key.accessKeyId(), key);
      return new ActiveAccount(summary, Collections.unmodifiableMap(next), directory);
    }

    ActiveAccount withCluster(String name, boolean present) {
      SortedSet<String> next = new TreeSet<>(directory.clusters());
      if (present) next.add(name);
      else next.remove(name);
      return new ActiveAccount(summary, keys, new Directory(next, directory.families()));
    }

    ActiveAccount withRevision(String family, int revision, RevisionStatus status) {
      SortedMap<String, FamilyIndex> next = new TreeMap<>(directory.families());
      FamilyIndex current = next.getOrDefault(family, new FamilyIndex(0, new TreeMap<>()));
      next.put(family, current.with(revision, status));
      return new ActiveAccount(summary, keys, new Directory(directory.clusters(), next));
    }

    /**
     * The key issued first. Key ids end in random characters, so the map's order says nothing about
     * age.
     */
    Optional<AccessKey> firstKey() {
      return keys.values().stream()
          .min(Comparator.comparing(AccessKey::createdAt).thenComparing(AccessKey::accessKeyId));
    }
  }

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String accountId, EventTags tags) {
    return new Account(accountId, tags);
  }

  private final String accountId;
  private final EventTags tags;

  private Account(String accountId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), accountId));
    this.accountId = accountId;
    this.tags = tags;
  }

  @Override
  public State emptyState() {
    return new NoAccount();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(NoAccount.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .persist(new AccountCreated(accountId, c.name(), c.admin(), c.at()))
                    .thenReply(
                        c.replyTo(), next -> StatusReply.success(((ActiveAccount) next).summary())))
        .onCommand(IssueAccessKey.class, c -> missing(c.replyTo()))
        .onCommand(EnsureAccessKey.class, c -> missing(c.replyTo()))
        .onCommand(GetSecret.class, c -> missing(c.replyTo()))
        .onCommand(GetSummary.class, c -> missing(c.replyTo()))
        .onCommand(IndexCluster.class, c -> missing(c.replyTo()))
        .onCommand(UnindexCluster.class, c -> missing(c.replyTo()))
        .onCommand(IndexRevision.class, c -> missing(c.replyTo()))
        .onCommand(GetDirectory.class, c -> missing(c.replyTo()));
    builder
        .forStateType(ActiveAccount.class)
        .onCommand(
            Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.summary())))
        .onCommand(IssueAccessKey.class, (s, c) -> issueKey(c.at(), c.replyTo()))
        .onCommand(
            EnsureAccessKey.class,
            (s, c) ->
                s.firstKey()
                    .<ReplyEffect<Event, State>>map(
                        k -> Effect().reply(c.replyTo(), StatusReply.success(k)))
                    .orElseGet(() -> issueKey(c.at(), c.replyTo())))
        .onCommand(
            GetSecret.class,
            (s, c) ->
                Optional.ofNullable(s.keys().get(c.accessKeyId()))
                    .<ReplyEffect<Event, State>>map(
                        k -> Effect().reply(c.replyTo(), StatusReply.success(k)))
                    .orElseGet(
                        () ->
                            Effect()
                                .reply(
                                    c.replyTo(),
                                    Rejection.reply(
                                        ErrorType.UNRECOGNIZED_CLIENT,
                                        "The security token included in the request is invalid."))))
        .onCommand(
            GetSummary.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.summary())))
        .onCommand(
            IndexCluster.class,
            (s, c) ->
                s.directory().clusters().contains(c.clusterName())
                    ? Effect().reply(c.replyTo(), StatusReply.ack())
                    : Effect()
                        .persist(new ClusterIndexed(c.clusterName()))
                        .thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(
            UnindexCluster.class,
            (s, c) ->
                !s.directory().clusters().contains(c.clusterName())
                    ? Effect().reply(c.replyTo(), StatusReply.ack())
                    : Effect()
                        .persist(new ClusterUnindexed(c.clusterName()))
                        .thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(IndexRevision.class, (s, c) -> indexRevision(s, c))
        .onCommand(
            GetDirectory.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.directory())));
    return builder.build();
  }

  private ReplyEffect<Event, State> indexRevision(ActiveAccount s, IndexRevision c) {
    FamilyIndex family = s.directory().families().get(c.family());
    boolean known =
        family != null
            && family.latestRevision() >= c.revision()
            && family.statusOf(c.revision()) == c.status();
    if (known) return Effect().reply(c.replyTo(), StatusReply.ack());
    return Effect()
        .persist(new RevisionIndexed(c.family(), c.revision(), c.status()))
        .thenReply(c.replyTo(), x -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> issueKey(Instant at, ActorRef<StatusReply<AccessKey>> replyTo) {
    AccessKeyIssued issued = new AccessKeyIssued(newAccessKeyId(accountId), newSecret(), at);
    return Effect()
        .persist(issued)
        .thenReply(
            replyTo,
            next -> StatusReply.success(((ActiveAccount) next).keys().get(issued.accessKeyId())));
  }

  private <T> ReplyEffect<Event, State> missing(ActorRef<StatusReply<T>> replyTo) {
    return Effect()
        .reply(
            replyTo,
            Rejection.reply(
                ErrorType.UNRECOGNIZED_CLIENT,
                "The security token included in the request is invalid."));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(NoAccount.class)
        .onEvent(
            AccountCreated.class,
            (s, e) ->
                new ActiveAccount(
                    new Summary(e.accountId(), e.name(), e.admin(), e.at()),
                    Map.of(),
                    Directory.EMPTY));
    builder
        .forStateType(ActiveAccount.class)
        .onEvent(
            AccessKeyIssued.class,
            (s, e) ->
                s.withKey(new AccessKey(accountId, e.accessKeyId(), e.secretAccessKey(), e.at())))
        .onEvent(ClusterIndexed.class, (s, e) -> s.withCluster(e.clusterName(), true))
        .onEvent(ClusterUnindexed.class, (s, e) -> s.withCluster(e.clusterName(), false))
        .onEvent(
            RevisionIndexed.class, (s, e) -> s.withRevision(e.family(), e.revision(), e.status()));
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), accountId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots only shorten recovery; every event stays in the journal.
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  // ---- access key ids carry the account id, so a request's key finds its account without an index
  // ----
  private static final String KEY_PREFIX = "AKHM";
  private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  static String newAccessKeyId(String accountId) {
    StringBuilder sb = new StringBuilder(KEY_PREFIX).append(accountId);
    for (int i = 0; i < 4; i++) sb.append(KEY_CHARS[RANDOM.nextInt(KEY_CHARS.length)]);
    return sb.toString();
  }

  /** The account an access key id belongs to, if the id has Harbormaster's form. */
  public static Optional<String> accountOfAccessKey(String accessKeyId) {
    if (accessKeyId == null || accessKeyId.length() != 20 || !accessKeyId.startsWith(KEY_PREFIX)) {
      return Optional.empty();
    }
    String account = accessKeyId.substring(4, 16);
    return account.chars().allMatch(Character::isDigit) ? Optional.of(account) : Optional.empty();
  }

  static String newSecret() {
    byte[] bytes = new byte[30];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  public static String newAccountId() {
    StringBuilder sb = new StringBuilder();
    sb.append(1 + RANDOM.nextInt(9));
    for (int i = 1; i < 12; i++) sb.append(RANDOM.nextInt(10));
    return sb.toString();
  }
}
