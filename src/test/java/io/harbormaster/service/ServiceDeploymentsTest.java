package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceDeployments.History;
import io.harbormaster.service.ServiceDeployments.ListQuery;
import io.harbormaster.service.ServiceDeployments.MonitorStatus;
import io.harbormaster.service.ServiceDeployments.Record;
import io.harbormaster.service.ServiceDeployments.Status;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How a service's events make and move its service deployments and revisions. */
class ServiceDeploymentsTest {
  private static final String TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
  private static final String TD2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
  private static final String D1 = "ecs-svc/1000000000000000001";
  private static final String D2 = "ecs-svc/2000000000000000002";
  private static final String BACK = "ecs-svc/3000000000000000003";
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-02T10:05:00Z");
  private static final Instant T3 = Instant.parse("2026-11-02T10:10:00Z");

  private static ServiceView view(List<Deployment> deployments, boolean breaker) {
    return new ServiceView(
        "123456789012",
        "default",
        new ServiceSpec(
            "web",
            TD1,
            2,
            SchedulingStrategy.REPLICA,
            "EC2",
            new DeploymentSettings(100, 200, breaker, breaker),
            List.of(),
            List.of(),
            null,
            List.of()),
        Service.ServiceStatus.ACTIVE,
        T0,
        deployments,
        new TreeMap<>(),
        ServiceReconciler.Throttle.NONE,
        false,
        List.of(),
        1);
  }

  private static Deployment deployment(
      String id, DeploymentStatus status, String td, RolloutState rollout, String reason) {
    return new Deployment(id, status, td, rollout, reason, 0, createdAt(id), T1);
  }

  private static Instant createdAt(String id) {
    return id.equals(D1) ? T0 : id.equals(D2) ? T1 : T2;
  }

  /** Created with D1 (completed), updated to D2: the history the tests start from. */
  private static History updated(boolean breaker) {
    Deployment d1 = deployment(D1, DeploymentStatus.PRIMARY, TD1, RolloutState.IN_PROGRESS, null);
    History h = ServiceDeployments.started(History.EMPTY, null, d1, view(List.of(d1), breaker));
    Deployment d1Done = deployment(D1, DeploymentStatus.PRIMARY, TD1, RolloutState.COMPLETED, "");
    h = ServiceDeployments.changed(h, List.of(d1), List.of(d1Done), T0.plusSeconds(30));
    ServiceView before = view(List.of(d1Done), breaker);
    Deployment d2 = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.IN_PROGRESS, null);
    Deployment d1Active = deployment(D1, DeploymentStatus.ACTIVE, TD1, RolloutState.COMPLETED, "");
    return ServiceDeployments.started(h, before, d2, view(List.of(d1Active, d2), breaker));
  }

  @Test
  void aRevisionIsNamedByItsDeploymentsDigitsWhichTerraformLooksForInTheTargetRevisionArn() {
    History h = updated(false);

    assertEquals(2, h.deployments().size());
    Record second = h.deployments().get(1);
    assertEquals("2000000000000000002", second.targetRevisionId());
    assertTrue(D2.endsWith("/" + second.targetRevisionId()));
    assertEquals(List.of("1000000000000000001"), second.sourceRevisionIds());
    assertEquals(Status.IN_PROGRESS, second.status());
    assertEquals(T1, second.createdAt());
    assertEquals(TD2, h.revision("2000000000000000002").orElseThrow().taskDefinitionArn());
    assertEquals(Status.SUCCESSFUL, h.deployments().get(0).status());
    assertEquals(List.of(), h.deployments().get(0).sourceRevisionIds());
  }

  @Test
  void serviceDeploymentIdsAreStableAlphanumericAndDistinct() {
    String a = ServiceDeployments.serviceDeploymentId(D1);
    assertEquals(a, ServiceDeployments.serviceDeploymentId(D1));
    assertNotEquals(a, ServiceDeployments.serviceDeploymentId(D2));
    assertTrue(a.matches("[0-9A-Za-z]+"), a);
    assertEquals("1000000000000000001", ServiceDeployments.revisionId(D1));
  }

  @Test
  void aCompletedDeploymentIsSuccessful() {
    History h = updated(false);
    Deployment d2Done = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.COMPLETED, "");
    Deployment d1Gone = deployment(D1, DeploymentStatus.INACTIVE, TD1, RolloutState.COMPLETED, "");

    History after = ServiceDeployments.changed(h, List.of(), List.of(d1Gone, d2Done), T2);

    Record r = after.deployments().get(1);
    assertEquals(Status.SUCCESSFUL, r.status());
    assertEquals(T2, r.finishedAt());
  }

  @Test
  void aCircuitBreakerRollbackKeepsTheTargetAndNamesTheSourceItReturnsTo() {
    History h = updated(true);
    String why = "ECS deployment circuit breaker: tasks failed to start.";
    Deployment d1 = deployment(D1, DeploymentStatus.ACTIVE, TD1, RolloutState.COMPLETED, "");
    Deployment d2 = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.IN_PROGRESS, null);
    Deployment d2Failed = deployment(D2, DeploymentStatus.ACTIVE, TD2, RolloutState.FAILED, why);
    Deployment back = deployment(BACK, DeploymentStatus.PRIMARY, TD1, RolloutState.IN_PROGRESS, "");

    History rolling =
        ServiceDeployments.changed(h, List.of(d1, d2), List.of(d1, d2Failed, back), T2);

    Record r = rolling.deployments().get(1);
    assertEquals(Status.ROLLBACK_IN_PROGRESS, r.status());
    assertEquals(why, r.statusReason());
    assertEquals("2000000000000000002", r.targetRevisionId());
    assertEquals("1000000000000000001", r.rollback().revisionId());
    assertEquals(BACK, r.rollback().deploymentId());
    assertEquals("1000000000000000001", rolling.revisionOf(BACK).orElseThrow());
    assertEquals(2, rolling.revisions().size(), "a rollback makes no revision of its own");
    ServiceView now = view(List.of(d1, d2Failed, back), true);
    assertEquals(MonitorStatus.TRIGGERED, ServiceDeployments.breaker(now, r).status());

    Deployment backDone =
        deployment(BACK, DeploymentStatus.PRIMARY, TD1, RolloutState.COMPLETED, "");
    History done =
        ServiceDeployments.changed(
            rolling, List.of(d1, d2Failed, back), List.of(d1, d2Failed, backDone), T3);

    assertEquals(Status.ROLLBACK_SUCCESSFUL, done.deployments().get(1).status());
    assertEquals(T3, done.deployments().get(1).finishedAt());
    assertEquals(why, done.deployments().get(1).statusReason());
  }

  @Test
  void aFailedDeploymentWithoutRollbackStops() {
    History h = updated(true);
    String why = "ECS deployment circuit breaker: tasks failed health checks.";
    Deployment d2 = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.FAILED, why);

    History after = ServiceDeployments.changed(h, List.of(d2), List.of(d2), T2);

    assertEquals(Status.STOPPED, after.deployments().get(1).status());
    assertEquals(T2, after.deployments().get(1).stoppedAt());
  }

  @Test
  void aRequestedRollbackIsInProgressOnceItsDeploymentExistsAndEndsWithIt() {
    History h = updated(false);
    String id = h.deployments().get(1).id();
    History requested =
        ServiceDeployments.rollbackRequested(h, id, "1000000000000000001", BACK, T2);
    assertEquals(Status.ROLLBACK_REQUESTED, requested.deployment(id).orElseThrow().status());

    Deployment back = deployment(BACK, DeploymentStatus.PRIMARY, TD1, RolloutState.IN_PROGRESS, "");
    History inProgress = ServiceDeployments.changed(requested, List.of(), List.of(back), T2);
    assertEquals(Status.ROLLBACK_IN_PROGRESS, inProgress.deployment(id).orElseThrow().status());

    Deployment failed = deployment(BACK, DeploymentStatus.PRIMARY, TD1, RolloutState.FAILED, "no");
    History end = ServiceDeployments.changed(inProgress, List.of(back), List.of(failed), T3);
    assertEquals(Status.ROLLBACK_FAILED, end.deployment(id).orElseThrow().status());
  }

  @Test
  void aDeploymentStartedOverOneUnderWayStopsIt() {
    History h = updated(false);
    Deployment d2 = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.IN_PROGRESS, null);
    Deployment d3 = deployment(BACK, DeploymentStatus.PRIMARY, TD1, RolloutState.IN_PROGRESS, null);

    History after =
        ServiceDeployments.started(h, view(List.of(d2), false), d3, view(List.of(d2, d3), false));

    assertEquals(Status.STOPPED, after.deployments().get(1).status());
    assertEquals(Status.IN_PROGRESS, after.deployments().get(2).status());
    assertEquals(List.of("2000000000000000002"), after.deployments().get(2).sourceRevisionIds());
  }

  @Test
  void listingIsNewestFirstFilteredAndPaged() {
    History h = History.EMPTY;
    List<Deployment> all = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Deployment d =
          new Deployment(
              "ecs-svc/" + (1000 + i),
              DeploymentStatus.PRIMARY,
              TD1,
              RolloutState.IN_PROGRESS,
              null,
              0,
              T0.plusSeconds(i),
              T0.plusSeconds(i));
      h = ServiceDeployments.started(h, view(List.copyOf(all), false), d, view(all, false));
      all.add(d);
    }

    var first = ServiceDeployments.page(h, new ListQuery(Set.of(), null, null, null, 2));
    assertEquals(
        List.of("1005", "1004"),
        first.deployments().stream().map(Record::targetRevisionId).toList());
    assertTrue(first.more());
    var second =
        ServiceDeployments.page(
            h, new ListQuery(Set.of(), null, null, first.deployments().get(1).id(), 2));
    assertEquals(
        List.of("1003", "1002"),
        second.deployments().stream().map(Record::targetRevisionId).toList());
    var running =
        ServiceDeployments.page(h, new ListQuery(Set.of(Status.IN_PROGRESS), null, null, null, 10));
    assertEquals(
        List.of("1005"), running.deployments().stream().map(Record::targetRevisionId).toList());
    var after =
        ServiceDeployments.page(h, new ListQuery(Set.of(), T0.plusSeconds(3), null, null, 10));
    assertEquals(2, after.deployments().size());
    assertFalse(after.more());
  }

  @Test
  void aServiceFromBeforeTheHistoryGetsOneDerivedFromItsDeployments() {
    Deployment d1 = deployment(D1, DeploymentStatus.INACTIVE, TD1, RolloutState.COMPLETED, "");
    Deployment d2 = deployment(D2, DeploymentStatus.PRIMARY, TD2, RolloutState.IN_PROGRESS, null);

    History h = ServiceDeployments.derivedFrom(view(List.of(d1, d2), false));

    assertEquals(
        List.of(Status.SUCCESSFUL, Status.IN_PROGRESS),
        h.deployments().stream().map(Record::status).toList());
    assertEquals(2, h.revisions().size());
  }
}
