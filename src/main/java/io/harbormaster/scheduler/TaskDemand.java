package io.harbormaster.scheduler;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one task needs from an instance, and the rules for choosing it.
 *
 * @param cpu CPU units the task reserves (the task-level value, or the sum over its containers)
 * @param memoryMiB memory the task reserves (task-level, or the sum of each container's memory or
 *     memoryReservation)
 * @param tcpHostPorts static TCP host ports; 0 means a dynamic port, which reserves nothing ahead
 *     of time and is dropped here
 * @param udpHostPorts static UDP host ports, likewise
 * @param group the task group: {@code service:<name>} for service tasks, {@code family:<family>} by
 *     default for standalone tasks, or the RunTask {@code group}
 * @param requiredAttributes the task definition's {@code requiresAttributes}
 * @param constraints the task definition's and the request's placement constraints together
 * @param strategies the placement strategies in order; empty means every feasible instance is
 *     equally good and one is picked at random (see {@link PlacementStrategy#RUN_TASK_DEFAULT})
 * @param gpus GPUs the task's containers ask for in {@code resourceRequirements}
 */
public record TaskDemand(
    int cpu,
    int memoryMiB,
    Set<Integer> tcpHostPorts,
    Set<Integer> udpHostPorts,
    String group,
    List<RequiredAttribute> requiredAttributes,
    List<PlacementConstraint> constraints,
    List<PlacementStrategy> strategies,
    int gpus) {

  public TaskDemand {
    if (gpus < 0) throw new IllegalArgumentException("gpus must not be negative: " + gpus);
    if (cpu < 0) throw new IllegalArgumentException("cpu must not be negative: " + cpu);
    if (memoryMiB < 0)
      throw new IllegalArgumentException("memory must not be negative: " + memoryMiB);
    tcpHostPorts = staticPorts(tcpHostPorts);
    udpHostPorts = staticPorts(udpHostPorts);
    Objects.requireNonNull(group, "group");
    if (group.isBlank()) throw new IllegalArgumentException("group must not be blank");
    requiredAttributes = List.copyOf(requiredAttributes);
    constraints = List.copyOf(constraints);
    strategies = List.copyOf(strategies);
  }

  /** A demand without GPUs. */
  public TaskDemand(
      int cpu,
      int memoryMiB,
      Set<Integer> tcpHostPorts,
      Set<Integer> udpHostPorts,
      String group,
      List<RequiredAttribute> requiredAttributes,
      List<PlacementConstraint> constraints,
      List<PlacementStrategy> strategies) {
    this(
        cpu,
        memoryMiB,
        tcpHostPorts,
        udpHostPorts,
        group,
        requiredAttributes,
        constraints,
        strategies,
        0);
  }

  /** A demand for resources only: no ports, attributes, constraints or strategies. */
  public static TaskDemand of(int cpu, int memoryMiB, String group) {
    return new TaskDemand(
        cpu, memoryMiB, Set.of(), Set.of(), group, List.of(), List.of(), List.of());
  }

  public TaskDemand withPorts(Set<Integer> tcp, Set<Integer> udp) {
    return new TaskDemand(
        cpu, memoryMiB, tcp, udp, group, requiredAttributes, constraints, strategies, gpus);
  }

  public TaskDemand withGpus(int count) {
    return new TaskDemand(
        cpu,
        memoryMiB,
        tcpHostPorts,
        udpHostPorts,
        group,
        requiredAttributes,
        constraints,
        strategies,
        count);
  }

  public TaskDemand withRequiredAttributes(List<RequiredAttribute> attributes) {
    return new TaskDemand(
        cpu,
        memoryMiB,
        tcpHostPorts,
        udpHostPorts,
        group,
        attributes,
        constraints,
        strategies,
        gpus);
  }

  public TaskDemand withConstraints(List<PlacementConstraint> list) {
    return new TaskDemand(
        cpu,
        memoryMiB,
        tcpHostPorts,
        udpHostPorts,
        group,
        requiredAttributes,
        list,
        strategies,
        gpus);
  }

  public TaskDemand withStrategies(List<PlacementStrategy> list) {
    return new TaskDemand(
        cpu,
        memoryMiB,
        tcpHostPorts,
        udpHostPorts,
        group,
        requiredAttributes,
        constraints,
        list,
        gpus);
  }

  public boolean hasDistinctInstance() {
    return constraints.stream().anyMatch(c -> c instanceof PlacementConstraint.DistinctInstance);
  }

  private static Set<Integer> staticPorts(Set<Integer> ports) {
    for (int port : ports) {
      if (port < 0 || port > 65_535) throw new IllegalArgumentException("not a port: " + port);
    }
    return ports.stream().filter(p -> p != 0).collect(Collectors.toUnmodifiableSet());
  }
}
