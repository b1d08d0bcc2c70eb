package io.harbormaster.views;

import io.harbormaster.common.Arns;

/** For whom a Describe* object is built: the account (its ARNs) and the region. */
public record ViewContext(String accountId, String region) {
  public String callerArn() {
    return Arns.accountRoot(accountId);
  }
}
