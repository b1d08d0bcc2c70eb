package io.harbormaster.events.retention;

import io.harbormaster.events.ResourceKinds;
import io.harbormaster.events.ResourceStates;
import io.harbormaster.task.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-account retention (default: none, everything is kept forever). With a retention set, a
 * stopped task whose stoppedAt is older than it is purged: its events, tagged events and snapshots
 * are deleted, so its history and replay answer "not found" (and DescribeTasks too, once its entity
 * has passivated). Live resources (clusters, instances, running tasks) keep their whole journal.
 * One sweeper in the cluster runs every sweep interval; {@link #sweep} also runs on demand
 * (HarbormasterEvents.ApplyRetention).
 */
public final class EventRetention {
  private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

  private final ActorSystem<?> system;
  private final CassandraSession session;
  private final String keyspace;
  private final CassandraReadJournal journal;
  private final ResourceStates states;
  private final Clock clock;
  private final Cleanup cleanup;
  private final int parallelism;
  private final io.harbormaster.common.EventTags tags;

  public EventRetention(
      ActorSystem<?> system,
      CassandraReadJournal journal,
      String keyspace,
      ResourceStates states,
      Clock clock,
      int parallelism,
      io.harbormaster.common.EventTags tags) {
    this.system = system;
    this.parallelism = parallelism;
    this.tags = tags;
    this.session = journal.session();
    this.keyspace = keyspace;
    this.journal = journal;
    this.states = states;
    this.clock = clock;
    this.cleanup = new Cleanup(system);
  }

  public CompletionStage<Done> put(String accountId, Optional<Duration> retention) {
    if (retention.isEmpty()) {
      return session.executeWrite(
          "DELETE FROM " + keyspace + ".event_retention WHERE account_id = ?", accountId);
    }
    return session.executeWrite(
        "INSERT INTO "
            + keyspace
            + ".event_retention (account_id, retention, updated_at) "
            + "VALUES (?, ?, ?)",
        accountId,
        retention.get().toString(),
        clock.instant());
  }

  public CompletionStage<Optional<Duration>> get(String accountId) {
    return session
        .selectOne(
            "SELECT retention FROM " + keyspace + ".event_retention WHERE account_id = ?",
            accountId)
        .thenApply(row -> row.map(r -> Duration.parse(r.getString("retention"))));
  }

  /** Purges the account's stopped tasks older than its retention; the number purged. */
  public CompletionStage<Integer> sweep(String accountId) {
    return get(accountId)
        .thenCompose(
            retention ->
                retention.isEmpty()
                    ? CompletableFuture.completedFuture(0)
                    : purgeTasks(accountId, clock.instant().minus(retention.get())));
  }

  /** Every account with a retention. */
  public CompletionStage<Integer> sweepAll() {
    return session
        .selectAll("SELECT account_id, retention FROM " + keyspace + ".event_retention")
        .thenCompose(
            rows -> {
              Map<String, Duration> byAccount =
                  rows.stream()
                      .collect(
                          Collectors.toMap(
                              r -> r.getString("account_id"),
                              r -> Duration.parse(r.getString("retention"))));
              CompletionStage<Integer> total = CompletableFuture.completedFuture(0);
              for (var e : byAccount.entrySet()) {
                total =
                    total.thenCompose(
                        n ->
                            purgeTasks(e.getKey(), clock.instant().minus(e.getValue()))
                                .thenApply(m -> n + m));
              }
              return total;
            });
  }

  private CompletionStage<Integer> purgeTasks(String accountId, Instant stoppedBefore) {
    String prefix = Task.ENTITY_KEY.name() + "|" + accountId + "/";
    // The states are read many at once. The purges go one at a time per tag slice: the plugin finds
    // a task's
    // tag_views rows by reading its tag, and a read that meets another task's rows half deleted
    // fails
    // (MissingTaggedEventException); slices are separate tags.
    return journal
        .currentPersistenceIds()
        .filter(pid -> pid.startsWith(prefix))
        .mapAsync(
            parallelism,
            pid ->
                states
                    .stateAt(
                        ResourceKinds.TASK,
                        pid,
                        pid.substring(pid.indexOf('|') + 1),
                        Long.MAX_VALUE)
                    .thenApply(
                        state ->
                            state instanceof Task.StoppedTask stopped
                                    && stopped.view().stoppedAt() != null
                                    && stopped.view().stoppedAt().isBefore(stoppedBefore)
                                ? pid
                                : ""))
        .filter(pid -> !pid.isEmpty())
        .groupBy(tags.slices(), pid -> tags.sliceOf(pid.substring(pid.indexOf('|') + 1)))
        .mapAsync(
            1,
            pid ->
                scala.jdk.javaapi.FutureConverters.asJava(cleanup.deleteAll(pid, false))
                    .thenApply(done -> 1))
        .mergeSubstreams()
        .runWith(Sink.fold(0, Integer::sum), system)
        .whenComplete(
            (n, failure) -> {
              if (n != null && n > 0)
                log.info("retention: purged {} stopped tasks of account {}", n, accountId);
            });
  }

  public interface Command {}

  /** The one sweeper of the cluster. */
  public void startSweeper(Duration interval) {
    ShardedDaemonProcess.get(system)
        .init(Command.class, "event-retention", 1, i -> sweeper(interval));
  }

  private Behavior<Command> sweeper(Duration interval) {
    record Tick() implements Command {}
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(new Tick(), interval);
          return Behaviors.receiveMessage(
              tick -> {
                sweepAll()
                    .whenComplete(
                        (n, failure) -> {
                          if (failure != null) log.warn("retention sweep failed", failure);
                        });
                return Behaviors.same();
              });
        });
  }
}
