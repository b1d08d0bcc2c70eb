package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * {@code distinctInstance}: "each task in a particular group is running on a different container
 * instance", so an instance that already holds a task of the demand's group is out. Within a batch
 * the scheduler records each placed task in the snapshot, so the rule also holds between the tasks
 * of one RunTask call.
 */
public final class DistinctInstanceFilter implements PlacementFilter {

  public static final String NAME = "DistinctInstance";

  /**
   * The reason real RunTask calls return, e.g. {@code {"arn": "…container-instance/…", "reason":
   * this}}.
   */
  public static final String REASON = "DistinctInstance placement constraint unsatisfied.";

  public static final DistinctInstanceFilter INSTANCE = new DistinctInstanceFilter();

  private DistinctInstanceFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    if (!demand.hasDistinctInstance()) return Optional.empty();
    return instance.tasksInGroup(demand.group()) == 0 ? Optional.empty() : Optional.of(REASON);
  }
}
