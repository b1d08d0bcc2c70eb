package io.harbormaster.agent.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * The result of {@link ContainerRuntime#ensureImage}: the image is present. ECS reports {@code
 * pullStartedAt}/{@code pullStoppedAt} on the task; both are null when nothing was pulled.
 */
public record ImagePull(
    String image, String imageId, boolean pulled, Instant pullStartedAt, Instant pullStoppedAt) {

  public ImagePull {
    Objects.requireNonNull(image, "image");
  }

  public static ImagePull present(String image, String imageId) {
    return new ImagePull(image, imageId, false, null, null);
  }
}
