package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.ecs.ServiceHandlers.ServiceRef;
import io.harbormaster.common.EcsException;
import io.harbormaster.service.ServiceDeployments;
import io.harbormaster.views.JsonViews;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;

/**
 * ListServiceDeployments decoded once; the query's {@code after} is the service deployment the
 * nextToken resumes after.
 */
record ListServiceDeploymentsRequest(ServiceRef service, ServiceDeployments.ListQuery query) {
  static ListServiceDeploymentsRequest decode(
      RequestContext ctx, JsonNode input, EcsPaging paging) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    ServiceRef service =
        ServiceRef.require(ctx, cluster, JsonViews.text(input, "service").orElse(null));
    Set<ServiceDeployments.Status> statuses = EnumSet.noneOf(ServiceDeployments.Status.class);
    for (String s : JsonViews.textList(input, "status")) {
      try {
        statuses.add(ServiceDeployments.Status.valueOf(s));
      } catch (IllegalArgumentException e) {
        throw EcsException.invalidParameter("Invalid service deployment status: " + s);
      }
    }
    JsonNode createdAt = input.path("createdAt");
    Instant after = instant(createdAt.get("after"));
    Instant before = instant(createdAt.get("before"));
    int max = EcsPaging.maxResults(input, 20, 100);
    String cursor = paging.cursor(ctx.accountId(), input).orElse(null);
    return new ListServiceDeploymentsRequest(
        service,
        new ServiceDeployments.ListQuery(Set.copyOf(statuses), after, before, cursor, max));
  }

  /** A timestamp member: epoch seconds (the JSON protocol's form) or ISO-8601. */
  static Instant instant(JsonNode value) {
    if (value == null || value.isNull()) return null;
    if (value.isNumber()) {
      BigDecimal seconds = value.decimalValue();
      long whole = seconds.longValue();
      long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole, nanos);
    }
    try {
      return OffsetDateTime.parse(value.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw EcsException.invalidParameter("Invalid timestamp: " + value.asText());
    }
  }
}
