package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.List;

/**
 * DescribeClusters decoded once: the clusters as given (names or ARNs; "default" when none), and
 * what to include.
 */
record DescribeClustersRequest(
    List<String> clusters, boolean tags, boolean settings, boolean statistics) {
  private static final int MAX_DESCRIBE = 100;

  static DescribeClustersRequest decode(JsonNode input) {
    List<String> given = JsonViews.textList(input, "clusters");
    List<String> refs = given.isEmpty() ? List.of("default") : given;
    if (refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter(
          "DescribeClusters takes at most " + MAX_DESCRIBE + " clusters.");
    }
    return new DescribeClustersRequest(
        refs,
        JsonViews.includes(input, "TAGS"),
        JsonViews.includes(input, "SETTINGS"),
        JsonViews.includes(input, "STATISTICS"));
  }
}
