package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Tag;
import java.util.List;

/**
 * Turns what a user names a resource by (a name or an ARN) into the name inside the caller's
 * account.
 */
final class ResourceRefs {
  private ResourceRefs() {}

  /** The cluster a request means: the name or ARN given, or "default" when the member is absent. */
  static String clusterName(RequestContext ctx, String nameOrArn) {
    if (nameOrArn == null || nameOrArn.isEmpty()) return "default";
    if (!nameOrArn.startsWith("arn:")) {
      return EcsNames.requireClusterName(nameOrArn);
    }
    Arns.ParsedArn arn =
        Arns.parse(nameOrArn)
            .filter(a -> a.resourceType().equals("cluster"))
            .orElseThrow(() -> EcsException.invalidParameter("Invalid cluster ARN: " + nameOrArn));
    // Another account's cluster is reported as missing: its existence is not the caller's business.
    if (!arn.accountId().equals(ctx.accountId()) || !arn.region().equals(ctx.region())) {
      throw EcsException.clusterNotFound("Cluster not found.");
    }
    return EcsNames.requireClusterName(arn.resourceId());
  }

  /**
   * Like {@link #clusterName} but a name that cannot exist is reported as missing, for Describe's
   * failures.
   */
  static java.util.Optional<String> clusterNameIfValid(RequestContext ctx, String nameOrArn) {
    try {
      return java.util.Optional.of(clusterName(ctx, nameOrArn));
    } catch (EcsException e) {
      return java.util.Optional.empty();
    }
  }

  static List<Tag> tags(JsonNode input, String member) {
    JsonNode node = input.get(member);
    if (node == null || node.isNull()) return List.of();
    return EcsNames.requireTags(node).stream().map(t -> new Tag(t.key(), t.value())).toList();
  }
}
