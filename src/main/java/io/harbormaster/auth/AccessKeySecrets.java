package io.harbormaster.auth;

import io.harbormaster.account.Account;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Secrets of access keys, read from the owning Account entity (the key id names the account) and
 * kept for a short while so that a request costs no ask in the common case.
 */
public final class AccessKeySecrets {
  private record Cached(Account.AccessKey key, Instant until) {}

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Duration ttl;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  public AccessKeySecrets(ActorSystem<?> system, Duration askTimeout, Duration ttl, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The key, or empty when no account issued it. Failures to reach the account fail the stage. */
  public CompletionStage<Optional<Account.AccessKey>> find(String accessKeyId) {
    Cached cached = cache.get(accessKeyId);
    if (cached != null && cached.until().isAfter(clock.instant())) {
      return CompletableFuture.completedFuture(Optional.of(cached.key()));
    }
    Optional<String> account = Account.accountOfAccessKey(accessKeyId);
    if (account.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    return sharding
        .entityRefFor(Account.ENTITY_KEY, account.get())
        .<Account.AccessKey>askWithStatus(
            replyTo -> new Account.GetSecret(accessKeyId, replyTo), askTimeout)
        .handle(
            (key, failure) -> {
              if (failure == null) {
                cache.put(accessKeyId, new Cached(key, clock.instant().plus(ttl)));
                return Optional.of(key);
              }
              if (io.harbormaster.common.Rejection.of(failure).isPresent())
                return Optional.<Account.AccessKey>empty();
              throw new java.util.concurrent.CompletionException(failure);
            });
  }
}
