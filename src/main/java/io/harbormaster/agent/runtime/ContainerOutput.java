package io.harbormaster.agent.runtime;

import java.time.Instant;

/**
 * What a container printed, line by line, as the engine gives it back ({@link
 * ContainerRuntime#followOutput}): the engine's timestamp of the line (nanosecond precision), its
 * text without the line end, and whether it came from stderr.
 */
public record ContainerOutput(Instant timestamp, String text, boolean stderr) {

  /** Receives a container's output on a thread of the runtime's; it may block to slow it down. */
  public interface Listener {
    void onLine(ContainerOutput line);

    /**
     * The output ended: the container stopped ({@code failure} null), or reading failed or was
     * closed.
     */
    void onEnd(Throwable failure);
  }
}
