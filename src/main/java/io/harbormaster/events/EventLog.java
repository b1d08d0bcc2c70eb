package io.harbormaster.events;

import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.TimeBasedUUID;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The EventBridge events of one tag, live, in the tag's order (so a resource's events in their sequence order), each
 * with its offset. Reading again from an offset gives exactly the events after it: the stream and the hooks resume
 * from offsets they stored.
 */
public final class EventLog {
  private final CassandraReadJournal journal;
  private final ResourceStates states;

  public EventLog(CassandraReadJournal journal, ResourceStates states) {
    this.journal = journal;
    this.states = states;
  }

  public ResourceStates states() {
    return states;
  }

  /** Journal events after {@code after} (exclusive) with what each published; null reads the tag from its start. */
  public Source<JournalBatch, NotUsed> batches(String tag, UUID after) {
    Offset offset = after == null ? NoOffset.getInstance() : Offset.timeBasedUUID(after);
    ResourceStates.ReaderCache reader = states.readerCache();
    return journal.eventsByTag(tag, offset)
        .mapAsync(1, envelope -> states.published(envelope, reader).thenApply(events -> new JournalBatch(tag,
            ((TimeBasedUUID) envelope.offset()).value(), envelope.persistenceId(), envelope.sequenceNr(), events)));
  }

  /** An offset that starts a tag at this moment (for a stream opened without a resume point). */
  public UUID now() {
    return ((TimeBasedUUID) journal.timeBasedUUIDFrom(System.currentTimeMillis())).value();
  }
}
