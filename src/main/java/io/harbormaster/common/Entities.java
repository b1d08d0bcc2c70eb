package io.harbormaster.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/** Asks sharded entities and turns their refusals into the ECS errors the API returns. */
public final class Entities {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ActorSystem<?> system;
  private final Executor dispatcher;

  /** Dates an ask's deadline, which the placement compares with its own clock. */
  private final Clock clock;

  public Entities(ActorSystem<?> system, Duration askTimeout, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.system = system;
    this.dispatcher = system.executionContext();
  }

  /**
   * Starts an entity without waiting for it (its recovery from the journal then overlaps other
   * work): sends it a read whose answer nobody needs.
   */
  public <C, T> void warmUp(
      EntityTypeKey<C> key, String entityId, Function<ActorRef<StatusReply<T>>, C> read) {
    sharding.entityRefFor(key, entityId).tell(read.apply(system.ignoreRef()));
  }

  /** When an ask sent now stops waiting for its answer. */
  public java.time.Instant answerBy() {
    return clock.instant().plus(askTimeout);
  }

  public <C, T> CompletionStage<T> ask(
      EntityTypeKey<C> key, String entityId, Function<ActorRef<StatusReply<T>>, C> command) {
    return onDispatcher(
        sharding.entityRefFor(key, entityId).<T>askWithStatus(command::apply, askTimeout));
  }

  /** Asks a plain (non-StatusReply) actor behind sharding, such as a cluster's placement. */
  public <C, T> CompletionStage<T> askPlain(
      EntityTypeKey<C> key, String entityId, Function<ActorRef<T>, C> command) {
    return onDispatcher(sharding.entityRefFor(key, entityId).<T>ask(command::apply, askTimeout));
  }

  /**
   * The answer as a plain future completed on the actor system's dispatcher. Pekko's ask stages run
   * every dependent step "async" on the common fork-join pool (one or two threads on a small
   * machine); what follows an ask here (more asks, JSON) runs on the dispatcher instead, which the
   * actors share and which is sized for it.
   */
  private <T> CompletionStage<T> onDispatcher(CompletionStage<T> answer) {
    CompletableFuture<T> result = new CompletableFuture<>();
    answer.whenCompleteAsync(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(new CompletionException(asEcsException(failure)));
          }
        },
        dispatcher);
    return result;
  }

  /** A message that needs no answer, such as a wake-up. */
  public <C> void tell(EntityTypeKey<C> key, String entityId, C message) {
    sharding.entityRefFor(key, entityId).tell(message);
  }

  /**
   * What a Describe* or List* fan-out makes of one failed read. An entity that answered with a
   * refusal (reads refuse only what does not exist) is missing: MISSING in {@code failures[]}, or
   * left out of a list. An entity that did not answer (a timeout, a crash) fails the whole call
   * with that error, a ServerException the clients retry: showing it as missing, dropping it or
   * showing a made-up value would claim something nobody knows.
   */
  public static <T> Optional<T> missingIfRefused(Throwable failure) {
    EcsException e = asEcsException(failure);
    if (e.httpStatus() >= 500) throw e;
    return Optional.empty();
  }

  public static EcsException asEcsException(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof EcsException e) return e;
    return Rejection.of(t)
        .map(r -> new EcsException(r.type(), r.message()))
        .orElseGet(
            () ->
                t instanceof TimeoutException
                    // The clients retry ServerException; the entity may still finish the command,
                    // which every
                    // command is written to tolerate (idempotent or harmless to repeat).
                    ? EcsException.server("The request timed out inside the service; retry it.")
                    : EcsException.server("Internal error: " + t.getClass().getSimpleName(), t));
  }
}
