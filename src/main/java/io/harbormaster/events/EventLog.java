package io.harbormaster.events;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.TimeBasedUUID;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The EventBridge events of one tag, live, in the tag's order (so a resource's events in their
 * sequence order), each with its offset. Reading again from an offset gives exactly the events
 * after it: the stream and the hooks resume from offsets they stored.
 */
public final class EventLog {
  private final CassandraReadJournal journal;
  private final ResourceStates states;
  private final Clock clock;

  public EventLog(CassandraReadJournal journal, ResourceStates states, Clock clock) {
    this.journal = journal;
    this.states = states;
    this.clock = clock;
  }

  public ResourceStates states() {
    return states;
  }

  /**
   * Which journal events a reader wants mapped: by the resource's account and when the event was
   * persisted.
   */
  @FunctionalInterface
  public interface Interest {
    CompletionStage<Boolean> wants(String accountId, Instant persistedAt);

    Interest ALL = (account, at) -> CompletableFuture.completedFuture(true);
  }

  /**
   * Journal events after {@code after} (exclusive) with what each published; null reads the tag
   * from its start. Events the reader has no interest in are passed with no EventBridge events
   * (their offset still moves on), so a stream of one account or a dispatcher with no rules for an
   * account does not fold other accounts' resources.
   */
  public Source<JournalBatch, NotUsed> batches(String tag, UUID after, Interest interest) {
    Offset offset = after == null ? NoOffset.getInstance() : Offset.timeBasedUUID(after);
    ResourceStates.ReaderCache reader = states.readerCache();
    return journal
        .eventsByTag(tag, offset)
        .mapAsync(
            1,
            envelope -> {
              String pid = envelope.persistenceId();
              String entityId = pid.substring(pid.indexOf('|') + 1);
              String account =
                  entityId.contains("/") ? entityId.substring(0, entityId.indexOf('/')) : entityId;
              return interest
                  .wants(account, Instant.ofEpochMilli(envelope.timestamp()))
                  .thenCompose(
                      wanted ->
                          wanted
                              ? states.published(envelope, reader)
                              : CompletableFuture.completedFuture(List.<EcsEvent>of()))
                  .thenApply(
                      events ->
                          new JournalBatch(
                              tag,
                              ((TimeBasedUUID) envelope.offset()).value(),
                              pid,
                              envelope.sequenceNr(),
                              events));
            });
  }

  /** An offset that starts a tag at this moment (for a stream opened without a resume point). */
  public UUID now() {
    return offsetAt(clock.instant());
  }

  /**
   * An offset that starts a tag at the given time: the events persisted from then on come after it.
   */
  public UUID offsetAt(Instant at) {
    return ((TimeBasedUUID) journal.timeBasedUUIDFrom(at.toEpochMilli())).value();
  }
}
