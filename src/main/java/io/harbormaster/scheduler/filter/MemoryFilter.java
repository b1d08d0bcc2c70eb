package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/** The task's memory must fit in what the instance has left. */
public final class MemoryFilter implements PlacementFilter {

  public static final String NAME = "Memory";

  /** ECS API failure reasons: {@code RESOURCE:*} with the resource's name, here MEMORY. */
  public static final String REASON = "RESOURCE:MEMORY";

  public static final MemoryFilter INSTANCE = new MemoryFilter();

  private MemoryFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    return demand.memoryMiB() <= instance.remaining().memoryMiB()
        ? Optional.empty()
        : Optional.of(REASON);
  }
}
