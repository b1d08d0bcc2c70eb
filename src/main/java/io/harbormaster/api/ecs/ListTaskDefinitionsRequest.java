package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.account.Account.RevisionStatus;
import io.harbormaster.common.EcsException;
import io.harbormaster.views.JsonViews;
import java.util.Optional;

/**
 * ListTaskDefinitions decoded once. Despite its name, familyPrefix is "the full family name"
 * (ListTaskDefinitionFamilies' is a real prefix): "web" lists web's revisions, not web-worker's.
 * {@code after} is the last family:revision returned.
 */
record ListTaskDefinitionsRequest(
    int maxResults,
    Optional<String> family,
    RevisionStatus status,
    boolean descending,
    Optional<String> after) {

  static ListTaskDefinitionsRequest decode(RequestContext ctx, JsonNode input, EcsPaging paging) {
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> family = JsonViews.text(input, "familyPrefix");
    RevisionStatus status =
        RevisionStatus.valueOf(JsonViews.text(input, "status").orElse("ACTIVE"));
    boolean descending = JsonViews.text(input, "sort").orElse("ASC").equals("DESC");
    // A token of another List* operation carries no revision.
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    if (after.isPresent() && !after.get().matches("[A-Za-z0-9_-]+:[1-9][0-9]{0,9}")) {
      throw EcsException.invalidParameter("Invalid nextToken");
    }
    return new ListTaskDefinitionsRequest(max, family, status, descending, after);
  }
}
