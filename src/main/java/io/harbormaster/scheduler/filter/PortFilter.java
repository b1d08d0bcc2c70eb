package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.Resources;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A static host port the task maps must not be taken on the instance. TCP and UDP are separate port
 * spaces and separate ECS resources ({@code PORTS}, {@code PORTS_UDP}), so they are two filters.
 * Dynamic ports (host port 0) reserve nothing up front and never reject.
 */
public final class PortFilter implements PlacementFilter {

  /** ECS API failure reasons: {@code RESOURCE:*} with the resource's name, here PORTS (TCP). */
  public static final String TCP_REASON = "RESOURCE:PORTS";

  /**
   * ECS documents the {@code RESOURCE:*} pattern but shows no UDP example; the UDP resource of a
   * container instance is named {@code PORTS_UDP}, so the reason follows the pattern.
   */
  public static final String UDP_REASON = "RESOURCE:PORTS_UDP";

  public static final PortFilter TCP =
      new PortFilter("TcpPorts", TCP_REASON, TaskDemand::tcpHostPorts, Resources::tcpPorts);
  public static final PortFilter UDP =
      new PortFilter("UdpPorts", UDP_REASON, TaskDemand::udpHostPorts, Resources::udpPorts);

  private final String name;
  private final String reason;
  private final Function<TaskDemand, Set<Integer>> wanted;
  private final Function<Resources, Set<Integer>> taken;

  private PortFilter(
      String name,
      String reason,
      Function<TaskDemand, Set<Integer>> wanted,
      Function<Resources, Set<Integer>> taken) {
    this.name = name;
    this.reason = reason;
    this.wanted = wanted;
    this.taken = taken;
  }

  @Override
  public String name() {
    return name;
  }

  public String reason() {
    return reason;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    Set<Integer> ports = wanted.apply(demand);
    if (ports.isEmpty())
      return Optional.empty(); // most tasks map no static port: nothing to look up
    boolean free = Collections.disjoint(ports, taken.apply(instance.remaining()));
    return free ? Optional.empty() : Optional.of(reason);
  }
}
