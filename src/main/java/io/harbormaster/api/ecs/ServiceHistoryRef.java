package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.ecs.ServiceHandlers.ServiceRef;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import io.harbormaster.views.JsonViews;
import java.util.Optional;

/**
 * A service-deployment or service-revision ARN of the caller's: {@code
 * <type>/<cluster>/<service>/<id>}.
 */
record ServiceHistoryRef(String arn, ServiceRef service, String id) {
  static Optional<ServiceHistoryRef> parse(RequestContext ctx, String type, String arn) {
    if (arn == null) return Optional.empty();
    return Arns.parse(arn)
        .filter(a -> a.resourceType().equals(type))
        .filter(a -> a.accountId().equals(ctx.accountId()) && a.region().equals(ctx.region()))
        .map(a -> a.resourceId().split("/", -1))
        .filter(p -> p.length == 3 && EcsNames.isValidName(p[1]) && !p[2].isEmpty())
        .map(p -> new ServiceHistoryRef(arn, new ServiceRef(p[0], p[1]), p[2]));
  }

  /**
   * The request's {@code serviceDeploymentArn}; one that names nothing of the caller's is not
   * found.
   */
  static ServiceHistoryRef deployment(RequestContext ctx, JsonNode input) {
    return parse(
            ctx, "service-deployment", JsonViews.text(input, "serviceDeploymentArn").orElse(null))
        .orElseThrow(
            () ->
                new EcsException(
                    ErrorType.SERVICE_DEPLOYMENT_NOT_FOUND,
                    "The service deployment does not exist."));
  }
}
