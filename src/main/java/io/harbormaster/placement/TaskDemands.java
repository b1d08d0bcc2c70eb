package io.harbormaster.placement;

import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.scheduler.PlacementConstraint;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;

/** The scheduler's view of a task's needs, built from what the API accepted. */
public final class TaskDemands {
  private TaskDemands() {}

  /**
   * @throws IllegalArgumentException or the scheduler's QueryLanguageException for a malformed rule
   */
  public static TaskDemand of(
      Demand resources,
      String group,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies) {
    List<PlacementConstraint> parsed = constraints.stream().map(TaskDemands::constraint).toList();
    List<PlacementStrategy> ordered =
        strategies.stream().map(s -> PlacementStrategy.of(s.type(), s.field())).toList();
    return resources
        .inGroup(group)
        .withConstraints(parsed)
        .withStrategies(ordered.isEmpty() ? PlacementStrategy.RUN_TASK_DEFAULT : ordered);
  }

  static PlacementConstraint constraint(ConstraintSpec spec) {
    return switch (spec.type()) {
      case "distinctInstance" -> PlacementConstraint.distinctInstance();
      case "memberOf" -> {
        if (spec.expression() == null || spec.expression().isBlank()) {
          throw new IllegalArgumentException("A memberOf constraint needs an expression.");
        }
        yield PlacementConstraint.memberOf(spec.expression());
      }
      default ->
          throw new IllegalArgumentException("Unknown placement constraint type: " + spec.type());
    };
  }
}
