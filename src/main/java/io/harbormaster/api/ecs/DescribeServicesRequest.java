package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.List;

/** DescribeServices decoded once: the services as given (names or ARNs), in order. */
record DescribeServicesRequest(String cluster, List<String> services, boolean tags) {
  private static final int MAX_DESCRIBE = 10;

  static DescribeServicesRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "services");
    if (refs.isEmpty() || refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter("services must name 1 to " + MAX_DESCRIBE + " services.");
    }
    return new DescribeServicesRequest(cluster, refs, JsonViews.includes(input, "TAGS"));
  }
}
