package io.harbormaster.events;

import io.harbormaster.events.ResourceKind.Change;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Turns journal events into EventBridge events. A task event says what changed, the EventBridge
 * event shows the whole task: so the state of each resource is folded with the entity's own event
 * handler. The newest state of recently seen resources is kept (LRU); any other position is
 * replayed from the journal (eventsByPersistenceId), so a restart, a stream resumed far back or a
 * history query gives the same events with the same ids.
 */
public final class ResourceStates {
  private final ResourceKinds kinds;
  private final CassandraReadJournal journal;
  private final ActorSystem<?> system;
  private final String region;
  private final Map<String, Folded> recent;

  private record Folded(long sequenceNr, Object state) {}

  /**
   * One reader's own newest states: a reader far behind the live tail (a stream resumed from long
   * ago, a dispatcher catching up) folds its resources from here instead of replaying each one's
   * journal for every event.
   */
  public static final class ReaderCache {
    private final Map<String, Folded> folded =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Folded> eldest) {
            return size() > 2000;
          }
        };
  }

  public ReaderCache readerCache() {
    return new ReaderCache();
  }

  public ResourceStates(
      ResourceKinds kinds,
      CassandraReadJournal journal,
      ActorSystem<?> system,
      String region,
      int cacheSize) {
    this.kinds = kinds;
    this.journal = journal;
    this.system = system;
    this.region = region;
    this.recent =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Folded> eldest) {
            return size() > cacheSize;
          }
        };
  }

  public String region() {
    return region;
  }

  public ResourceKinds kinds() {
    return kinds;
  }

  /** The EventBridge events one journal event publishes (none for kinds that do not publish). */
  public CompletionStage<List<EcsEvent>> published(EventEnvelope envelope, ReaderCache reader) {
    ResourceKind<?> kind = kinds.forPersistenceId(envelope.persistenceId()).orElse(null);
    if (kind == null || !kind.publishes()) return CompletableFuture.completedFuture(List.of());
    return publishedBy(kind, envelope, reader);
  }

  @SuppressWarnings("unchecked")
  private <S> CompletionStage<List<EcsEvent>> publishedBy(
      ResourceKind<S> kind, EventEnvelope envelope, ReaderCache reader) {
    String pid = envelope.persistenceId();
    String entityId = pid.substring(pid.indexOf('|') + 1);
    long seq = envelope.sequenceNr();
    Folded cached;
    synchronized (reader.folded) {
      cached = reader.folded.get(pid);
    }
    if (cached == null || cached.sequenceNr() != seq - 1) {
      synchronized (recent) {
        cached = recent.get(pid);
      }
    }
    CompletionStage<S> before =
        cached != null && cached.sequenceNr() == seq - 1
            ? CompletableFuture.completedFuture((S) cached.state())
            : stateAt(kind, pid, entityId, seq - 1);
    return before.thenApply(
        state -> {
          S after = kind.replay(entityId).apply(state, envelope.event());
          synchronized (reader.folded) {
            reader.folded.put(pid, new Folded(seq, after));
          }
          synchronized (recent) {
            Folded now = recent.get(pid);
            if (now == null || now.sequenceNr() < seq) recent.put(pid, new Folded(seq, after));
          }
          return kind.published(
              region,
              new Change<>(
                  pid,
                  entityId,
                  seq,
                  Instant.ofEpochMilli(envelope.timestamp()),
                  envelope.event(),
                  state,
                  after));
        });
  }

  /** The entity's state after its event {@code sequenceNr}, replayed from the journal. */
  public <S> CompletionStage<S> stateAt(
      ResourceKind<S> kind, String persistenceId, String entityId, long sequenceNr) {
    ResourceKind.Replay<S> replay = kind.replay(entityId);
    if (sequenceNr <= 0) return CompletableFuture.completedFuture(replay.empty());
    return journal
        .currentEventsByPersistenceId(persistenceId, 0, sequenceNr)
        .runWith(Sink.fold(replay.empty(), (s, e) -> replay.apply(s, e.event())), system);
  }
}
