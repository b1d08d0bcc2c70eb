package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.List;

/** DescribeContainerInstances decoded once: the instances as given (ids or ARNs), in order. */
record DescribeContainerInstancesRequest(String cluster, List<String> instances, boolean tags) {
  private static final int MAX_DESCRIBE = 100;

  static DescribeContainerInstancesRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "containerInstances");
    if (refs.isEmpty()) {
      throw EcsException.invalidParameter("Container Instances cannot be empty."); // ECS's words
    }
    if (refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter(
          "containerInstances must name 1 to " + MAX_DESCRIBE + " instances.");
    }
    return new DescribeContainerInstancesRequest(cluster, refs, JsonViews.includes(input, "TAGS"));
  }
}
