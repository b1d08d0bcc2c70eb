package io.harbormaster.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until what a user would see is there, or fails with the last thing seen. */
public final class Await {
  private Await() {}

  public static <T> T until(String what, Duration limit, Supplier<T> probe, Predicate<T> done) {
    Instant deadline = Instant.now().plus(limit);
    T last = probe.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what + ": " + last);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = probe.get();
    }
    return last;
  }
}
