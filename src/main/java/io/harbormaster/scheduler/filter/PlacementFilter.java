package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.Optional;

/**
 * A feasibility rule: can this instance take this task at all? Like a kube-scheduler filter plugin
 * it has a constant name, and like nomad's feasibility checkers it says why it said no — the reason
 * string ECS puts in RunTask's {@code failures[]}. Filters are stateless; the snapshot carries
 * everything they look at.
 */
public interface PlacementFilter {

  /** A stable name for logs and metrics. */
  String name();

  /** Empty when the instance passes, else the ECS reason it was rejected for. */
  Optional<String> reject(InstanceSnapshot instance, TaskDemand demand);

  /**
   * Every filter, in the order ECS documents: is the instance usable at all (status, agent,
   * required attributes), then CPU, memory and ports, then the placement constraints. The first
   * rejection is the instance's reason, so an instance is reported once, for its most basic
   * shortcoming.
   */
  List<PlacementFilter> ALL =
      List.of(
          ActiveInstanceFilter.INSTANCE,
          AgentConnectedFilter.INSTANCE,
          AttributeFilter.INSTANCE,
          CpuFilter.INSTANCE,
          MemoryFilter.INSTANCE,
          GpuFilter.INSTANCE,
          PortFilter.TCP,
          PortFilter.UDP,
          DistinctInstanceFilter.INSTANCE,
          MemberOfFilter.INSTANCE);

  /**
   * The filters on what an instance has left (CPU, memory, GPUs, ports), in {@link #ALL}'s order:
   * what the instance itself checks again when it is asked to hold a task's resources, since
   * placement chose it on a snapshot that may be stale. The rest of {@link #ALL} is placement's
   * choice (and StartTask names its instances itself).
   */
  List<PlacementFilter> RESOURCES =
      List.of(
          CpuFilter.INSTANCE,
          MemoryFilter.INSTANCE,
          GpuFilter.INSTANCE,
          PortFilter.TCP,
          PortFilter.UDP);

  /** The first rejection among {@code filters}, or empty when the instance passes them all. */
  static Optional<String> firstRejection(
      List<PlacementFilter> filters, InstanceSnapshot instance, TaskDemand demand) {
    for (PlacementFilter filter : filters) {
      Optional<String> reason = filter.reject(instance, demand);
      if (reason.isPresent()) return reason;
    }
    return Optional.empty();
  }
}
