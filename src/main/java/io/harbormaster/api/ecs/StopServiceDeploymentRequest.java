package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import io.harbormaster.views.JsonViews;

/** StopServiceDeployment decoded once: only a ROLLBACK (the default) is carried out here. */
record StopServiceDeploymentRequest(ServiceHistoryRef deployment) {
  static StopServiceDeploymentRequest decode(RequestContext ctx, JsonNode input) {
    ServiceHistoryRef ref = ServiceHistoryRef.deployment(ctx, input);
    String stopType = JsonViews.text(input, "stopType").orElse("ROLLBACK");
    if (!stopType.equals("ROLLBACK")) {
      throw new EcsException(
          ErrorType.UNSUPPORTED_FEATURE,
          "The stop type " + stopType + " is not supported; use ROLLBACK.");
    }
    return new StopServiceDeploymentRequest(ref);
  }
}
