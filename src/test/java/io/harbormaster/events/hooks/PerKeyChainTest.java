package io.harbormaster.events.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/** A resource's deliveries run one after another; different resources' at once. */
class PerKeyChainTest {
  @Test
  void workForOneKeyWaitsForTheKeysEarlierWorkButNotForOtherKeys() {
    HookDispatcher.PerKeyChain chain = new HookDispatcher.PerKeyChain();
    List<String> started = new CopyOnWriteArrayList<>();
    CompletableFuture<Done> firstOfA = new CompletableFuture<>();
    chain.after(
        "A",
        () -> {
          started.add("A1");
          return firstOfA;
        });
    var secondOfA =
        chain.after(
            "A",
            () -> {
              started.add("A2");
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    var firstOfB =
        chain.after(
            "B",
            () -> {
              started.add("B1");
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    assertEquals(List.of("A1", "B1"), started);
    assertTrue(firstOfB.toCompletableFuture().isDone());
    assertFalse(secondOfA.toCompletableFuture().isDone());

    firstOfA.complete(Done.getInstance());
    assertEquals(List.of("A1", "B1", "A2"), started);
    assertTrue(secondOfA.toCompletableFuture().isDone());
  }

  @Test
  void aFailureDoesNotStopTheKeysLaterWork() {
    HookDispatcher.PerKeyChain chain = new HookDispatcher.PerKeyChain();
    chain.after(
        "A",
        () ->
            CompletableFuture.failedFuture(new IllegalStateException("dead-letter write failed")));
    var next = chain.after("A", () -> CompletableFuture.completedFuture(Done.getInstance()));
    assertTrue(next.toCompletableFuture().isDone());
  }
}
