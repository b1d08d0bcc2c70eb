package io.harbormaster.common;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ECS errors Harbormaster answers with, each with its wire name (the {@code __type} the SDKs
 * map to an exception class) and its HTTP status: the one table from an error to HTTP. Client
 * faults are 4xx (403 for the signature and credential errors, as the AWS endpoints answer them),
 * ServerException 500 (the clients retry it).
 */
public enum ErrorType {
  CLIENT("ClientException", 400),
  INVALID_PARAMETER("InvalidParameterException", 400),
  SERIALIZATION("SerializationException", 400),
  UNKNOWN_OPERATION("UnknownOperationException", 400),
  CLUSTER_NOT_FOUND("ClusterNotFoundException", 400),
  CLUSTER_CONTAINS_CONTAINER_INSTANCES("ClusterContainsContainerInstancesException", 400),
  CLUSTER_CONTAINS_SERVICES("ClusterContainsServicesException", 400),
  SERVICE_NOT_FOUND("ServiceNotFoundException", 400),
  SERVICE_NOT_ACTIVE("ServiceNotActiveException", 400),
  RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
  SERVICE_DEPLOYMENT_NOT_FOUND("ServiceDeploymentNotFoundException", 400),
  CONFLICT("ConflictException", 400),
  UNSUPPORTED_FEATURE("UnsupportedFeatureException", 400),
  RESOURCE_IN_USE("ResourceInUseException", 400),
  ACCESS_DENIED("AccessDeniedException", 403),
  UNRECOGNIZED_CLIENT("UnrecognizedClientException", 403),
  INVALID_SIGNATURE("InvalidSignatureException", 403),
  INCOMPLETE_SIGNATURE("IncompleteSignatureException", 403),
  MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException", 403),
  REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLargeException", 413),
  /**
   * A container instance without room for a task. Never a call's answer of its own: RunTask and
   * StartTask report it in {@code failures[]} with the resource (RESOURCE:CPU, ...), services as a
   * service event.
   */
  RESOURCE_SHORTFALL("ResourceShortfall", 400),
  SERVER("ServerException", 500);

  private static final Map<String, ErrorType> BY_CODE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(ErrorType::code, Function.identity()));

  private final String code;
  private final int httpStatus;

  ErrorType(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The wire name, e.g. {@code ClusterNotFoundException}. */
  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public static Optional<ErrorType> ofCode(String code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }
}
