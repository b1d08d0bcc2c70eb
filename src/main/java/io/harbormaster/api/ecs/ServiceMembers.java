package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import java.util.List;

/** The members CreateService, UpdateService and ListServices share, decoded and checked. */
final class ServiceMembers {
  private static final int MAX_CONSTRAINTS = 10;
  private static final int MAX_STRATEGIES = 5;

  private ServiceMembers() {}

  static SchedulingStrategy scheduling(String text) {
    try {
      return SchedulingStrategy.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw EcsException.invalidParameter(
          "schedulingStrategy must be REPLICA or DAEMON, not '" + text + "'.");
    }
  }

  static String launchType(String text) {
    if (text.equals("EC2") || text.equals("EXTERNAL")) return text;
    throw EcsException.invalidParameter(
        "launchType "
            + text
            + " is not supported here: services run on the "
            + "cluster's container instances (EC2 or EXTERNAL).");
  }

  /**
   * Members this control plane does not honour yet are refused rather than dropped: {@code
   * loadBalancers} and {@code serviceRegistries}. An {@code awsvpcConfiguration} is checked as ECS
   * checks it (its tasks get awsvpc networking from the task definition).
   */
  static void checkNetworkingMembers(JsonNode input) {
    for (String member : List.of("loadBalancers", "serviceRegistries")) {
      JsonNode value = input.get(member);
      if (value != null && value.isArray() && !value.isEmpty()) {
        throw EcsException.invalidParameter(
            member + " are not supported by this control plane yet.");
      }
    }
    JsonNode awsvpc = input.path("networkConfiguration").path("awsvpcConfiguration");
    if (awsvpc.isObject()) {
      JsonNode subnets = awsvpc.get("subnets");
      if (subnets == null || !subnets.isArray() || subnets.isEmpty()) {
        throw EcsException.invalidParameter("subnets can not be empty."); // ECS's words
      }
      if (awsvpc.path("securityGroups").size() > 5) {
        throw EcsException.invalidParameter("securityGroups can have at most 5 items.");
      }
      if (subnets.size() > 16) {
        throw EcsException.invalidParameter("subnets can have at most 16 items.");
      }
    }
  }

  static int desiredCount(JsonNode input) {
    JsonNode n = input.get("desiredCount");
    if (!n.canConvertToInt() || n.asInt() < 0) {
      throw EcsException.invalidParameter("The desired count must be zero or more.");
    }
    return n.asInt();
  }

  static Integer gracePeriod(JsonNode input) {
    if (!input.hasNonNull("healthCheckGracePeriodSeconds")) return null;
    int seconds = input.get("healthCheckGracePeriodSeconds").asInt();
    if (seconds < 0)
      throw EcsException.invalidParameter("healthCheckGracePeriodSeconds must be zero or more.");
    return seconds;
  }

  static DeploymentSettings defaults(SchedulingStrategy scheduling) {
    return scheduling == SchedulingStrategy.DAEMON
        ? new DeploymentSettings(0, 100, false, false)
        : new DeploymentSettings(100, 200, false, false);
  }

  /** A deploymentConfiguration as given: members left out (null) keep the value they change. */
  record DeploymentPatch(
      Integer minimumHealthyPercent, Integer maximumPercent, Boolean enable, Boolean rollback) {

    /** Null when the request has no deploymentConfiguration. */
    static DeploymentPatch decode(JsonNode node) {
      if (node == null || node.isMissingNode() || node.isNull()) return null;
      JsonNode breaker = node.path("deploymentCircuitBreaker");
      return new DeploymentPatch(
          node.hasNonNull("minimumHealthyPercent")
              ? node.get("minimumHealthyPercent").asInt()
              : null,
          node.hasNonNull("maximumPercent") ? node.get("maximumPercent").asInt() : null,
          breaker.hasNonNull("enable") ? breaker.get("enable").asBoolean() : null,
          breaker.hasNonNull("rollback") ? breaker.get("rollback").asBoolean() : null);
    }

    /** The settings {@code base} becomes, checked. */
    DeploymentSettings appliedTo(DeploymentSettings base) {
      int min =
          minimumHealthyPercent != null ? minimumHealthyPercent : base.minimumHealthyPercent();
      int max = maximumPercent != null ? maximumPercent : base.maximumPercent();
      boolean enabled = enable != null ? enable : base.circuitBreakerEnabled();
      boolean rolledBack = rollback != null ? rollback : base.rollback();
      if (min < 0 || min > 100) {
        throw EcsException.invalidParameter(
            "minimumHealthyPercent must be between 0 and 100, not " + min + ".");
      }
      if (max < 100) {
        throw EcsException.invalidParameter(
            "maximumPercent must be at least 100, not " + max + ".");
      }
      return new DeploymentSettings(min, max, enabled, rolledBack);
    }
  }

  static List<ConstraintSpec> checkedConstraints(List<ConstraintSpec> constraints) {
    if (constraints.size() > MAX_CONSTRAINTS) {
      throw EcsException.invalidParameter(
          "A service can have at most " + MAX_CONSTRAINTS + " placement constraints.");
    }
    return constraints;
  }

  static List<StrategySpec> checkedStrategies(
      List<StrategySpec> strategies, SchedulingStrategy scheduling) {
    if (strategies.size() > MAX_STRATEGIES) {
      throw EcsException.invalidParameter(
          "A service can have at most " + MAX_STRATEGIES + " placement strategies.");
    }
    if (!strategies.isEmpty() && scheduling == SchedulingStrategy.DAEMON) {
      throw EcsException.invalidParameter(
          "Placement strategies are not supported with the DAEMON scheduling " + "strategy.");
    }
    return strategies;
  }
}
