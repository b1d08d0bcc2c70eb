package io.harbormaster.loadbalancing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A target group's attributes: ELBv2's defaults per load balancer family and the values each key
 * accepts. The data plane reads them (the deregistration delay, slow start, stickiness, the
 * algorithm); DescribeTargetGroupAttributes shows them all.
 */
public final class TargetGroupAttributes {
  public static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
  public static final String SLOW_START = "slow_start.duration_seconds";
  public static final String STICKINESS_ENABLED = "stickiness.enabled";
  public static final String STICKINESS_TYPE = "stickiness.type";
  public static final String STICKINESS_COOKIE_DURATION = "stickiness.lb_cookie.duration_seconds";
  public static final String ALGORITHM = "load_balancing.algorithm.type";

  private static final Set<String> ALGORITHMS =
      Set.of("round_robin", "least_outstanding_requests", "weighted_random");

  private TargetGroupAttributes() {}

  public static Map<String, String> defaults(ElbProtocol protocol) {
    Map<String, String> out = new TreeMap<>();
    out.put(DEREGISTRATION_DELAY, "300");
    out.put(STICKINESS_ENABLED, "false");
    if (protocol.layer7()) {
      out.put(STICKINESS_TYPE, "lb_cookie");
      out.put(STICKINESS_COOKIE_DURATION, "86400");
      out.put(SLOW_START, "0");
      out.put(ALGORITHM, "round_robin");
    } else {
      out.put(STICKINESS_TYPE, "source_ip");
    }
    return out;
  }

  /** Why this key or value is refused for a target group of this protocol, or null. */
  public static String problem(ElbProtocol protocol, String key, String value) {
    if (!defaults(protocol).containsKey(key)) {
      return "Target group attribute key '" + key + "' is not recognized";
    }
    String invalid =
        "'" + value + "' is not a valid value for target group attribute '" + key + "'";
    switch (key) {
      case DEREGISTRATION_DELAY:
        return inRange(value, 0, 3600) ? null : invalid;
      case SLOW_START:
        return value.equals("0") || inRange(value, 30, 900) ? null : invalid;
      case STICKINESS_COOKIE_DURATION:
        return inRange(value, 1, 604800) ? null : invalid;
      case STICKINESS_ENABLED:
        return value.equals("true") || value.equals("false") ? null : invalid;
      case STICKINESS_TYPE:
        return value.equals(protocol.layer7() ? "lb_cookie" : "source_ip")
                || (protocol.layer7() && value.equals("app_cookie"))
            ? null
            : invalid;
      case ALGORITHM:
        return ALGORITHMS.contains(value) ? null : invalid;
      default:
        return null;
    }
  }

  private static boolean inRange(String value, int min, int max) {
    try {
      int v = Integer.parseInt(value);
      return v >= min && v <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
