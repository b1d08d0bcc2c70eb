package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Tag;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.views.JsonViews;
import java.util.List;

/**
 * CreateService decoded once and checked as far as it can be without an entity (the cluster and the
 * task definition are asked for afterwards).
 */
record CreateServiceRequest(
    String cluster,
    String serviceName,
    SchedulingStrategy scheduling,
    String launchType,
    String taskDefinition,
    int desiredCount,
    DeploymentSettings deployment,
    List<ConstraintSpec> constraints,
    List<StrategySpec> strategies,
    Integer healthCheckGracePeriodSeconds,
    List<Tag> tags,
    JsonNode networkConfiguration,
    List<CapacityProviderStrategyItem> capacityProviderStrategy) {

  static CreateServiceRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String name = JsonViews.text(input, "serviceName").orElse("");
    if (!EcsNames.isValidName(name)) {
      throw EcsException.invalidParameter(
          "Invalid service name '"
              + name
              + "': up to 255 letters (uppercase and "
              + "lowercase), numbers, underscores, and hyphens are allowed.");
    }
    ServiceMembers.checkNetworkingMembers(input);
    SchedulingStrategy scheduling =
        ServiceMembers.scheduling(JsonViews.text(input, "schedulingStrategy").orElse("REPLICA"));
    CapacityProviderStrategies.requireNotBoth(input, "capacityProviderStrategy");
    // Null when not given: then the strategy, or the cluster's default strategy, or EC2.
    String launchType =
        JsonViews.text(input, "launchType").map(ServiceMembers::launchType).orElse(null);
    List<CapacityProviderStrategyItem> capacityProviderStrategy =
        CapacityProviderStrategies.decode(input, "capacityProviderStrategy");
    if (scheduling == SchedulingStrategy.DAEMON && !capacityProviderStrategy.isEmpty()) {
      throw EcsException.invalidParameter(
          "Capacity provider strategies are not supported for services with the DAEMON scheduling"
              + " strategy.");
    }
    if (JsonViews.text(input, "platformVersion").isPresent()
        && capacityProviderStrategy.isEmpty()) {
      // ECS's words: a platform version belongs to Fargate
      throw EcsException.invalidParameter(
          "The platform version must be null when specifying an "
              + (launchType == null ? "EC2" : launchType)
              + " launch type.");
    }
    String taskDefinition =
        JsonViews.text(input, "taskDefinition")
            .orElseThrow(
                () -> EcsException.invalidParameter("A task definition must be specified."));
    int desiredCount;
    if (scheduling == SchedulingStrategy.REPLICA) {
      if (!input.hasNonNull("desiredCount")) {
        throw EcsException.invalidParameter(
            "The desired count must be specified for the REPLICA scheduling " + "strategy.");
      }
      desiredCount = ServiceMembers.desiredCount(input);
    } else {
      desiredCount = 0;
    }
    ServiceMembers.DeploymentPatch patch =
        ServiceMembers.DeploymentPatch.decode(input.path("deploymentConfiguration"));
    DeploymentSettings defaults = ServiceMembers.defaults(scheduling);
    DeploymentSettings deployment = patch == null ? defaults : patch.appliedTo(defaults);
    List<ConstraintSpec> constraints =
        ServiceMembers.checkedConstraints(
            PlacementSpecs.constraints(input.path("placementConstraints")));
    List<StrategySpec> strategies =
        ServiceMembers.checkedStrategies(
            PlacementSpecs.strategies(input.path("placementStrategy")), scheduling);
    Integer grace = ServiceMembers.gracePeriod(input);
    List<Tag> tags = ResourceRefs.tags(input, "tags");
    return new CreateServiceRequest(
        cluster,
        name,
        scheduling,
        launchType,
        taskDefinition,
        desiredCount,
        deployment,
        constraints,
        strategies,
        grace,
        tags,
        JsonViews.member(input, "networkConfiguration").orElse(null),
        capacityProviderStrategy);
  }
}
