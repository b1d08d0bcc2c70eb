package io.harbormaster.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until what a user would see is there, or fails with the last thing seen. */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(500);

  private Await() {}

  /** {@link #until(String, Duration, Duration, Supplier, Predicate)} every 500 ms. */
  public static <T> T until(String what, Duration limit, Supplier<T> probe, Predicate<T> done) {
    return until(what, limit, POLL, probe, done);
  }

  /**
   * The first value of {@code probe}, taken every {@code poll}, that is {@code done}.
   *
   * @throws AssertionError after {@code limit}, naming {@code what} and the last value
   */
  public static <T> T until(
      String what, Duration limit, Duration poll, Supplier<T> probe, Predicate<T> done) {
    Instant deadline = Instant.now().plus(limit);
    T last = probe.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline))
        throw new AssertionError("timed out waiting for " + what + ": " + last);
      sleep(poll);
      last = probe.get();
    }
    return last;
  }

  /**
   * Whether {@code condition}, tested every {@code poll}, holds within {@code limit}: for a test
   * that asserts with a message of its own (a process's output, say) when it does not.
   */
  public static boolean within(Duration limit, Duration poll, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) return false;
      sleep(poll);
    }
    return true;
  }

  /** Whether the process {@code pid} runs (a pid that is gone or was never there does not). */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void sleep(Duration poll) {
    try {
      Thread.sleep(poll.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
