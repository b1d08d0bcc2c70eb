package io.harbormaster.auth;

/** The outcome of checking a request's SigV4 signature. */
public sealed interface VerificationResult {

  /**
   * The signature holds; region and service are the client's credential scope, for the caller to
   * check.
   */
  record Verified(String accessKeyId, String region, String service)
      implements VerificationResult {}

  /** errorType is the ECS-style __type, e.g. InvalidSignatureException */
  record Rejected(String errorType, String message) implements VerificationResult {}
}
