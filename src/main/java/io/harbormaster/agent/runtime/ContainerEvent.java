package io.harbormaster.agent.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something happened to a container: it exited ({@link Type#DIE}), hit its memory limit ({@link
 * Type#OOM}; a {@code DIE} follows), or its health check changed ({@link Type#HEALTH_STATUS}).
 * Events only tell the agent to look: the container's {@link ContainerState} stays the truth
 * (events can be lost while the agent is down).
 *
 * @param exitCode for {@code DIE}, else null
 * @param health for {@code HEALTH_STATUS}, else null
 * @param attributes what the engine sends along: the container's labels (task ARN, container name)
 *     and, from Docker, {@code name}, {@code image} and {@code exitCode}
 */
public record ContainerEvent(
    Type type,
    String containerId,
    Instant time,
    Integer exitCode,
    ContainerState.Health health,
    Map<String, String> attributes) {

  public ContainerEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(containerId, "containerId");
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }

  public enum Type {
    DIE,
    OOM,
    HEALTH_STATUS
  }
}
