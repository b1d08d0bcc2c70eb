package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/** The task's CPU units must fit in what the instance has left. */
public final class CpuFilter implements PlacementFilter {

  public static final String NAME = "Cpu";

  /** ECS API failure reasons: {@code RESOURCE:*} with the resource's name, here CPU. */
  public static final String REASON = "RESOURCE:CPU";

  public static final CpuFilter INSTANCE = new CpuFilter();

  private CpuFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    return demand.cpu() <= instance.remaining().cpu() ? Optional.empty() : Optional.of(REASON);
  }
}
