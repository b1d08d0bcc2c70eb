package io.harbormaster.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.Rejection;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;

/**
 * What every entity test shares: an in-memory journal and snapshot store behind the real
 * serialization bindings, and the assertion for a refused command.
 */
public final class EntityTestKit {

  private EntityTestKit() {}

  /**
   * The testkit's in-memory journal and snapshot store, and the serialization bindings of
   * production ({@code serialization.conf}), without the rest of {@code application.conf} (cluster
   * provider, Cassandra).
   */
  public static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"));
  }

  /**
   * Every command, event and state goes through jackson-cbor and must come back equal to what went
   * in. The journal keeps the objects themselves (Pekko warns against serializing there too), so
   * equality is what proves that {@code restart()} replays the same events a real journal would.
   */
  public static <C, E, S> EventSourcedBehaviorTestKit<C, E, S> create(
      ActorSystem<?> system, Behavior<C> behavior) {
    return EventSourcedBehaviorTestKit.create(
        system,
        behavior,
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  /**
   * The command was refused with {@code errorType: message}, as the API reads it back, and nothing
   * was persisted.
   */
  public static <C, E, S, R> void assertRefused(
      CommandResultWithReply<C, E, S, StatusReply<R>> result, String errorType, String message) {
    StatusReply<R> reply = result.reply();
    assertTrue(reply.isError(), () -> "expected a refusal, got " + reply);
    assertEquals(
        Optional.of(errorType + " / " + message),
        Rejection.of(reply.getError()).map(r -> r.type().code() + " / " + r.message()));
    assertEquals(errorType + ": " + message, reply.getError().getMessage());
    assertTrue(result.hasNoEvents(), () -> "a refusal persisted " + result.events());
  }

  /** The command succeeded; its value. */
  public static <C, E, S, R> R success(CommandResultWithReply<C, E, S, StatusReply<R>> result) {
    StatusReply<R> reply = result.reply();
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }
}
