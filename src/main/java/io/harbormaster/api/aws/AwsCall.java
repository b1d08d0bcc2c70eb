package io.harbormaster.api.aws;

import java.time.Instant;

/**
 * One authenticated call to one of the AWS services the endpoint speaks, as its handler sees it.
 *
 * @param service the service's signing name, e.g. {@code logs}
 * @param requestId the id returned to the client (x-amzn-RequestId, or RequestId in XML)
 */
public record AwsCall(
    String service,
    String operation,
    String accountId,
    String region,
    String requestId,
    Instant receivedAt) {}
