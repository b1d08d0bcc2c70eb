package io.harbormaster.loadbalancing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A registered target's health as DescribeTargetHealth shows it, decided from what the control
 * plane knows: whether the target group receives traffic, whether the target is leaving, and the
 * data plane's last health report. Pure, so every rule is tested on its own.
 */
public record TargetHealth(State state, Reason reason) {

  /** ELBv2's target health states. */
  public enum State {
    INITIAL("initial"),
    HEALTHY("healthy"),
    UNHEALTHY("unhealthy"),
    UNUSED("unused"),
    DRAINING("draining"),
    UNAVAILABLE("unavailable");

    private final String wire;

    State(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** ELBv2's reason codes with the descriptions it shows next to them. */
  public enum Reason {
    REGISTRATION_IN_PROGRESS("Elb.RegistrationInProgress", "Target registration is in progress"),
    INITIAL_HEALTH_CHECKING("Elb.InitialHealthChecking", "Initial health checks in progress"),
    RESPONSE_CODE_MISMATCH("Target.ResponseCodeMismatch", "Health checks failed"),
    TIMEOUT("Target.Timeout", "Request timed out"),
    FAILED_HEALTH_CHECKS("Target.FailedHealthChecks", "Health checks failed"),
    NOT_REGISTERED("Target.NotRegistered", "Target is not registered to the target group"),
    NOT_IN_USE(
        "Target.NotInUse",
        "Target group is not configured to receive traffic from the load balancer"),
    DEREGISTRATION_IN_PROGRESS(
        "Target.DeregistrationInProgress", "Target deregistration is in progress"),
    HEALTH_CHECK_DISABLED("Target.HealthCheckDisabled", "Health checks are disabled"),
    INTERNAL_ERROR("Elb.InternalError", "Health checks failed due to an internal error");

    private final String code;
    private final String description;

    Reason(String code, String description) {
      this.code = code;
      this.description = description;
    }

    public String code() {
      return code;
    }

    public String description() {
      return description;
    }
  }

  /**
   * What the data plane saw for one target: {@code HEALTHY}, {@code UNHEALTHY} with why, or {@code
   * INITIAL} while its first checks run.
   */
  public enum Observed {
    CHECKING,
    HEALTHY,
    UNHEALTHY
  }

  public static final TargetHealth HEALTHY = new TargetHealth(State.HEALTHY, null);

  /**
   * The health of a target, or empty when it has drained and is no longer registered.
   *
   * @param deregisteredAt when it was deregistered; null while registered
   * @param observed the data plane's last report for it since it was registered; null before any
   * @param observedReason why it was unhealthy (a Target.* reason); null when healthy or checking
   */
  public static Optional<TargetHealth> of(
      boolean inUse,
      boolean healthCheckEnabled,
      Instant deregisteredAt,
      Duration deregistrationDelay,
      Observed observed,
      Reason observedReason,
      Instant now) {
    if (deregisteredAt != null) {
      return inUse && now.isBefore(deregisteredAt.plus(deregistrationDelay))
          ? Optional.of(new TargetHealth(State.DRAINING, Reason.DEREGISTRATION_IN_PROGRESS))
          : Optional.empty();
    }
    if (!inUse) return Optional.of(new TargetHealth(State.UNUSED, Reason.NOT_IN_USE));
    if (!healthCheckEnabled) {
      return Optional.of(new TargetHealth(State.UNAVAILABLE, Reason.HEALTH_CHECK_DISABLED));
    }
    if (observed == null) {
      return Optional.of(new TargetHealth(State.INITIAL, Reason.REGISTRATION_IN_PROGRESS));
    }
    return Optional.of(
        switch (observed) {
          case CHECKING -> new TargetHealth(State.INITIAL, Reason.INITIAL_HEALTH_CHECKING);
          case HEALTHY -> HEALTHY;
          case UNHEALTHY ->
              new TargetHealth(
                  State.UNHEALTHY,
                  observedReason == null ? Reason.FAILED_HEALTH_CHECKS : observedReason);
        });
  }

  /** A target DescribeTargetHealth names that is not registered (or has drained). */
  public static final TargetHealth NOT_REGISTERED =
      new TargetHealth(State.UNUSED, Reason.NOT_REGISTERED);
}
