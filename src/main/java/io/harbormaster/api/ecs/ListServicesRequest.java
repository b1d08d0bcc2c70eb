package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.views.JsonViews;
import java.util.Optional;

/** ListServices decoded once; {@code after} is the name the nextToken resumes after. */
record ListServicesRequest(
    String cluster,
    int maxResults,
    Optional<String> launchType,
    Optional<SchedulingStrategy> scheduling,
    Optional<String> after) {

  static ListServicesRequest decode(RequestContext ctx, JsonNode input, EcsPaging paging) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    int max = EcsPaging.maxResults(input, 10, 100);
    Optional<String> launchType = JsonViews.text(input, "launchType");
    Optional<SchedulingStrategy> scheduling =
        JsonViews.text(input, "schedulingStrategy").map(ServiceMembers::scheduling);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return new ListServicesRequest(cluster, max, launchType, scheduling, after);
  }

  /** Whether the list needs each service's own answer (a filter on what only the service knows). */
  boolean filtered() {
    return launchType.isPresent() || scheduling.isPresent();
  }
}
