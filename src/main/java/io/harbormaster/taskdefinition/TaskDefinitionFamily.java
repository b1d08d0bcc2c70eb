package io.harbormaster.taskdefinition;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Rejection;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
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
 * A task definition family: revisions 1..n, each with the definition exactly as registered (so
 * every field a user sent comes back), its status and tags. Entity id: {@code <account>/<family>}.
 */
public final class TaskDefinitionFamily
    extends EventSourcedBehaviorWithEnforcedReplies<
        TaskDefinitionFamily.Command, TaskDefinitionFamily.Event, TaskDefinitionFamily.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "TaskDefinitionFamily");

  /**
   * Revision 0 in a command means "the latest ACTIVE revision", as a bare family name does in the
   * API.
   */
  public static final int LATEST_ACTIVE = 0;

  public static String entityId(String accountId, String family) {
    return accountId + "/" + family;
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  public record Register(
      JsonNode definition,
      List<Tag> tags,
      String registeredBy,
      Instant at,
      ActorRef<StatusReply<Revision>> replyTo)
      implements Command {}

  public record Get(int revision, ActorRef<StatusReply<Revision>> replyTo) implements Command {}

  public record Deregister(int revision, Instant at, ActorRef<StatusReply<Revision>> replyTo)
      implements Command {}

  public record Delete(int revision, Instant at, ActorRef<StatusReply<Revision>> replyTo)
      implements Command {}

  public record TagRevision(int revision, List<Tag> tags, ActorRef<StatusReply<Revision>> replyTo)
      implements Command {}

  public record UntagRevision(
      int revision, List<String> tagKeys, ActorRef<StatusReply<Revision>> replyTo)
      implements Command {}

  /**
   * The directory's answer to what this family last told it of a revision (local: the entity sends
   * it to itself, never across nodes).
   */
  private record DirectoryAnswered(int revision, Status told, Throwable failure)
      implements Command {}

  /** Tell the directory of a revision again after it did not answer. */
  private record RetryDirectory(int revision) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record RevisionRegistered(
      int revision, JsonNode definition, List<Tag> tags, String registeredBy, Instant at)
      implements Event {}

  public record RevisionDeregistered(int revision, Instant at) implements Event {}

  public record RevisionDeletionRequested(int revision, Instant at) implements Event {}

  public record RevisionTagged(int revision, List<Tag> tags) implements Event {}

  public record RevisionUntagged(int revision, List<String> tagKeys) implements Event {}

  // ---- data ----
  public enum Status {
    ACTIVE,
    INACTIVE,
    DELETE_IN_PROGRESS
  }

  public record Revision(
      String family,
      int revision,
      JsonNode definition,
      Status status,
      List<Tag> tags,
      String registeredBy,
      Instant registeredAt,
      Instant deregisteredAt,
      Instant deleteRequestedAt)
      implements CborSerializable {

    Revision withStatus(Status next, Instant at) {
      Instant deregistered = next == Status.INACTIVE ? at : deregisteredAt;
      Instant deleteRequested = next == Status.DELETE_IN_PROGRESS ? at : deleteRequestedAt;
      return new Revision(
          family,
          revision,
          definition,
          next,
          tags,
          registeredBy,
          registeredAt,
          deregistered,
          deleteRequested);
    }

    Revision withTags(List<Tag> next) {
      return new Revision(
          family,
          revision,
          definition,
          status,
          next,
          registeredBy,
          registeredAt,
          deregisteredAt,
          deleteRequestedAt);
    }
  }

  /** The family's name and its revisions in order; revision n sits at index n-1. */
  public record State(String family, List<Revision> revisions) implements CborSerializable {
    public State {
      // Snapshots written before the state named its family: every revision carries it.
      if (family == null && !revisions.isEmpty()) family = revisions.get(0).family();
    }

    Optional<Revision> find(int revision) {
      if (revision == LATEST_ACTIVE) {
        for (int i = revisions.size() - 1; i >= 0; i--) {
          if (revisions.get(i).status() == Status.ACTIVE) return Optional.of(revisions.get(i));
        }
        return Optional.empty();
      }
      return revision >= 1 && revision <= revisions.size()
          ? Optional.of(revisions.get(revision - 1))
          : Optional.empty();
    }

    State with(int revision, UnaryOperator<Revision> change) {
      List<Revision> next = new ArrayList<>(revisions);
      next.set(revision - 1, change.apply(next.get(revision - 1)));
      return new State(family, List.copyOf(next));
    }

    State plus(Revision added) {
      List<Revision> next = new ArrayList<>(revisions);
      next.add(added);
      return new State(family, List.copyOf(next));
    }
  }

  /**
   * The account's directory of task definitions, which ListTaskDefinitions and
   * ListTaskDefinitionFamilies page through. The family keeps it told of each revision's status.
   * Idempotent; a family tells it again until it answers, and tells it its latest revision again
   * after each recovery (a revision it changes again is told again too). A refusal comes back as
   * the Account's StatusReply error, so it can be told from a timeout.
   */
  @FunctionalInterface
  public interface Directory {
    CompletionStage<Done> told(String accountId, String family, int revision, Status status);
  }

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags, Directory directory) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags, directory)));
  }

  public static Behavior<Command> create(String entityId, EventTags tags, Directory directory) {
    return Behaviors.setup(context -> new TaskDefinitionFamily(context, entityId, tags, directory));
  }

  /** How long a family waits before telling a directory that did not answer again. */
  static final Duration DIRECTORY_RETRY = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final String entityId;
  private final EventTags tags;
  private final Directory directory;

  // What the directory acknowledged of each revision, which revisions it is being told of, and who
  // waits for it; not persisted: a recovered family tells the directory again.
  private final Map<Integer, Status> acknowledged = new HashMap<>();
  private final Set<Integer> telling = new HashSet<>();
  private final List<Waiting> waiting = new ArrayList<>();

  /** A Register, Deregister or Delete whose answer waits until the directory lists it as it is. */
  private record Waiting(Revision answer, ActorRef<StatusReply<Revision>> replyTo) {}

  private TaskDefinitionFamily(
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

  /** The state before any event: a family with no revision. */
  public static State empty(String entityId) {
    return new State(entityId.substring(entityId.indexOf('/') + 1), List.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(DirectoryAnswered.class, this::directoryAnswered)
        .onCommand(RetryDirectory.class, (s, c) -> retryDirectory(s, c.revision()))
        .onCommand(
            Register.class,
            (s, c) -> {
              int revision = s.revisions().size() + 1;
              return Effect()
                  .persist(
                      new RevisionRegistered(
                          revision, c.definition(), c.tags(), c.registeredBy(), c.at()))
                  .thenRun(
                      next -> answerOnceIndexed(next.find(revision).orElseThrow(), c.replyTo()))
                  .thenNoReply();
            })
        .onCommand(
            Get.class,
            (s, c) ->
                withRevision(
                    s,
                    c.revision(),
                    c.replyTo(),
                    r -> Effect().reply(c.replyTo(), StatusReply.success(r))))
        .onCommand(
            Deregister.class,
            (s, c) ->
                withRevision(
                    s,
                    c.revision(),
                    c.replyTo(),
                    r ->
                        switch (r.status()) {
                          case ACTIVE ->
                              Effect()
                                  .persist(new RevisionDeregistered(r.revision(), c.at()))
                                  .thenRun(
                                      next ->
                                          answerOnceIndexed(
                                              next.find(r.revision()).orElseThrow(), c.replyTo()))
                                  .thenNoReply();
                          // Deregistering again answers with the revision as it is, as ECS does.
                          case INACTIVE, DELETE_IN_PROGRESS -> answeredOnceIndexed(r, c.replyTo());
                        }))
        .onCommand(
            Delete.class,
            (s, c) ->
                withRevision(
                    s,
                    c.revision(),
                    c.replyTo(),
                    r ->
                        switch (r.status()) {
                          case ACTIVE ->
                              Effect()
                                  .reply(
                                      c.replyTo(),
                                      Rejection.reply(
                                          ErrorType.CLIENT,
                                          "The specified task definition is still in ACTIVE status. Please deregister the target and try again."));
                          case INACTIVE ->
                              Effect()
                                  .persist(new RevisionDeletionRequested(r.revision(), c.at()))
                                  .thenRun(
                                      next ->
                                          answerOnceIndexed(
                                              next.find(r.revision()).orElseThrow(), c.replyTo()))
                                  .thenNoReply();
                          case DELETE_IN_PROGRESS -> answeredOnceIndexed(r, c.replyTo());
                        }))
        .onCommand(
            TagRevision.class,
            (s, c) ->
                withRevision(
                    s,
                    c.revision(),
                    c.replyTo(),
                    r ->
                        Tags.overLimit(r.tags(), c.tags())
                            ? Effect()
                                .reply(
                                    c.replyTo(),
                                    Rejection.reply(
                                        ErrorType.INVALID_PARAMETER, Tags.overLimitMessage()))
                            : Effect()
                                .persist(new RevisionTagged(r.revision(), c.tags()))
                                .thenReply(
                                    c.replyTo(),
                                    next ->
                                        StatusReply.success(
                                            next.find(r.revision()).orElseThrow()))))
        .onCommand(
            UntagRevision.class,
            (s, c) ->
                withRevision(
                    s,
                    c.revision(),
                    c.replyTo(),
                    r ->
                        Effect()
                            .persist(new RevisionUntagged(r.revision(), c.tagKeys()))
                            .thenReply(
                                c.replyTo(),
                                next ->
                                    StatusReply.success(next.find(r.revision()).orElseThrow()))))
        .build();
  }

  // ---- the account's directory ----

  private ReplyEffect<Event, State> answeredOnceIndexed(
      Revision answer, ActorRef<StatusReply<Revision>> replyTo) {
    answerOnceIndexed(answer, replyTo);
    return Effect().noReply();
  }

  /** Answers with {@code answer} once the directory lists the revision with its status. */
  private void answerOnceIndexed(Revision answer, ActorRef<StatusReply<Revision>> replyTo) {
    int revision = answer.revision();
    if (!telling.contains(revision) && acknowledged.get(revision) == answer.status()) {
      replyTo.tell(StatusReply.success(answer));
      return;
    }
    waiting.add(new Waiting(answer, replyTo));
    tellDirectory(revision, answer.status());
  }

  private void tellDirectory(int revision, Status status) {
    if (!telling.add(revision)) return; // its answer tells again when the revision changed since
    context.pipeToSelf(
        directory.told(accountId(), familyName(), revision, status),
        (done, failure) -> new DirectoryAnswered(revision, status, failure));
  }

  private ReplyEffect<Event, State> directoryAnswered(State state, DirectoryAnswered answer) {
    int revision = answer.revision();
    telling.remove(revision);
    Status now = state.find(revision).map(Revision::status).orElse(null);
    List<Waiting> mine = waiting.stream().filter(w -> w.answer().revision() == revision).toList();
    if (answer.failure() == null) {
      acknowledged.put(revision, answer.told());
      // Those waiting for what the directory now says are answered; when the revision changed
      // since it was told, the others are too (their change happened and was overtaken).
      List<Waiting> done =
          mine.stream()
              .filter(w -> w.answer().status() == answer.told() || now == answer.told())
              .toList();
      waiting.removeAll(done);
      done.forEach(w -> w.replyTo().tell(StatusReply.success(w.answer())));
      if (now != null && now != answer.told()) tellDirectory(revision, now);
      return Effect().noReply();
    }
    var refusal = Rejection.of(answer.failure());
    if (refusal.isPresent()) {
      // The directory refuses (no such account): telling it again cannot help.
      waiting.removeAll(mine);
      mine.forEach(
          w -> w.replyTo().tell(Rejection.reply(refusal.get().type(), refusal.get().message())));
      return Effect().noReply();
    }
    // It did not answer: tell it again shortly; the callers keep waiting (or time out and retry).
    context.scheduleOnce(DIRECTORY_RETRY, context.getSelf(), new RetryDirectory(revision));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> retryDirectory(State state, int revision) {
    state.find(revision).ifPresent(r -> tellDirectory(revision, r.status()));
    return Effect().noReply();
  }

  private String accountId() {
    return entityId.substring(0, entityId.indexOf('/'));
  }

  private String familyName() {
    return entityId.substring(entityId.indexOf('/') + 1);
  }

  /**
   * A recovered family tells the directory its latest revision again: the directory's latest
   * revision of the family follows it (ListTaskDefinitionFamilies), and a write cut short before
   * the directory was told is most likely the newest.
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (!state.revisions().isEmpty()) {
                Revision latest = state.revisions().get(state.revisions().size() - 1);
                tellDirectory(latest.revision(), latest.status());
              }
            })
        .build();
  }

  private ReplyEffect<Event, State> withRevision(
      State s,
      int revision,
      ActorRef<StatusReply<Revision>> replyTo,
      java.util.function.Function<Revision, ReplyEffect<Event, State>> then) {
    return s.find(revision)
        .map(then)
        .orElseGet(
            () ->
                Effect()
                    .reply(
                        replyTo,
                        Rejection.reply(ErrorType.CLIENT, "Unable to describe task definition.")));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return EVENTS;
  }

  /**
   * The state after an event: the entity's event handler, and history's replay without an entity.
   */
  public static State applied(State state, Event event) {
    return EVENTS.apply(state, event);
  }

  /** Pure: built once without an entity, so replay needs none. */
  private static final EventHandler<State, Event> EVENTS =
      EventHandlerBuilder.<State, Event>builder()
          .forAnyState()
          .onEvent(
              RevisionRegistered.class,
              (s, e) ->
                  s.plus(
                      new Revision(
                          s.family(),
                          e.revision(),
                          e.definition(),
                          Status.ACTIVE,
                          e.tags(),
                          e.registeredBy(),
                          e.at(),
                          null,
                          null)))
          .onEvent(
              RevisionDeregistered.class,
              (s, e) -> s.with(e.revision(), r -> r.withStatus(Status.INACTIVE, e.at())))
          .onEvent(
              RevisionDeletionRequested.class,
              (s, e) -> s.with(e.revision(), r -> r.withStatus(Status.DELETE_IN_PROGRESS, e.at())))
          .onEvent(
              RevisionTagged.class,
              (s, e) -> s.with(e.revision(), r -> r.withTags(Tags.merged(r.tags(), e.tags()))))
          .onEvent(
              RevisionUntagged.class,
              (s, e) -> s.with(e.revision(), r -> r.withTags(Tags.without(r.tags(), e.tagKeys()))))
          .build();

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), entityId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
