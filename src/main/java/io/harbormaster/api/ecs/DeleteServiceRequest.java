package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.views.JsonViews;

/** DeleteService decoded once. */
record DeleteServiceRequest(String cluster, ServiceHandlers.ServiceRef service, boolean force) {

  static DeleteServiceRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    ServiceHandlers.ServiceRef ref =
        ServiceHandlers.ServiceRef.require(
            ctx, cluster, JsonViews.text(input, "service").orElse(""));
    return new DeleteServiceRequest(cluster, ref, input.path("force").asBoolean(false));
  }
}
