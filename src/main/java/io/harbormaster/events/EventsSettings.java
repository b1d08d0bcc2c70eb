package io.harbormaster.events;

import com.typesafe.config.Config;
import java.time.Duration;

/** harbormaster.events: the event stream, the webhooks and the resource states they share. */
public record EventsSettings(
    int stateCacheSize,
    Duration streamKeepAlive,
    int historyPageSize,
    Duration retentionSweepInterval,
    int retentionParallelism,
    Hooks hooks) {

  /**
   * Webhook delivery: each event is tried {@code maxAttempts} times with exponential back-off
   * between {@code minBackoff} and {@code maxBackoff}; a rule whose delivery was dead-lettered
   * sends its next events straight to the dead-letter list for {@code suspendAfterDeadLetter}, so
   * one dead receiver does not hold up the others. Up to {@code parallelism} events of a tag are
   * delivered at once, never two of one resource.
   */
  public record Hooks(
      boolean enabled,
      int maxAttempts,
      Duration minBackoff,
      Duration maxBackoff,
      Duration requestTimeout,
      Duration suspendAfterDeadLetter,
      Duration offsetSaveInterval,
      int parallelism,
      Duration idleCheckInterval,
      Duration ruleClockMargin) {}

  public static EventsSettings from(Config config) {
    Config c = config.getConfig("harbormaster.events");
    Config h = c.getConfig("hooks");
    return new EventsSettings(
        c.getInt("state-cache-size"),
        c.getDuration("stream-keep-alive"),
        c.getInt("history-page-size"),
        c.getDuration("retention-sweep-interval"),
        c.getInt("retention-parallelism"),
        new Hooks(
            h.getBoolean("enabled"),
            h.getInt("max-attempts"),
            h.getDuration("min-backoff"),
            h.getDuration("max-backoff"),
            h.getDuration("request-timeout"),
            h.getDuration("suspend-after-dead-letter"),
            h.getDuration("offset-save-interval"),
            h.getInt("parallelism"),
            h.getDuration("idle-check-interval"),
            h.getDuration("rule-clock-margin")));
  }
}
