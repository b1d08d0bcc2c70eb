package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.EcsException;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.views.JsonViews;
import java.util.List;

/**
 * UpdateService decoded once. Members left out are null (kept as they are); what depends on the
 * service as it is (its scheduling strategy, its deployment settings) is checked by {@link
 * #checkedAgainst} once the service has answered.
 */
record UpdateServiceRequest(
    String cluster,
    ServiceHandlers.ServiceRef service,
    Integer desiredCount,
    Integer healthCheckGracePeriodSeconds,
    boolean forceNewDeployment,
    String taskDefinition,
    ServiceMembers.DeploymentPatch deployment,
    List<ConstraintSpec> constraints,
    List<StrategySpec> strategies,
    List<CapacityProviderStrategyItem> capacityProviderStrategy) {

  static UpdateServiceRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    ServiceMembers.checkNetworkingMembers(input);
    ServiceHandlers.ServiceRef ref =
        ServiceHandlers.ServiceRef.require(
            ctx, cluster, JsonViews.text(input, "service").orElse(""));
    Integer desiredCount =
        input.hasNonNull("desiredCount") ? ServiceMembers.desiredCount(input) : null;
    Integer grace = ServiceMembers.gracePeriod(input);
    boolean force = input.path("forceNewDeployment").asBoolean(false);
    String taskDefinition = JsonViews.text(input, "taskDefinition").orElse(null);
    ServiceMembers.DeploymentPatch deployment =
        input.hasNonNull("deploymentConfiguration")
            ? ServiceMembers.DeploymentPatch.decode(input.get("deploymentConfiguration"))
            : null;
    List<ConstraintSpec> constraints =
        input.hasNonNull("placementConstraints")
            ? PlacementSpecs.constraints(input.get("placementConstraints"))
            : null;
    List<StrategySpec> strategies =
        input.hasNonNull("placementStrategy")
            ? PlacementSpecs.strategies(input.get("placementStrategy"))
            : null;
    // Null when left out (kept as it is).
    List<CapacityProviderStrategyItem> capacityProviderStrategy =
        CapacityProviderStrategies.given(input, "capacityProviderStrategy")
            ? CapacityProviderStrategies.decode(input, "capacityProviderStrategy")
            : null;
    return new UpdateServiceRequest(
        cluster,
        ref,
        desiredCount,
        grace,
        force,
        taskDefinition,
        deployment,
        constraints,
        strategies,
        capacityProviderStrategy);
  }

  /** The changes, checked against the service as it is. */
  Checked checkedAgainst(ServiceSpec current) {
    SchedulingStrategy scheduling = current.scheduling();
    DeploymentSettings settings =
        deployment != null ? deployment.appliedTo(current.deploymentConfiguration()) : null;
    List<ConstraintSpec> checkedConstraints =
        constraints != null ? ServiceMembers.checkedConstraints(constraints) : null;
    List<StrategySpec> checkedStrategies =
        strategies != null ? ServiceMembers.checkedStrategies(strategies, scheduling) : null;
    if (desiredCount != null && scheduling == SchedulingStrategy.DAEMON) {
      throw EcsException.invalidParameter(
          "The desired count cannot be set for a service with the DAEMON "
              + "scheduling strategy.");
    }
    return new Checked(settings, checkedConstraints, checkedStrategies);
  }

  /** The changed members that depend on the service as it is; null when left out. */
  record Checked(
      DeploymentSettings deployment,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies) {}
}
