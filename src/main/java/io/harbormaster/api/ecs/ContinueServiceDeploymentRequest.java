package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.views.JsonViews;

/** ContinueServiceDeployment decoded once: a lifecycle hook of a service deployment. */
record ContinueServiceDeploymentRequest(ServiceHistoryRef deployment, String hookId) {
  static ContinueServiceDeploymentRequest decode(RequestContext ctx, JsonNode input) {
    return new ContinueServiceDeploymentRequest(
        ServiceHistoryRef.deployment(ctx, input), JsonViews.text(input, "hookId").orElse(""));
  }
}
