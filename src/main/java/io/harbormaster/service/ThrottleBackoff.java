package io.harbormaster.service;

import java.time.Duration;

/**
 * How long a service waits between launches after tasks keep stopping before they ever ran: the
 * first {@link #FREE_FAILURES} consecutive failures cost nothing (a circuit breaker with its
 * minimum threshold of 3 trips without delay), then 10 s, doubling with each further failure,
 * capped at 27 minutes like ECS.
 */
public final class ThrottleBackoff {
  private ThrottleBackoff() {}

  public static final int FREE_FAILURES = 3;
  public static final Duration FIRST_DELAY = Duration.ofSeconds(10);
  public static final Duration MAX_DELAY = Duration.ofMinutes(27);

  /**
   * The wait before the next launch after {@code consecutiveFailures} tasks in a row failed to
   * start.
   */
  public static Duration delayAfter(int consecutiveFailures) {
    int doublings = consecutiveFailures - FREE_FAILURES - 1;
    if (doublings < 0) return Duration.ZERO;
    // 10 s × 2^8 already passes 27 min; stop shifting before the long overflows
    if (doublings >= 8) return MAX_DELAY;
    Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }
}
