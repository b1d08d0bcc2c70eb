package io.harbormaster.service;

/**
 * The counts a deployment moves within, from the desired count and the deployment configuration's
 * percentages: {@code minHealthy} = ⌈desired × minimumHealthyPercent / 100⌉ healthy RUNNING tasks
 * the scheduler's own stops never go below, {@code maxTotal} = ⌊desired × maximumPercent / 100⌋
 * non-stopped tasks its launches never go above (ECS rounds the same ways).
 */
public record RolloutBounds(int desired, int minHealthy, int maxTotal) {

  public static RolloutBounds of(int desired, int minimumHealthyPercent, int maximumPercent) {
    long d = Math.max(0, desired);
    long min = (d * Math.max(0, minimumHealthyPercent) + 99) / 100;
    long max = d * Math.max(0, maximumPercent) / 100;
    return new RolloutBounds(
        (int) d, (int) Math.min(min, Integer.MAX_VALUE), (int) Math.min(max, Integer.MAX_VALUE));
  }

  /**
   * Failed tasks that trip the deployment circuit breaker: ⌈0.5 × desired⌉, at least 3, at most
   * 200.
   */
  public static int circuitBreakerThreshold(int desired) {
    int half = (Math.max(0, desired) + 1) / 2;
    return Math.min(200, Math.max(3, half));
  }
}
