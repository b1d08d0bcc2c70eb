package io.harbormaster.loadbalancing;

import io.harbormaster.common.CborSerializable;

/**
 * How the data plane checks a target group's targets. {@code port} is a number or {@code
 * traffic-port} (the target's own port); {@code path} and {@code matcher} (HTTP codes, e.g. {@code
 * 200-299}) only for HTTP and HTTPS checks.
 */
public record HealthCheck(
    boolean enabled,
    ElbProtocol protocol,
    String port,
    String path,
    int intervalSeconds,
    int timeoutSeconds,
    int healthyThreshold,
    int unhealthyThreshold,
    String matcher)
    implements CborSerializable {

  public static final String TRAFFIC_PORT = "traffic-port";

  /** ELBv2's defaults for a target group of this protocol (CreateTargetGroup's reference). */
  public static HealthCheck defaults(ElbProtocol targetGroupProtocol) {
    return switch (targetGroupProtocol) {
      case HTTP, HTTPS ->
          new HealthCheck(true, targetGroupProtocol, TRAFFIC_PORT, "/", 30, 5, 5, 2, "200");
      case TCP, TLS, UDP, TCP_UDP ->
          new HealthCheck(true, ElbProtocol.TCP, TRAFFIC_PORT, null, 30, 10, 5, 2, null);
    };
  }

  /** The checks after ModifyTargetGroup (or CreateTargetGroup): members left null are kept. */
  public HealthCheck with(Change c) {
    ElbProtocol nextProtocol = c.protocol() != null ? c.protocol() : protocol;
    boolean http = nextProtocol.layer7();
    String nextPath = c.path() != null ? c.path() : path;
    String nextMatcher = c.matcher() != null ? c.matcher() : matcher;
    // A TCP check that becomes an HTTP check gets the HTTP defaults it had none of.
    if (http && nextPath == null) nextPath = "/";
    if (http && nextMatcher == null) nextMatcher = "200";
    if (!http) {
      nextPath = null;
      nextMatcher = null;
    }
    return new HealthCheck(
        c.enabled() != null ? c.enabled() : enabled,
        nextProtocol,
        c.port() != null ? c.port() : port,
        nextPath,
        c.intervalSeconds() != null ? c.intervalSeconds() : intervalSeconds,
        c.timeoutSeconds() != null ? c.timeoutSeconds() : timeoutSeconds,
        c.healthyThreshold() != null ? c.healthyThreshold() : healthyThreshold,
        c.unhealthyThreshold() != null ? c.unhealthyThreshold() : unhealthyThreshold,
        nextMatcher);
  }

  /** Health check members as a request gives them; null = not given. */
  public record Change(
      Boolean enabled,
      ElbProtocol protocol,
      String port,
      String path,
      Integer intervalSeconds,
      Integer timeoutSeconds,
      Integer healthyThreshold,
      Integer unhealthyThreshold,
      String matcher)
      implements CborSerializable {
    public static final Change NONE =
        new Change(null, null, null, null, null, null, null, null, null);
  }

  /** Why these checks cannot run, or null: ELBv2's ValidationError messages. */
  public String problem() {
    if (timeoutSeconds >= intervalSeconds) {
      return "Health check timeout '"
          + timeoutSeconds
          + "' must be smaller than the interval '"
          + intervalSeconds
          + "'";
    }
    if (!port.equals(TRAFFIC_PORT)) {
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535)
          return "Health check port '" + port + "' must be between 1 and 65535";
      } catch (NumberFormatException e) {
        return "Health check port '" + port + "' must be a number or 'traffic-port'";
      }
    }
    if (path != null && !path.startsWith("/"))
      return "Health check path must begin with a '/' character";
    return null;
  }
}
