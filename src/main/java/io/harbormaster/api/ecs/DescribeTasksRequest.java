package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.List;

/** DescribeTasks decoded once: the tasks as given (ids or ARNs), in order. */
record DescribeTasksRequest(String cluster, List<String> tasks, boolean tags) {
  private static final int MAX_DESCRIBE = 100;

  static DescribeTasksRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "tasks");
    if (refs.isEmpty()) {
      throw EcsException.invalidParameter("Tasks cannot be empty."); // ECS's words
    }
    if (refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter("tasks must name 1 to " + MAX_DESCRIBE + " tasks.");
    }
    return new DescribeTasksRequest(cluster, refs, JsonViews.includes(input, "TAGS"));
  }
}
