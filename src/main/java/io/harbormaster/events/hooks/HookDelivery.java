package io.harbormaster.events.hooks;

import io.harbormaster.events.EcsEvent;
import io.harbormaster.events.EventsSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one event to one rule: tries, backs off, tries again; after the last attempt the event
 * goes to the rule's dead-letter list. Completes only when the event is delivered or dead-lettered,
 * so a dispatcher that stores its offset after this never skips an event (a crash in between
 * delivers it again: at least once).
 */
public final class HookDelivery {
  private static final Logger log = LoggerFactory.getLogger(HookDelivery.class);

  private final ActorSystem<?> system;
  private final WebhookClient client;
  private final DeadLetters deadLetters;
  private final EventsSettings.Hooks settings;
  private final Clock clock;

  /**
   * Rules whose last delivery was dead-lettered, until when their events skip straight to the dead
   * letters.
   */
  private final Map<String, Instant> suspended = new ConcurrentHashMap<>();

  public HookDelivery(
      ActorSystem<?> system,
      WebhookClient client,
      DeadLetters deadLetters,
      EventsSettings.Hooks settings,
      Clock clock) {
    this.system = system;
    this.client = client;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.clock = clock;
  }

  public CompletionStage<Done> deliver(HookRule rule, EcsEvent event) {
    String body = event.toJson().toString();
    String key = rule.accountId() + "/" + rule.name();
    Instant until = suspended.get(key);
    if (until != null && clock.instant().isBefore(until)) {
      return deadLetter(
          rule, event, body, 0, "not tried: the rule's target failed every attempt recently");
    }
    return attempt(rule, event, body, 1);
  }

  private CompletionStage<Done> attempt(HookRule rule, EcsEvent event, String body, int attempt) {
    return client
        .post(rule, event.id(), body)
        .thenCompose(
            failure -> {
              if (failure == null) {
                suspended.remove(rule.accountId() + "/" + rule.name());
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              if (attempt >= settings.maxAttempts()) {
                log.info(
                    "webhook {} of account {}: event {} failed {} times ({}); dead-lettered",
                    rule.name(),
                    rule.accountId(),
                    event.id(),
                    attempt,
                    failure);
                suspended.put(
                    rule.accountId() + "/" + rule.name(),
                    clock.instant().plus(settings.suspendAfterDeadLetter()));
                return deadLetter(rule, event, body, attempt, failure);
              }
              return Patterns.after(
                  backoff(attempt),
                  system.classicSystem().scheduler(),
                  system.executionContext(),
                  () -> attempt(rule, event, body, attempt + 1));
            });
  }

  private Duration backoff(int attempt) {
    long millis = settings.minBackoff().toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, settings.maxBackoff().toMillis()));
  }

  private CompletionStage<Done> deadLetter(
      HookRule rule, EcsEvent event, String body, int attempts, String error) {
    return deadLetters.add(
        rule,
        event.id(),
        event.resources().isEmpty() ? "" : event.resources().get(0),
        event.version(),
        body,
        attempts,
        error);
  }

  /** Redrive: one more try of a dead letter, now; removed from the list when it succeeds. */
  public CompletionStage<Boolean> redrive(HookRule rule, DeadLetters.DeadLetter letter) {
    return client
        .post(rule, letter.eventId(), letter.body())
        .thenCompose(
            failure ->
                failure != null
                    ? CompletableFuture.completedFuture(false)
                    : deadLetters
                        .remove(letter)
                        .thenApply(
                            done -> {
                              suspended.remove(rule.accountId() + "/" + rule.name());
                              return true;
                            }));
  }
}
