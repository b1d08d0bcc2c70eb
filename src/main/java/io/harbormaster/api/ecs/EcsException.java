package io.harbormaster.api.ecs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An ECS API error as the clients expect it: an error type (the {@code __type} the SDKs map to an
 * exception class), an HTTP status (400 for client faults, 500 for {@code ServerException}) and a
 * message.
 */
public final class EcsException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String errorType;
    private final int httpStatus;

    public EcsException(String errorType, int httpStatus, String message) {
        this(errorType, httpStatus, message, null);
    }

    private EcsException(String errorType, int httpStatus, String message, Throwable cause) {
        // Client faults are expected control flow, so their stack traces are noise; keep them for 5xx.
        super(message == null ? "" : message, cause, true, httpStatus >= 500);
        if (errorType == null || errorType.isBlank()) {
            throw new IllegalArgumentException("errorType must not be blank");
        }
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be a 4xx or 5xx status: " + httpStatus);
        }
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    public static EcsException clientException(String message) {
        return new EcsException("ClientException", 400, message);
    }

    public static EcsException invalidParameter(String message) {
        return new EcsException("InvalidParameterException", 400, message);
    }

    public static EcsException serialization(String message) {
        return new EcsException("SerializationException", 400, message);
    }

    public static EcsException unknownOperation(String message) {
        return new EcsException("UnknownOperationException", 400, message);
    }

    public static EcsException clusterNotFound(String message) {
        return new EcsException("ClusterNotFoundException", 400, message);
    }

    public static EcsException resourceNotFound(String message) {
        return new EcsException("ResourceNotFoundException", 400, message);
    }

    public static EcsException server(String message) {
        return new EcsException("ServerException", 500, message);
    }

    public static EcsException server(String message, Throwable cause) {
        return new EcsException("ServerException", 500, message, cause);
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The error body: {@code {"__type":"...","message":"..."}}; clients read only {@code __type}. */
    public String toJson() {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", errorType);
        body.put("message", getMessage());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: two string fields", e);
        }
    }

    @Override
    public String toString() {
        return errorType + ": " + getMessage();
    }
}
