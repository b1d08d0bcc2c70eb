package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementConstraint;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * {@code memberOf}: the instance must satisfy every such constraint's cluster query language
 * expression.
 */
public final class MemberOfFilter implements PlacementFilter {

  public static final String NAME = "MemberOf";

  /**
   * The reason ECS reports, in RunTask failures and in service events ("…encountered error
   * \"this\"").
   */
  public static final String REASON = "MemberOf placement constraint unsatisfied.";

  public static final MemberOfFilter INSTANCE = new MemberOfFilter();

  private MemberOfFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    for (PlacementConstraint constraint : demand.constraints()) {
      if (constraint instanceof PlacementConstraint.MemberOf memberOf
          && !memberOf.query().matches(instance)) {
        return Optional.of(REASON);
      }
    }
    return Optional.empty();
  }
}
