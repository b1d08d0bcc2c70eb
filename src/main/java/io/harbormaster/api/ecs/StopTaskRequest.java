package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;

/** StopTask decoded once: the task's id in its cluster, and why it stops. */
record StopTaskRequest(String cluster, String taskId, String reason) {
  private static final int MAX_REASON = 255;

  static StopTaskRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String taskId =
        TaskHandlers.taskId(ctx, cluster, JsonViews.text(input, "task").orElse(""))
            .orElseThrow(() -> EcsException.invalidParameter("The referenced task was not found."));
    String reason = JsonViews.text(input, "reason").orElse("Task stopped by user");
    if (reason.length() > MAX_REASON)
      throw EcsException.invalidParameter("reason can have at most " + MAX_REASON + " characters.");
    return new StopTaskRequest(cluster, taskId, reason);
  }
}
