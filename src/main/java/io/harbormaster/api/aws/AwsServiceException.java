package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failure answered in the service's own terms: its error code (the {@code __type} or XML {@code
 * Code} the SDKs map to an exception class), the HTTP status, and whether the caller is at fault.
 * Extra members of the error shape (e.g. CloudWatch Logs' {@code expectedSequenceToken}) ride in
 * {@link #members()}.
 */
public final class AwsServiceException extends RuntimeException {
  private final String code;
  private final int httpStatus;
  private final boolean senderFault;
  private final ObjectNode members;

  public AwsServiceException(String code, int httpStatus, String message) {
    this(code, httpStatus, httpStatus < 500, message, JsonNodeFactory.instance.objectNode());
  }

  public AwsServiceException(
      String code, int httpStatus, boolean senderFault, String message, ObjectNode members) {
    super(message == null ? "" : message, null, false, false);
    this.code = code;
    this.httpStatus = httpStatus;
    this.senderFault = senderFault;
    this.members = members;
  }

  /** A client error (400) with the given code. */
  public static AwsServiceException badRequest(String code, String message) {
    return new AwsServiceException(code, 400, message);
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean senderFault() {
    return senderFault;
  }

  public ObjectNode members() {
    return members;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
