package io.harbormaster.loadbalancing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.loadbalancing.TargetHealth.Observed;
import io.harbormaster.loadbalancing.TargetHealth.Reason;
import io.harbormaster.loadbalancing.TargetHealth.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetHealthTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration DELAY = Duration.ofSeconds(300);

  private static Optional<TargetHealth> health(
      boolean inUse, Instant deregisteredAt, Observed observed, Reason reason) {
    return TargetHealth.of(inUse, true, deregisteredAt, DELAY, observed, reason, NOW);
  }

  @Test
  void unused_whenNoListenerForwardsToTheGroup() {
    assertEquals(
        Optional.of(new TargetHealth(State.UNUSED, Reason.NOT_IN_USE)),
        health(false, null, Observed.HEALTHY, null));
  }

  @Test
  void initial_registrationInProgress_beforeTheDataPlaneReports() {
    assertEquals(
        Optional.of(new TargetHealth(State.INITIAL, Reason.REGISTRATION_IN_PROGRESS)),
        health(true, null, null, null));
  }

  @Test
  void initial_healthChecking_whileTheFirstChecksRun() {
    assertEquals(
        Optional.of(new TargetHealth(State.INITIAL, Reason.INITIAL_HEALTH_CHECKING)),
        health(true, null, Observed.CHECKING, null));
  }

  @Test
  void healthy_hasNoReason() {
    assertEquals(Optional.of(TargetHealth.HEALTHY), health(true, null, Observed.HEALTHY, null));
  }

  @Test
  void unhealthy_carriesTheDataPlanesReason_orFailedHealthChecks() {
    assertEquals(
        Optional.of(new TargetHealth(State.UNHEALTHY, Reason.RESPONSE_CODE_MISMATCH)),
        health(true, null, Observed.UNHEALTHY, Reason.RESPONSE_CODE_MISMATCH));
    assertEquals(
        Optional.of(new TargetHealth(State.UNHEALTHY, Reason.FAILED_HEALTH_CHECKS)),
        health(true, null, Observed.UNHEALTHY, null));
  }

  @Test
  void draining_forTheDeregistrationDelay_thenGone() {
    Instant justNow = NOW.minusSeconds(10);
    assertEquals(
        Optional.of(new TargetHealth(State.DRAINING, Reason.DEREGISTRATION_IN_PROGRESS)),
        health(true, justNow, Observed.HEALTHY, null));
    assertEquals(Optional.empty(), health(true, NOW.minus(DELAY), Observed.HEALTHY, null));
  }

  @Test
  void deregisteredFromAnUnusedGroup_isGoneAtOnce() {
    assertEquals(Optional.empty(), health(false, NOW, null, null));
  }

  @Test
  void unavailable_whenHealthChecksAreDisabled() {
    assertEquals(
        Optional.of(new TargetHealth(State.UNAVAILABLE, Reason.HEALTH_CHECK_DISABLED)),
        TargetHealth.of(true, false, null, DELAY, null, null, NOW));
  }
}
