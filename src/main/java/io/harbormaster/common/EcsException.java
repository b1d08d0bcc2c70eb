package io.harbormaster.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An ECS error: its {@link ErrorType} (the {@code __type} the SDKs map to an exception class, and
 * its HTTP status) and a message. Entities and the domain raise it; only {@code api/} turns it into
 * an HTTP response.
 */
public final class EcsException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ErrorType type;

  public EcsException(ErrorType type, String message) {
    this(type, message, null);
  }

  private EcsException(ErrorType type, String message, Throwable cause) {
    // Client faults are expected control flow, so their stack traces are noise; keep them for 5xx.
    super(message == null ? "" : message, cause, true, type.httpStatus() >= 500);
    this.type = type;
  }

  public static EcsException clientException(String message) {
    return new EcsException(ErrorType.CLIENT, message);
  }

  public static EcsException invalidParameter(String message) {
    return new EcsException(ErrorType.INVALID_PARAMETER, message);
  }

  public static EcsException serialization(String message) {
    return new EcsException(ErrorType.SERIALIZATION, message);
  }

  public static EcsException unknownOperation(String message) {
    return new EcsException(ErrorType.UNKNOWN_OPERATION, message);
  }

  public static EcsException clusterNotFound(String message) {
    return new EcsException(ErrorType.CLUSTER_NOT_FOUND, message);
  }

  public static EcsException resourceNotFound(String message) {
    return new EcsException(ErrorType.RESOURCE_NOT_FOUND, message);
  }

  public static EcsException server(String message) {
    return new EcsException(ErrorType.SERVER, message);
  }

  public static EcsException server(String message, Throwable cause) {
    return new EcsException(ErrorType.SERVER, message, cause);
  }

  public ErrorType type() {
    return type;
  }

  /** The wire name, the body's {@code __type}. */
  public String errorType() {
    return type.code();
  }

  public int httpStatus() {
    return type.httpStatus();
  }

  /** The error body: {@code {"__type":"...","message":"..."}}; clients read only {@code __type}. */
  public String toJson() {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", type.code());
    body.put("message", getMessage());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen: two string fields", e);
    }
  }

  @Override
  public String toString() {
    return type.code() + ": " + getMessage();
  }
}
