package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * Only ACTIVE instances get new tasks. DRAINING ones are being emptied on purpose; the others are
 * not (or no longer) part of the cluster.
 */
public final class ActiveInstanceFilter implements PlacementFilter {

  public static final String NAME = "ActiveInstance";

  /** ECS documents INACTIVE for StartTask onto a deregistered instance. */
  public static final String INACTIVE = "INACTIVE";

  /**
   * ECS documents no reason for a draining instance; Harbormaster names the status so the cause is
   * plain.
   */
  public static final String DRAINING = "DRAINING";

  public static final ActiveInstanceFilter INSTANCE = new ActiveInstanceFilter();

  private ActiveInstanceFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    switch (instance.status()) {
      case ACTIVE:
        return Optional.empty();
      case DRAINING:
        return Optional.of(DRAINING);
      case REGISTERING:
      case REGISTRATION_FAILED:
      case DEREGISTERING:
      case INACTIVE:
        return Optional.of(INACTIVE);
    }
    throw new AssertionError(instance.status());
  }
}
