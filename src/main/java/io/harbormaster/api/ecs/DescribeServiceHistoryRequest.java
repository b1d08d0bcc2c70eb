package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.List;

/** DescribeServiceDeployments / DescribeServiceRevisions decoded once: 1 to 20 ARNs. */
record DescribeServiceHistoryRequest(List<String> arns) {
  private static final int MAX_ARNS = 20;

  static DescribeServiceHistoryRequest decode(JsonNode input, String member) {
    List<String> arns = JsonViews.textList(input, member);
    if (arns.isEmpty()) throw EcsException.invalidParameter(member + " cannot be empty.");
    if (arns.size() > MAX_ARNS)
      throw EcsException.invalidParameter(member + " can have at most " + MAX_ARNS + " items.");
    return new DescribeServiceHistoryRequest(arns);
  }
}
