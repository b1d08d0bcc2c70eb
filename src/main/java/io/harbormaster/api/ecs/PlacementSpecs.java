package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.List;

/**
 * The placementConstraints and placementStrategy members of RunTask, CreateService, UpdateService
 * and task definitions as written; their meaning is checked where they are compiled
 * (placement/TaskDemands).
 */
final class PlacementSpecs {
  private PlacementSpecs() {}

  static List<ConstraintSpec> constraints(JsonNode node) {
    List<ConstraintSpec> out = new ArrayList<>();
    for (JsonNode c : node) {
      out.add(
          new ConstraintSpec(
              c.path("type").asText(), JsonViews.text(c, "expression").orElse(null)));
    }
    return out;
  }

  static List<StrategySpec> strategies(JsonNode node) {
    List<StrategySpec> out = new ArrayList<>();
    for (JsonNode s : node) {
      out.add(new StrategySpec(s.path("type").asText(), JsonViews.text(s, "field").orElse(null)));
    }
    return out;
  }
}
