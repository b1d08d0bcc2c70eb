package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.views.JsonViews;

/** DeregisterContainerInstance decoded once. */
record DeregisterContainerInstanceRequest(String cluster, String instanceId, boolean force) {

  static DeregisterContainerInstanceRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String instanceId =
        InstanceHandlers.instanceId(
            ctx, cluster, JsonViews.text(input, "containerInstance").orElse(""));
    return new DeregisterContainerInstanceRequest(
        cluster, instanceId, input.path("force").asBoolean(false));
  }
}
