package io.harbormaster.events.hooks;

import io.harbormaster.events.EcsEvent;
import io.harbormaster.events.EventLog;
import io.harbormaster.events.EventsSettings;
import io.harbormaster.events.JournalBatch;
import io.harbormaster.events.TagOffsets;
import io.harbormaster.events.pattern.EventPattern;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one tag of the journal and delivers its events to the matching rules, in the tag's order
 * (so each resource's events in order), one journal event at a time; the offset is stored after the
 * event's deliveries finished (or were dead-lettered). A crash anywhere re-reads from the stored
 * offset: nothing is lost, some events come twice (same id). One dispatcher per tag, spread over
 * the cluster's nodes by a ShardedDaemonProcess.
 */
public final class HookDispatcher {
  private static final Logger log = LoggerFactory.getLogger(HookDispatcher.class);
  public static final String READER = "event-hooks";

  public interface Command {}

  private HookDispatcher() {}

  public static void init(
      ActorSystem<?> system,
      List<String> tags,
      EventLog eventLog,
      TagOffsets offsets,
      HookRules rules,
      HookDelivery delivery,
      EventsSettings.Hooks settings,
      Clock clock) {
    // One look at the rules table per node and interval, shared by the dispatchers this node runs.
    RulesPresence presence = new RulesPresence(rules, settings.idleCheckInterval());
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            READER,
            tags.size(),
            i ->
                create(tags.get(i), eventLog, offsets, rules, presence, delivery, settings, clock));
  }

  /** The timer's tick: are there rules (still)? */
  private record CheckRules() implements Command {}

  /**
   * earliestRule: empty when no account has a rule; null when the rules could not be read (nothing
   * changes).
   */
  private record RulesChecked(Optional<Instant> earliestRule) implements Command {}

  /**
   * Dormant while no account has a rule: no tag is read then (a live tag query polls Cassandra four
   * times a second; the dispatchers of all published tags cost a quarter core of Cassandra on an
   * idle node). When a rule appears the tag is read from the stored offset, or from just before the
   * earliest rule if that is later: a rule only receives events persisted after it was created, so
   * what lies before it has no receiver.
   */
  static Behavior<Command> create(
      String tag,
      EventLog eventLog,
      TagOffsets offsets,
      HookRules rules,
      RulesPresence presence,
      HookDelivery delivery,
      EventsSettings.Hooks settings,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new CheckRules(), settings.idleCheckInterval());
                  ctx.getSelf().tell(new CheckRules());
                  ActorSystem<?> system = ctx.getSystem();
                  UniqueKillSwitch[] running = new UniqueKillSwitch[1];
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          CheckRules.class,
                          m -> {
                            ctx.pipeToSelf(
                                presence.earliestRule(),
                                (earliest, failure) -> new RulesChecked(earliest));
                            return Behaviors.same();
                          })
                      .onMessage(
                          RulesChecked.class,
                          m -> {
                            if (m.earliestRule() == null)
                              return Behaviors.same(); // unreadable now: asked again next tick
                            if (m.earliestRule().isPresent() && running[0] == null) {
                              running[0] =
                                  run(
                                      system,
                                      tag,
                                      m.earliestRule().get(),
                                      eventLog,
                                      offsets,
                                      rules,
                                      delivery,
                                      settings,
                                      clock);
                              log.info("webhook dispatcher for tag {} reading", tag);
                            } else if (m.earliestRule().isEmpty() && running[0] != null) {
                              running[0].shutdown();
                              running[0] = null;
                              log.info("webhook dispatcher for tag {} dormant: no rules", tag);
                            }
                            return Behaviors.same();
                          })
                      .onSignal(
                          PostStop.class,
                          signal -> {
                            if (running[0] != null) running[0].shutdown();
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private static UniqueKillSwitch run(
      ActorSystem<?> system,
      String tag,
      Instant earliestRule,
      EventLog eventLog,
      TagOffsets offsets,
      HookRules rules,
      HookDelivery delivery,
      EventsSettings.Hooks settings,
      Clock clock) {
    RuleSnapshots snapshots = new RuleSnapshots(rules, clock);
    PerKeyChain inOrderPerResource = new PerKeyChain();
    RestartSettings restart =
        RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2);
    // Every (re)start reads from the stored offset, or from just before the earliest rule if that
    // is later.
    return RestartSource.withBackoff(
            restart,
            () ->
                Source.completionStageSource(
                        offsets
                            .read(READER, tag)
                            .thenApply(
                                stored ->
                                    eventLog.batches(
                                        tag,
                                        startAfter(
                                            stored,
                                            earliestRule,
                                            settings.ruleClockMargin(),
                                            eventLog::offsetAt),
                                        (account, at) ->
                                            snapshots
                                                .asOf(at)
                                                .thenApply(s -> s.rules().containsKey(account)))))
                    .mapAsync(
                        settings.parallelism(),
                        batch ->
                            inOrderPerResource
                                .after(
                                    batch.persistenceId(),
                                    () -> dispatch(batch, snapshots, delivery))
                                .thenApply(done -> batch))
                    .groupedWithin(1000, settings.offsetSaveInterval())
                    .mapAsync(
                        1,
                        batches ->
                            offsets.save(READER, tag, batches.get(batches.size() - 1).offset())))
        .viaMat(KillSwitches.single(), Keep.right())
        .to(Sink.ignore())
        .run(system);
  }

  /**
   * Where a dispatcher that wakes up starts reading (exclusive): its stored offset, unless that
   * lies before the earliest rule's creation less the clock margin between nodes (the rule's time
   * is the node's that took it, the events' times their writers'). Nothing before that point has a
   * receiver.
   */
  static UUID startAfter(
      Optional<UUID> stored,
      Instant earliestRule,
      Duration clockMargin,
      java.util.function.Function<Instant, UUID> offsetAt) {
    UUID ruleStart = offsetAt.apply(earliestRule.minus(clockMargin));
    return stored.filter(s -> s.timestamp() >= ruleStart.timestamp()).orElse(ruleStart);
  }

  /**
   * Whether any account has a rule, and the earliest one's creation; one read per interval, shared.
   */
  static final class RulesPresence {
    private final HookRules rules;
    private final Duration maxAge;
    private CompletableFuture<Optional<Instant>> last; // guarded by this
    private long lastAt;

    RulesPresence(HookRules rules, Duration maxAge) {
      this.rules = rules;
      this.maxAge = maxAge;
    }

    synchronized CompletionStage<Optional<Instant>> earliestRule() {
      long now = System.nanoTime();
      if (last == null || now - lastAt >= maxAge.toNanos() / 2) {
        lastAt = now;
        last =
            rules
                .all()
                .thenApply(all -> all.stream().map(HookRule::createdAt).min(Instant::compareTo))
                .toCompletableFuture();
      }
      return last;
    }
  }

  private static CompletionStage<Done> dispatch(
      JournalBatch batch, RuleSnapshots snapshots, HookDelivery delivery) {
    if (batch.events().isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    for (EcsEvent event : batch.events()) {
      chain =
          chain.thenCompose(
              d ->
                  snapshots
                      .asOf(event.time())
                      .thenCompose(
                          snapshot -> {
                            List<CompletableFuture<Done>> sends = new ArrayList<>();
                            for (Compiled rule :
                                snapshot.rules().getOrDefault(event.account(), List.of())) {
                              // a rule receives the events persisted after it was created
                              if (event.time().isBefore(rule.rule().createdAt())) continue;
                              if (rule.pattern().matches(event.toJson())) {
                                sends.add(
                                    delivery.deliver(rule.rule(), event).toCompletableFuture());
                              }
                            }
                            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                                .thenApply(v -> Done.getInstance());
                          }));
    }
    return chain;
  }

  /**
   * Runs work for different keys at once and for one key one after another: events of different
   * resources are delivered in parallel, a resource's own events in its order. (mapAsync still
   * emits in the tag's order, so the offset stored after an event means every earlier event is
   * done.)
   */
  static final class PerKeyChain {
    private final Map<String, CompletableFuture<Done>> last =
        new java.util.concurrent.ConcurrentHashMap<>();

    CompletionStage<Done> after(
        String key, java.util.function.Supplier<CompletionStage<Done>> work) {
      CompletableFuture<Done> previous = last.get(key);
      CompletableFuture<Done> next =
          (previous == null
                  ? CompletableFuture.completedFuture(Done.getInstance())
                  : previous.exceptionally(failure -> Done.getInstance()))
              .thenCompose(d -> work.get())
              .toCompletableFuture();
      last.put(key, next);
      next.whenComplete((d, failure) -> last.remove(key, next));
      return next;
    }
  }

  record Compiled(HookRule rule, EventPattern pattern) {}

  record Snapshot(Instant loadedAt, Map<String, List<Compiled>> rules) {}

  /**
   * The rules, loaded again whenever an event is newer than the loaded copy: a rule created before
   * an event was persisted is always seen by that event, on whichever node the rule was put.
   */
  static final class RuleSnapshots {
    private final HookRules rules;
    private final Clock clock;
    private volatile Snapshot current = new Snapshot(Instant.EPOCH, Map.of());

    RuleSnapshots(HookRules rules, Clock clock) {
      this.rules = rules;
      this.clock = clock;
    }

    CompletionStage<Snapshot> asOf(Instant eventTime) {
      Snapshot s = current;
      if (!s.loadedAt().isBefore(eventTime)) return CompletableFuture.completedFuture(s);
      Instant loading = clock.instant();
      return rules
          .all()
          .thenApply(
              all -> {
                Map<String, List<Compiled>> byAccount = new HashMap<>();
                for (HookRule r : all) {
                  try {
                    byAccount
                        .computeIfAbsent(r.accountId(), a -> new ArrayList<>())
                        .add(new Compiled(r, r.compiled()));
                  } catch (IllegalArgumentException e) {
                    log.warn(
                        "rule {} of account {} has an invalid pattern; skipped",
                        r.name(),
                        r.accountId());
                  }
                }
                Snapshot next = new Snapshot(loading, byAccount);
                current = next;
                return next;
              });
    }
  }
}
