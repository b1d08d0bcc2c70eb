package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.views.JsonViews;
import java.util.List;

/** UpdateContainerInstancesState decoded once: the instances as given, and ACTIVE or DRAINING. */
record UpdateContainerInstancesStateRequest(
    String cluster, List<String> instances, ContainerInstance.Status status) {
  private static final int MAX_UPDATE = 10;

  static UpdateContainerInstancesStateRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "containerInstances");
    if (refs.isEmpty() || refs.size() > MAX_UPDATE) {
      throw EcsException.invalidParameter(
          "containerInstances must name 1 to " + MAX_UPDATE + " instances.");
    }
    String statusText = JsonViews.text(input, "status").orElse("");
    if (!statusText.equals("ACTIVE") && !statusText.equals("DRAINING")) {
      throw EcsException.invalidParameter(
          "status must be ACTIVE or DRAINING, not '" + statusText + "'.");
    }
    return new UpdateContainerInstancesStateRequest(
        cluster, refs, ContainerInstance.Status.valueOf(statusText));
  }
}
