package io.harbormaster.events.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where a webhook dispatcher that wakes up (a rule now exists) starts reading its tag. */
class DispatcherStartTest {
  private static final Instant RULE = Instant.parse("2026-11-21T12:00:00Z");
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private static UUID offsetAt(Instant at) {
    return Uuids.startOf(at.toEpochMilli());
  }

  @Test
  void noStoredOffset_startsJustBeforeTheEarliestRule() {
    UUID start =
        HookDispatcher.startAfter(Optional.empty(), RULE, MARGIN, DispatcherStartTest::offsetAt);
    assertEquals(RULE.minus(MARGIN).toEpochMilli(), Uuids.unixTimestamp(start));
  }

  @Test
  void storedOffsetAfterTheRule_resumesThere() {
    UUID stored = Uuids.startOf(RULE.plusSeconds(3600).toEpochMilli());
    assertEquals(
        stored,
        HookDispatcher.startAfter(
            Optional.of(stored), RULE, MARGIN, DispatcherStartTest::offsetAt));
  }

  @Test
  void storedOffsetLongBeforeTheRule_skipsWhatNoRuleCanReceive() {
    // dormant for a day: the day's events had no receiver and are not read
    UUID stored = Uuids.startOf(RULE.minus(Duration.ofDays(1)).toEpochMilli());
    UUID start =
        HookDispatcher.startAfter(Optional.of(stored), RULE, MARGIN, DispatcherStartTest::offsetAt);
    assertEquals(RULE.minus(MARGIN).toEpochMilli(), Uuids.unixTimestamp(start));
  }

  @Test
  void storedOffsetWithinTheMargin_resumesThere() {
    UUID stored = Uuids.startOf(RULE.minusSeconds(2).toEpochMilli());
    assertEquals(
        stored,
        HookDispatcher.startAfter(
            Optional.of(stored), RULE, MARGIN, DispatcherStartTest::offsetAt));
  }
}
