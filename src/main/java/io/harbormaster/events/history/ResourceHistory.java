package io.harbormaster.events.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.harbormaster.events.EcsEvent;
import io.harbormaster.events.ResourceKind;
import io.harbormaster.events.ResourceKinds.ResourceRef;
import io.harbormaster.events.ResourceStates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The whole history of one resource, from its journal: every event it ever had (paged, in sequence
 * order, with the EventBridge events each published) and its state at any instant, replayed with
 * the entity's own event handler.
 */
public final class ResourceHistory {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final CassandraReadJournal journal;
  private final ResourceStates states;
  private final ActorSystem<?> system;

  public ResourceHistory(
      CassandraReadJournal journal, ResourceStates states, ActorSystem<?> system) {
    this.journal = journal;
    this.states = states;
    this.system = system;
  }

  /**
   * One journal event: its position, when it was persisted, its type and content, what it
   * published.
   */
  public record Entry(
      long sequenceNr, Instant at, String type, JsonNode event, List<EcsEvent> published) {}

  /** {@code nextSequenceNr} is where the next page starts; empty on the last page. */
  public record Page(List<Entry> entries, Optional<Long> nextSequenceNr) {}

  public record StateAt(long sequenceNr, Instant updatedAt, ObjectNode resource) {}

  public CompletionStage<Page> events(ResourceRef ref, long fromSequenceNr, int limit) {
    return eventsOf(ref.kind(), ref, Math.max(1, fromSequenceNr), limit);
  }

  private <S> CompletionStage<Page> eventsOf(
      ResourceKind<S> kind, ResourceRef ref, long from, int limit) {
    ResourceKind.Replay<S> replay = kind.replay(ref.entityId());
    String region = states.region();
    return states
        .stateAt(kind, ref.persistenceId(), ref.entityId(), from - 1)
        .thenCompose(
            start -> {
              List<Entry> entries = new ArrayList<>();
              Object[] state = {start};
              long[] next = {-1};
              return journal
                  .currentEventsByPersistenceId(ref.persistenceId(), from, Long.MAX_VALUE)
                  .takeWhile(env -> next[0] < 0)
                  .runForeach(
                      env -> {
                        @SuppressWarnings("unchecked")
                        S before = (S) state[0];
                        S after = replay.apply(before, env.event());
                        state[0] = after;
                        if (!kind.concerns(env.event(), ref.selector())) return;
                        if (entries.size() == limit) {
                          next[0] = env.sequenceNr();
                          return;
                        }
                        Instant at = Instant.ofEpochMilli(env.timestamp());
                        List<EcsEvent> published =
                            kind.published(
                                region,
                                new ResourceKind.Change<>(
                                    ref.persistenceId(),
                                    ref.entityId(),
                                    env.sequenceNr(),
                                    at,
                                    env.event(),
                                    before,
                                    after));
                        entries.add(
                            new Entry(
                                env.sequenceNr(),
                                at,
                                env.event().getClass().getSimpleName(),
                                JSON.valueToTree(env.event()),
                                published));
                      },
                      system)
                  .thenApply(
                      done ->
                          new Page(entries, next[0] < 0 ? Optional.empty() : Optional.of(next[0])));
            });
  }

  /**
   * The resource as Describe* showed it at {@code at}: replayed from its first event to the last
   * one before.
   */
  public CompletionStage<Optional<StateAt>> stateAt(ResourceRef ref, Instant at) {
    return stateAtOf(ref.kind(), ref, at);
  }

  private record Folded<S>(S state, long sequenceNr, Instant at) {}

  private <S> CompletionStage<Optional<StateAt>> stateAtOf(
      ResourceKind<S> kind, ResourceRef ref, Instant at) {
    ResourceKind.Replay<S> replay = kind.replay(ref.entityId());
    long until = at.toEpochMilli();
    return journal
        .currentEventsByPersistenceId(ref.persistenceId(), 0, Long.MAX_VALUE)
        .takeWhile(env -> env.timestamp() <= until)
        .runWith(
            Sink.fold(
                new Folded<>(replay.empty(), 0, null),
                (f, env) ->
                    new Folded<>(
                        replay.apply(f.state(), env.event()),
                        env.sequenceNr(),
                        Instant.ofEpochMilli(env.timestamp()))),
            system)
        .thenApply(
            f ->
                kind.view(states.region(), ref.entityId(), f.state(), ref.selector())
                    .map(view -> new StateAt(f.sequenceNr(), f.at(), view)));
  }
}
