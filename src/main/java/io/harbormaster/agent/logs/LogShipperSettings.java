package io.harbormaster.agent.logs;

import java.time.Duration;

/**
 * How the agent ships container output.
 *
 * @param maxBatchEvents lines in one batch at most (CloudWatch's PutLogEvents takes 10,000)
 * @param maxBatchBytes text in one batch at most
 * @param linger how long a batch waits for more lines once it has one
 * @param answerTimeout how long a sent batch waits for the control plane's answer before it goes
 *     again
 * @param retryDelay the pause before a batch goes again after a refusal or while disconnected
 * @param scanInterval how often the agent looks for containers whose output it does not read yet
 * @param bufferedLines lines read ahead of what was sent; the reading waits beyond that (the engine
 *     keeps the rest in the container's log)
 */
public record LogShipperSettings(
    int maxBatchEvents,
    int maxBatchBytes,
    Duration linger,
    Duration answerTimeout,
    Duration retryDelay,
    Duration scanInterval,
    int bufferedLines) {

  public static final LogShipperSettings DEFAULTS =
      new LogShipperSettings(
          1_000,
          256 * 1024,
          Duration.ofMillis(100),
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          10_000);
}
