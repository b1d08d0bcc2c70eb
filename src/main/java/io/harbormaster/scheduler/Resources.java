package io.harbormaster.scheduler;

import java.util.HashSet;
import java.util.Set;

/**
 * CPU units, memory in MiB and the host ports that are taken, as ECS reports a container instance's
 * {@code registeredResources} and {@code remainingResources} ({@code CPU}, {@code MEMORY}, {@code
 * PORTS}, {@code PORTS_UDP}, {@code GPU} as a count). The port sets list ports in use — reserved at
 * registration (22, 2375, 51678, …) or by tasks — not ports that are free, because that is how ECS
 * reports them.
 */
public record Resources(
    int cpu, int memoryMiB, Set<Integer> tcpPorts, Set<Integer> udpPorts, int gpus) {

  public Resources {
    tcpPorts = Set.copyOf(tcpPorts);
    udpPorts = Set.copyOf(udpPorts);
  }

  /** An instance without GPUs. */
  public Resources(int cpu, int memoryMiB, Set<Integer> tcpPorts, Set<Integer> udpPorts) {
    this(cpu, memoryMiB, tcpPorts, udpPorts, 0);
  }

  public static Resources of(int cpu, int memoryMiB) {
    return new Resources(cpu, memoryMiB, Set.of(), Set.of());
  }

  /**
   * What remains after a task with this demand is placed: less CPU and memory, its host ports
   * taken.
   */
  public Resources minus(TaskDemand demand) {
    return new Resources(
        cpu - demand.cpu(),
        memoryMiB - demand.memoryMiB(),
        union(tcpPorts, demand.tcpHostPorts()),
        union(udpPorts, demand.udpHostPorts()),
        gpus - demand.gpus());
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    if (b.isEmpty()) return a;
    Set<Integer> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
