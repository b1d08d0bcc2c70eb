package io.harbormaster.api.ecs;

import io.harbormaster.common.Arns;
import io.harbormaster.views.ViewContext;
import java.time.Instant;

/**
 * Who is calling and when: the authenticated account, the server's region, the id we return in
 * x-amzn-RequestId.
 */
public record RequestContext(
    String accountId, String region, String requestId, Instant receivedAt) {
  public String callerArn() {
    return Arns.accountRoot(accountId);
  }

  /** Whom the Describe* objects of this call are for. */
  public ViewContext view() {
    return new ViewContext(accountId, region);
  }
}
