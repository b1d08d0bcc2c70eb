package io.harbormaster.logs;

/**
 * The CloudWatch Logs errors the log store answers with: each its wire name (the {@code __type} the
 * SDKs map to an exception class) and its HTTP status, as the Logs service sends them.
 */
public enum LogsError {
  INVALID_PARAMETER("InvalidParameterException", 400),
  RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
  RESOURCE_ALREADY_EXISTS("ResourceAlreadyExistsException", 400),
  SERVICE_UNAVAILABLE("ServiceUnavailableException", 500);

  private final String code;
  private final int httpStatus;

  LogsError(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
