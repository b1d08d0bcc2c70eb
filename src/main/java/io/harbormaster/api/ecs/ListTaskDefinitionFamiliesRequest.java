package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.views.JsonViews;
import java.util.Optional;

/**
 * ListTaskDefinitionFamilies decoded once. Unlike ListTaskDefinitions, the status defaults to ALL:
 * "By default, both ACTIVE and INACTIVE task definition families are listed."
 */
record ListTaskDefinitionFamiliesRequest(
    int maxResults, Optional<String> familyPrefix, String status, Optional<String> after) {

  static ListTaskDefinitionFamiliesRequest decode(
      RequestContext ctx, JsonNode input, EcsPaging paging) {
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> familyPrefix = JsonViews.text(input, "familyPrefix");
    String status = JsonViews.text(input, "status").orElse("ALL");
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return new ListTaskDefinitionFamiliesRequest(max, familyPrefix, status, after);
  }
}
