package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * A task whose containers ask for GPUs ({@code resourceRequirements}) needs that many free on the
 * instance; an instance that registered none never takes it.
 */
public final class GpuFilter implements PlacementFilter {

  public static final String NAME = "Gpu";

  /** ECS API failure reasons: {@code RESOURCE:*} with the resource's name, here GPU. */
  public static final String REASON = "RESOURCE:GPU";

  public static final GpuFilter INSTANCE = new GpuFilter();

  private GpuFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    return demand.gpus() <= instance.remaining().gpus() ? Optional.empty() : Optional.of(REASON);
  }
}
