package io.harbormaster.auth;

import io.harbormaster.auth.VerificationResult.Rejected;

/**
 * Internal short-cut out of the verification steps; never escapes {@link SigV4Verifier#verify}. No
 * stack trace: rejections are routine (bad clients, clock skew) and must stay cheap.
 */
final class Rejection extends Exception {
  static final String MISSING_TOKEN = "MissingAuthenticationTokenException";
  static final String INCOMPLETE = "IncompleteSignatureException";
  static final String INVALID = "InvalidSignatureException";
  static final String UNRECOGNIZED = "UnrecognizedClientException";

  private final transient Rejected result;

  private Rejection(String errorType, String message) {
    super(message, null, false, false);
    this.result = new Rejected(errorType, message);
  }

  static Rejection missingToken() {
    return new Rejection(MISSING_TOKEN, "Missing Authentication Token");
  }

  static Rejection incomplete(String message) {
    return new Rejection(INCOMPLETE, message);
  }

  static Rejection invalid(String message) {
    return new Rejection(INVALID, message);
  }

  static Rejection unrecognized() {
    return new Rejection(UNRECOGNIZED, "The security token included in the request is invalid.");
  }

  Rejected result() {
    return result;
  }
}
