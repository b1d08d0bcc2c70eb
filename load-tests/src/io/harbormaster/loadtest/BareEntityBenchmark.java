package io.harbormaster.loadtest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.CborSerializable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The rate of a bare persistent entity: one event per command, many entities in parallel, each
 * sending its next command when the previous is persisted; on the app's persistence config
 * (application.conf: the same journal keyspace and serializer) and the same Cassandra. A local
 * actor system (no cluster, no sharding): the ceiling of persistence alone.
 */
public final class BareEntityBenchmark {
  public record Result(long events, double seconds) {
    double eventsPerSecond() {
      return events / seconds;
    }
  }

  public record Bump(ActorRef<Long> replyTo) implements CborSerializable {}

  public record Bumped(long at) implements CborSerializable {}

  static final class Counter extends EventSourcedBehavior<Bump, Bumped, Long> {
    private final String tag;

    Counter(String persistenceId, String tag) {
      super(PersistenceId.of("BenchEntity", persistenceId));
      this.tag = tag;
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Bump, Bumped, Long> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Bump.class,
              (s, c) ->
                  Effect()
                      .persist(new Bumped(System.currentTimeMillis()))
                      .thenRun(next -> c.replyTo().tell(next)))
          .build();
    }

    @Override
    public EventHandler<Long, Bumped> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onEvent(Bumped.class, (s, e) -> s + 1).build();
    }

    @Override
    public Set<String> tagsFor(Bumped event) {
      return tag == null ? Set.of() : Set.of(tag);
    }
  }

  /**
   * entities × (send, wait, send again) for the given time; returns events persisted and seconds.
   */
  public static Result run(int cassandraPort, int entities, Duration duration, boolean tagged)
      throws Exception {
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseMap(
                    Map.of(
                        "harbormaster.cassandra.contact-point", "127.0.0.1:" + cassandraPort,
                        "pekko.actor.provider", "local",
                        "pekko.persistence.cassandra.events-by-tag.pubsub-notification", "off",
                        "pekko.loglevel", "WARNING"))
                .withFallback(ConfigFactory.defaultApplication()));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bare-entity", config);
    try {
      String run = UUID.randomUUID().toString().substring(0, 8);
      @SuppressWarnings("unchecked")
      ActorRef<Bump>[] refs = new ActorRef[entities];
      for (int i = 0; i < entities; i++) {
        String tag =
            tagged
                ? "benchentity-" + (i % 4)
                : null; // the app tags every event with one of 4 slices
        refs[i] =
            system.systemActorOf(new Counter(run + "-" + i, tag), "counter-" + i, Props.empty());
      }
      // one warm-up command each: recovery (empty) and the first write
      CompletableFuture<?>[] warm = new CompletableFuture<?>[entities];
      for (int i = 0; i < entities; i++) warm[i] = ask(system, refs[i]);
      CompletableFuture.allOf(warm).get(60, TimeUnit.SECONDS);

      AtomicLong events = new AtomicLong();
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      CompletableFuture<?>[] loops = new CompletableFuture<?>[entities];
      for (int i = 0; i < entities; i++) loops[i] = loop(system, refs[i], events, end);
      CompletableFuture.allOf(loops).get(duration.toSeconds() + 60, TimeUnit.SECONDS);
      return new Result(events.get(), (System.nanoTime() - t0) / 1e9);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<Long> ask(ActorSystem<Void> system, ActorRef<Bump> ref) {
    return AskPattern.<Bump, Long>ask(ref, Bump::new, Duration.ofSeconds(30), system.scheduler())
        .toCompletableFuture();
  }

  private static CompletableFuture<Void> loop(
      ActorSystem<Void> system, ActorRef<Bump> ref, AtomicLong events, long end) {
    return ask(system, ref)
        .thenCompose(
            n -> {
              events.incrementAndGet();
              return System.nanoTime() < end
                  ? loop(system, ref, events, end)
                  : CompletableFuture.completedFuture(null);
            });
  }

  private BareEntityBenchmark() {}
}
