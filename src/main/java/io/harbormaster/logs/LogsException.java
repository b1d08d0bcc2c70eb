package io.harbormaster.logs;

/** A request the log store refuses, with the CloudWatch Logs error it answers. */
public final class LogsException extends RuntimeException {
  private final LogsError error;

  public LogsException(LogsError error, String message) {
    super(message);
    this.error = error;
  }

  public LogsError error() {
    return error;
  }

  static LogsException invalidParameter(String message) {
    return new LogsException(LogsError.INVALID_PARAMETER, message);
  }

  static LogsException groupNotFound() {
    return new LogsException(
        LogsError.RESOURCE_NOT_FOUND, "The specified log group does not exist.");
  }

  static LogsException streamNotFound() {
    return new LogsException(
        LogsError.RESOURCE_NOT_FOUND, "The specified log stream does not exist.");
  }
}
