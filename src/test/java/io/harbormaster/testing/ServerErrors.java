package io.harbormaster.testing;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every HTTP 5xx the SDK receives, retries included (the SDK retries a 500 and may then
 * succeed, which would hide it). Tests check {@link #assertNone()} after each test: the API never
 * answers 500 to a client mistake.
 */
public final class ServerErrors implements ExecutionInterceptor {
  private final List<String> seen = new ArrayList<>();

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    int status = context.httpResponse().statusCode();
    if (status >= 500) {
      synchronized (seen) {
        seen.add(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " -> HTTP " + status);
      }
    }
  }

  /** Fails if any 5xx was seen since the last call, and forgets them. */
  public void assertNone() {
    List<String> found;
    synchronized (seen) {
      found = List.copyOf(seen);
      seen.clear();
    }
    if (!found.isEmpty()) {
      throw new AssertionError("the server answered with 5xx: " + found);
    }
  }
}
