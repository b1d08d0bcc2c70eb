package io.harbormaster.agent.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime knows about one container right now (Docker: {@code inspect}).
 *
 * @param name without Docker's leading slash
 * @param exitCode set once the container has exited, else null
 * @param oomKilled the kernel's OOM killer ended it (its memory limit was reached)
 * @param startedAt null until it has started
 * @param finishedAt null until it has exited
 * @param networkBindings the host ports it is reachable on (host mode: its container ports)
 * @param labels every label, the agent's included: re-adoption reads the task ARN and container
 *     name here
 * @param error the runtime's error message when starting failed (Docker's {@code State.Error}),
 *     else null
 * @param networkAddress its address on a network of the engine's (the task network), else null
 */
public record ContainerState(
    String id,
    String name,
    String image,
    Status status,
    Integer exitCode,
    boolean oomKilled,
    Health health,
    Instant startedAt,
    Instant finishedAt,
    List<NetworkBinding> networkBindings,
    Map<String, String> labels,
    String error,
    NetworkAddress networkAddress) {

  /** The container reason ECS reports for a container killed at its memory limit. */
  public static final String OOM_REASON = "OutOfMemoryError: Container killed due to memory usage";

  public ContainerState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(health, "health");
    networkBindings = List.copyOf(networkBindings == null ? List.of() : networkBindings);
    labels = Map.copyOf(labels == null ? Map.of() : labels);
  }

  /** A container without a network address (host, none, or not on a network). */
  public ContainerState(
      String id,
      String name,
      String image,
      Status status,
      Integer exitCode,
      boolean oomKilled,
      Health health,
      Instant startedAt,
      Instant finishedAt,
      List<NetworkBinding> networkBindings,
      Map<String, String> labels,
      String error) {
    this(
        id,
        name,
        image,
        status,
        exitCode,
        oomKilled,
        health,
        startedAt,
        finishedAt,
        networkBindings,
        labels,
        error,
        null);
  }

  public Optional<NetworkAddress> address() {
    return Optional.ofNullable(networkAddress);
  }

  public boolean running() {
    return status == Status.RUNNING;
  }

  public boolean exited() {
    return status == Status.EXITED;
  }

  /**
   * The reason the agent reports for a stopped container, when the runtime knows one: {@link
   * #OOM_REASON} when it was OOM-killed.
   */
  public Optional<String> stoppedReason() {
    return oomKilled ? Optional.of(OOM_REASON) : Optional.empty();
  }

  public Optional<String> label(String key) {
    return Optional.ofNullable(labels.get(key));
  }

  /** Ordered: a container only moves forward. */
  public enum Status {
    CREATED,
    RUNNING,
    EXITED
  }

  /** ECS's container health: UNKNOWN without a health check and while it is still starting. */
  public enum Health {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN
  }

  /** ECS's {@code networkBindings} member. */
  public record NetworkBinding(
      String bindIP, int containerPort, int hostPort, ContainerSpec.Protocol protocol) {}

  /** The container's interface on a network: its IPv4 address and MAC address. */
  public record NetworkAddress(String network, String ipv4Address, String macAddress) {}
}
