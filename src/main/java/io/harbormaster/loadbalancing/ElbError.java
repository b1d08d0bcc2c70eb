package io.harbormaster.loadbalancing;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Elastic Load Balancing v2 errors the load balancing entities refuse with: the wire code the
 * CLI prints and the SDKs map to an exception class, and its HTTP status (from the model's error
 * shapes).
 */
public enum ElbError {
  VALIDATION("ValidationError", 400),
  LOAD_BALANCER_NOT_FOUND("LoadBalancerNotFound", 400),
  TARGET_GROUP_NOT_FOUND("TargetGroupNotFound", 400),
  LISTENER_NOT_FOUND("ListenerNotFound", 400),
  RULE_NOT_FOUND("RuleNotFound", 400),
  DUPLICATE_LOAD_BALANCER_NAME("DuplicateLoadBalancerName", 400),
  DUPLICATE_TARGET_GROUP_NAME("DuplicateTargetGroupName", 400),
  DUPLICATE_LISTENER("DuplicateListener", 400),
  PRIORITY_IN_USE("PriorityInUse", 400),
  INVALID_CONFIGURATION_REQUEST("InvalidConfigurationRequest", 400),
  INVALID_TARGET("InvalidTarget", 400),
  RESOURCE_IN_USE("ResourceInUse", 400),
  TOO_MANY_TAGS("TooManyTags", 400),
  OPERATION_NOT_PERMITTED("OperationNotPermitted", 400);

  private static final Map<String, ElbError> BY_CODE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(ElbError::code, Function.identity()));

  private final String code;
  private final int httpStatus;

  ElbError(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public static Optional<ElbError> ofCode(String code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }
}
