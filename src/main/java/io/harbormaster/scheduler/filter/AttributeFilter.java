package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.RequiredAttribute;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * The task definition's {@code requiresAttributes}: capabilities the task needs from the instance
 * (a log driver, a Docker API version, task ENIs). Missing one is ECS's ATTRIBUTE failure. A {@code
 * memberOf} constraint written in a task definition is not this: it fails as {@link
 * MemberOfFilter#REASON}, as it does in ECS.
 */
public final class AttributeFilter implements PlacementFilter {

  public static final String NAME = "RequiredAttributes";

  /**
   * ECS API failure reasons: "ATTRIBUTE — your task definition contains a parameter that requires a
   * specific container instance attribute".
   */
  public static final String REASON = "ATTRIBUTE";

  public static final AttributeFilter INSTANCE = new AttributeFilter();

  private AttributeFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    for (RequiredAttribute required : demand.requiredAttributes()) {
      if (!required.isSatisfiedBy(instance)) return Optional.of(REASON);
    }
    return Optional.empty();
  }
}
