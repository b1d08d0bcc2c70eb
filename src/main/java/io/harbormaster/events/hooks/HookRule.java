package io.harbormaster.events.hooks;

import io.harbormaster.events.pattern.EventPattern;
import java.time.Instant;

/**
 * A webhook rule of one account: events matching the pattern are POSTed to the target, signed with
 * the secret. A rule receives the events persisted after it was created.
 */
public record HookRule(
    String accountId,
    String name,
    String pattern,
    String targetUrl,
    String secret,
    Instant createdAt) {

  public EventPattern compiled() {
    return EventPattern.parse(pattern);
  }
}
