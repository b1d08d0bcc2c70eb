package io.harbormaster.agent.runtime;

import java.time.Instant;

/**
 * The image was absent and could not be pulled. ECS reports this as {@code
 * CannotPullContainerError}; the pull times are still reported on the task.
 */
public class ImagePullException extends ContainerRuntimeException {

  private final Instant pullStartedAt;
  private final Instant pullStoppedAt;

  public ImagePullException(
      String image, String reason, Instant pullStartedAt, Instant pullStoppedAt, Throwable cause) {
    super("CannotPullContainerError: " + image + ": " + reason, cause);
    this.pullStartedAt = pullStartedAt;
    this.pullStoppedAt = pullStoppedAt;
  }

  public Instant pullStartedAt() {
    return pullStartedAt;
  }

  public Instant pullStoppedAt() {
    return pullStoppedAt;
  }
}
