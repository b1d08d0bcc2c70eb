package io.harbormaster.logs;

import java.util.Comparator;

/**
 * Where an event sits in its stream: the nanosecond timestamp its source gave it, then its ordinal
 * among events with that same timestamp. The stream's order and its events' identity.
 */
public record EventPosition(long eventNs, int ordinal) implements Comparable<EventPosition> {
  private static final Comparator<EventPosition> ORDER =
      Comparator.comparingLong(EventPosition::eventNs).thenComparingInt(EventPosition::ordinal);

  /** Before every event at or after {@code epochMillis}. */
  public static EventPosition beforeMillis(long epochMillis) {
    return new EventPosition(Math.multiplyExact(epochMillis, 1_000_000L), -1);
  }

  public long epochMillis() {
    return Math.floorDiv(eventNs, 1_000_000L);
  }

  @Override
  public int compareTo(EventPosition other) {
    return ORDER.compare(this, other);
  }
}
