package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.ecs.ServiceHandlers.ServiceRef;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import io.harbormaster.service.ServiceDeployments;
import io.harbormaster.views.JsonViews;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The requests of ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
 * StopServiceDeployment and ContinueServiceDeployment, decoded once.
 */
final class ServiceDeploymentRequests {
  private ServiceDeploymentRequests() {}

  /**
   * A service-deployment or service-revision ARN of the caller's: {@code
   * <type>/<cluster>/<service>/<id>}.
   */
  record HistoryRef(String arn, ServiceRef service, String id) {
    static Optional<HistoryRef> parse(RequestContext ctx, String type, String arn) {
      if (arn == null) return Optional.empty();
      return Arns.parse(arn)
          .filter(a -> a.resourceType().equals(type))
          .filter(a -> a.accountId().equals(ctx.accountId()) && a.region().equals(ctx.region()))
          .map(a -> a.resourceId().split("/", -1))
          .filter(p -> p.length == 3 && EcsNames.isValidName(p[1]) && !p[2].isEmpty())
          .map(p -> new HistoryRef(arn, new ServiceRef(p[0], p[1]), p[2]));
    }
  }

  /**
   * ListServiceDeployments; {@code after} is the service deployment the nextToken resumes after.
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
    } catch (java.time.format.DateTimeParseException e) {
      throw EcsException.invalidParameter("Invalid timestamp: " + value.asText());
    }
  }

  /** DescribeServiceDeployments / DescribeServiceRevisions: 1 to 20 ARNs. */
  static List<String> arns(JsonNode input, String member) {
    List<String> arns = JsonViews.textList(input, member);
    if (arns.isEmpty()) throw EcsException.invalidParameter(member + " cannot be empty.");
    if (arns.size() > 20)
      throw EcsException.invalidParameter(member + " can have at most 20 items.");
    return arns;
  }

  /** StopServiceDeployment: only a ROLLBACK is a stop Harbormaster carries out. */
  record StopServiceDeploymentRequest(HistoryRef deployment) {
    static StopServiceDeploymentRequest decode(RequestContext ctx, JsonNode input) {
      HistoryRef ref = deploymentRef(ctx, input);
      String stopType = JsonViews.text(input, "stopType").orElse("ROLLBACK");
      if (!stopType.equals("ROLLBACK")) {
        throw new EcsException(
            ErrorType.UNSUPPORTED_FEATURE,
            "The stop type " + stopType + " is not supported; use ROLLBACK.");
      }
      return new StopServiceDeploymentRequest(ref);
    }
  }

  /** ContinueServiceDeployment names a lifecycle hook of a deployment. */
  record ContinueServiceDeploymentRequest(HistoryRef deployment, String hookId) {
    static ContinueServiceDeploymentRequest decode(RequestContext ctx, JsonNode input) {
      return new ContinueServiceDeploymentRequest(
          deploymentRef(ctx, input), JsonViews.text(input, "hookId").orElse(""));
    }
  }

  private static HistoryRef deploymentRef(RequestContext ctx, JsonNode input) {
    return HistoryRef.parse(
            ctx, "service-deployment", JsonViews.text(input, "serviceDeploymentArn").orElse(null))
        .orElseThrow(
            () ->
                new EcsException(
                    ErrorType.SERVICE_DEPLOYMENT_NOT_FOUND,
                    "The service deployment does not exist."));
  }
}
