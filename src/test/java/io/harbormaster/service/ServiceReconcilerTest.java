package io.harbormaster.service;

import static io.harbormaster.service.ReconcilerFixtures.LOST_HOST_TIMEOUT;
import static io.harbormaster.service.ReconcilerFixtures.T0;
import static io.harbormaster.service.ReconcilerFixtures.TD1;
import static io.harbormaster.service.ReconcilerFixtures.TD2;
import static io.harbormaster.service.ReconcilerFixtures.active;
import static io.harbormaster.service.ReconcilerFixtures.activeInstance;
import static io.harbormaster.service.ReconcilerFixtures.daemon;
import static io.harbormaster.service.ReconcilerFixtures.desiredStopped;
import static io.harbormaster.service.ReconcilerFixtures.disconnectedInstance;
import static io.harbormaster.service.ReconcilerFixtures.drainingInstance;
import static io.harbormaster.service.ReconcilerFixtures.exitedAfterRunning;
import static io.harbormaster.service.ReconcilerFixtures.failedToStart;
import static io.harbormaster.service.ReconcilerFixtures.pending;
import static io.harbormaster.service.ReconcilerFixtures.primary;
import static io.harbormaster.service.ReconcilerFixtures.replica;
import static io.harbormaster.service.ReconcilerFixtures.running;
import static io.harbormaster.service.ReconcilerFixtures.service;
import static io.harbormaster.service.ReconcilerFixtures.withCircuitBreaker;
import static io.harbormaster.service.ReconcilerFixtures.withFailed;
import static io.harbormaster.service.ReconcilerFixtures.withGrace;
import static io.harbormaster.service.ReconcilerFixtures.withHealth;
import static io.harbormaster.service.ReconcilerFixtures.withPercents;
import static io.harbormaster.service.ReconcilerFixtures.withStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.ServiceMessage;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.StopOrder;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceReconcilerTest {

  private static final Deployment D1_DONE = primary("d-1", TD1, RolloutState.COMPLETED);
  private static final Deployment D1_NEW = primary("d-1", TD1, RolloutState.IN_PROGRESS);
  private static final Deployment D2_NEW = primary("d-2", TD2, RolloutState.IN_PROGRESS);
  private static final Deployment D1_OLD = active("d-1", TD1);

  private static Decision reconcile(Input input) {
    Decision decision = ServiceReconciler.reconcile(input);
    assertEquals(
        decision, ServiceReconciler.reconcile(input), "the same input must give the same decision");
    return decision;
  }

  private static List<String> stopped(Decision d) {
    return d.stops().stream().map(StopOrder::taskId).toList();
  }

  private static List<String> said(Decision d) {
    return d.messages().stream().map(ServiceMessage::message).toList();
  }

  private static Deployment deployment(Decision d, String id) {
    return d.deployments().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
  }

  private static Launch replicas(Deployment d, int count) {
    return new Launch(d.id(), d.taskDefinitionArn(), count, Optional.empty());
  }

  private static Launch onInstance(Deployment d, String instance) {
    return new Launch(d.id(), d.taskDefinitionArn(), 1, Optional.of(instance));
  }

  // ---- REPLICA: keeping the count ----

  @Test
  void place_noExisting() {
    Decision d =
        reconcile(service(replica(3)).deployments(D1_NEW).instances(activeInstance("a")).input());

    assertEquals(List.of(replicas(D1_NEW, 3)), d.launches());
    assertEquals(List.of(), d.stops());
    assertFalse(d.steady());
    assertEquals(RolloutState.IN_PROGRESS, deployment(d, "d-1").rolloutState());
  }

  @Test
  void place_desiredZero_isAtOnceSteadyAndCompleted() {
    Decision d =
        reconcile(service(replica(0)).deployments(D1_NEW).instances(activeInstance("a")).input());

    assertEquals(List.of(), d.launches());
    assertTrue(d.steady());
    assertEquals(RolloutState.COMPLETED, deployment(d, "d-1").rolloutState());
  }

  @Test
  void scaleUp() {
    Decision d =
        reconcile(
            service(replica(4))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "a"))
                .input());

    assertEquals(List.of(replicas(D1_DONE, 2)), d.launches());
    assertEquals(List.of(), d.stops());
    assertFalse(d.steady());
  }

  @Test
  void scaleUp_cappedByMaximumPercentOfTheNewCount() {
    // 3 × 100% = 3 tasks at most, one of them still stopping: only one more may start now
    Decision d =
        reconcile(
            service(withPercents(replica(3), 0, 100))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), desiredStopped(running("t2", "d-1", "a")))
                .input());

    assertEquals(List.of(replicas(D1_DONE, 1)), d.launches());
  }

  @Test
  void scaleDown_partial() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a", T0.minusSeconds(400)),
                    running("t2", "d-1", "a", T0.minusSeconds(300)),
                    running("t3", "d-1", "a", T0.minusSeconds(200)),
                    running("t4", "d-1", "a", T0.minusSeconds(100)))
                .input());

    // newest first
    assertEquals(List.of("t4", "t3"), stopped(d));
    assertEquals(List.of(), d.launches());
    assertEquals(ServiceReconciler.STOP_CODE, d.stops().get(0).stopCode());
    assertEquals("Scaling activity initiated by (deployment d-1)", d.stops().get(0).reason());
    assertEquals(
        List.of("(service web) has stopped 2 running tasks: (task t4) (task t3)."), said(d));
    assertFalse(d.steady());
  }

  @Test
  void scaleDown_stopsPendingFirst() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a", T0.minusSeconds(400)),
                    pending("t2", "d-1", "a"),
                    running("t3", "d-1", "a", T0.minusSeconds(1)),
                    pending("t4", "d-1", "a"))
                .input());

    assertEquals(List.of("t4", "t2"), stopped(d));
  }

  @Test
  void scaleDown_toZero_stopsEverything() {
    Decision d =
        reconcile(
            service(replica(0))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), pending("t2", "d-1", "a"))
                .input());

    assertEquals(List.of("t2", "t1"), stopped(d));
  }

  @Test
  void replace_stoppedTask() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), exitedAfterRunning("t2", "d-1", "a"))
                .input());

    assertEquals(List.of("t2"), d.forget());
    assertEquals(List.of(replicas(D1_DONE, 1)), d.launches());
    // it ran, so it is no start failure
    assertEquals(Throttle.NONE, d.throttle());
    assertEquals(0, deployment(d, "d-1").failedTasks());
  }

  @Test
  void replace_unhealthyAfterGrace() {
    ServiceTask sick =
        withHealth(running("t2", "d-1", "a", T0.minusSeconds(31)), TaskHealth.UNHEALTHY);
    Decision d =
        reconcile(
            service(withGrace(replica(2), Duration.ofSeconds(30)))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), sick)
                .input());

    assertEquals(
        List.of(
            new StopOrder("t2", ServiceReconciler.STOP_CODE, ServiceReconciler.UNHEALTHY_REASON)),
        d.stops());
    // the sick task still counts against 200% until it has stopped: 2 + 1 ≤ 4
    assertEquals(List.of(replicas(D1_DONE, 1)), d.launches());
  }

  @Test
  void replace_unhealthy_notHeldBackByMinimumHealthy() {
    ServiceTask sick = withHealth(running("t1", "d-1", "a"), TaskHealth.UNHEALTHY);
    Decision d =
        reconcile(
            service(withPercents(replica(1), 100, 100))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(sick)
                .input());

    assertEquals(List.of("t1"), stopped(d));
    assertEquals(
        List.of(), d.launches(), "100% maximum: the replacement waits for the sick task to stop");
  }

  @Test
  void unhealthyWithinGrace_kept() {
    ServiceTask sick =
        withHealth(running("t2", "d-1", "a", T0.minusSeconds(10)), TaskHealth.UNHEALTHY);
    Decision d =
        reconcile(
            service(withGrace(replica(2), Duration.ofSeconds(30)))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), sick)
                .input());

    assertEquals(List.of(), d.stops());
    assertEquals(List.of(), d.launches());
    assertFalse(d.steady());
    assertEquals(Optional.of(T0.plusSeconds(20)), d.wakeAt());
  }

  @Test
  void steadyState_saidOnce() {
    var service =
        service(replica(2))
            .deployments(D1_DONE)
            .instances(activeInstance("a"))
            .tasks(
                running("t1", "d-1", "a"),
                withHealth(running("t2", "d-1", "a"), TaskHealth.HEALTHY));

    Decision first = reconcile(service.input());
    assertTrue(first.steady());
    assertEquals(
        List.of(
            new ServiceMessage(
                ServiceReconciler.STEADY_STATE,
                "INFO",
                "(service web) has reached a steady state.")),
        first.messages());

    Input again = service.steady(true).input();
    Decision second = reconcile(again);
    assertTrue(second.steady());
    assertEquals(List.of(), second.messages());
    assertTrue(second.changesNothing(again));
  }

  @Test
  void steadyState_lostWhenATaskStops_saidAgainOnReturn() {
    Decision broken =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .steady(true)
                .tasks(running("t1", "d-1", "a"), exitedAfterRunning("t2", "d-1", "a"))
                .input());
    assertFalse(broken.steady());

    Decision healed =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .steady(broken.steady())
                .tasks(running("t1", "d-1", "a"), running("t3", "d-1", "a"))
                .input());
    assertEquals(List.of("(service web) has reached a steady state."), said(healed));
  }

  // ---- rolling updates ----

  @Test
  void rollingUpdate_startsNewTasksFirstWithinMaximumPercent() {
    Decision d =
        reconcile(
            service(withPercents(replica(4), 100, 150))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a"),
                    running("t2", "d-1", "a"),
                    running("t3", "d-1", "a"),
                    running("t4", "d-1", "a"))
                .input());

    assertEquals(List.of(replicas(D2_NEW, 2)), d.launches());
    assertEquals(List.of(), d.stops(), "100% minimum: every old task is still needed");
  }

  @Test
  void rollingUpdate_respectsMinHealthy() {
    // 4 × 75% = 3 healthy must stay; the 2 new ones are RUNNING, so 3 of the 6 may go, all old,
    // newest first
    Decision d =
        reconcile(
            service(withPercents(replica(4), 75, 150))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a", T0.minusSeconds(40)),
                    running("t2", "d-1", "a", T0.minusSeconds(30)),
                    running("t3", "d-1", "a", T0.minusSeconds(20)),
                    running("t4", "d-1", "a", T0.minusSeconds(10)),
                    running("n1", "d-2", "a"),
                    running("n2", "d-2", "a"))
                .input());

    assertEquals(List.of("t4", "t3", "t2"), stopped(d));
    assertEquals("Scaling activity initiated by (deployment d-2)", d.stops().get(0).reason());
    assertEquals(List.of(), d.launches(), "6 tasks = 150% of 4 until the stopped ones are STOPPED");
  }

  @Test
  void rollingUpdate_pendingNewTasksAreNotHealthyYet() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a"),
                    running("t2", "d-1", "a"),
                    pending("n1", "d-2", "a"),
                    pending("n2", "d-2", "a"))
                .input());

    assertEquals(List.of(), d.stops());
    assertEquals(List.of(), d.launches());
  }

  @Test
  void rollingUpdate_respectsMaxPercent() {
    // 4 × 125% = 5: the old task still stopping counts, so no new task may start
    Decision d =
        reconcile(
            service(withPercents(replica(4), 50, 125))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a"),
                    running("t2", "d-1", "a"),
                    running("t3", "d-1", "a"),
                    desiredStopped(running("t4", "d-1", "a")),
                    pending("n1", "d-2", "a"))
                .input());

    assertEquals(List.of(), d.launches());
    // 4 × 50% = 2 healthy: one of the three old RUNNING ones may still go
    assertEquals(List.of("t3"), stopped(d));
  }

  @Test
  void rollingUpdate_minimumZero_stopsOldBeforeStartingNew() {
    Decision d =
        reconcile(
            service(withPercents(replica(2), 0, 100))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "a"))
                .input());

    assertEquals(List.of("t2", "t1"), stopped(d));
    assertEquals(List.of(), d.launches());
  }

  @Test
  void rollingUpdate_completes() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    exitedAfterRunning("t1", "d-1", "a"),
                    running("n1", "d-2", "a"),
                    running("n2", "d-2", "a"))
                .input());

    assertEquals(List.of("t1"), d.forget());
    assertEquals(DeploymentStatus.INACTIVE, deployment(d, "d-1").status());
    Deployment done = deployment(d, "d-2");
    assertEquals(RolloutState.COMPLETED, done.rolloutState());
    assertEquals("ECS deployment d-2 completed.", done.rolloutStateReason());
    assertEquals(T0, done.updatedAt());
    assertEquals(
        List.of(
            "(service web) (deployment d-2) deployment completed.",
            "(service web) has reached a steady state."),
        said(d));
    assertTrue(d.steady());
  }

  @Test
  void rollingUpdate_notCompleteWhileAnOldTaskIsStopping() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    desiredStopped(running("t1", "d-1", "a")),
                    running("n1", "d-2", "a"),
                    running("n2", "d-2", "a"))
                .input());

    assertEquals(DeploymentStatus.ACTIVE, deployment(d, "d-1").status());
    assertEquals(RolloutState.IN_PROGRESS, deployment(d, "d-2").rolloutState());
    assertFalse(d.steady());
    assertTrue(
        d.changesNothing(
            service(replica(2))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"))
                .tasks(
                    desiredStopped(running("t1", "d-1", "a")),
                    running("n1", "d-2", "a"),
                    running("n2", "d-2", "a"))
                .input()));
  }

  // ---- draining instances ----

  @Test
  void drainingInstance_pendingStoppedAtOnce() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"), drainingInstance("b"))
                .tasks(running("t1", "d-1", "a"), pending("t2", "d-1", "b"))
                .input());

    assertEquals(
        List.of(
            new StopOrder("t2", ServiceReconciler.STOP_CODE, "Container instance b is draining")),
        d.stops());
    assertEquals(List.of(replicas(D1_DONE, 1)), d.launches());
  }

  @Test
  void drainingInstance_runningReplacedWithinBounds() {
    var draining =
        service(replica(2))
            .deployments(D1_DONE)
            .instances(activeInstance("a"), drainingInstance("b"));

    Decision first =
        reconcile(draining.tasks(running("t1", "d-1", "b"), running("t2", "d-1", "b")).input());
    assertEquals(
        List.of(replicas(D1_DONE, 2)), first.launches(), "replacements first, as 200% allows");
    assertEquals(
        List.of(), first.stops(), "100% minimum: the draining copies serve until replacements run");

    Decision starting =
        reconcile(draining.tasks(pending("n1", "d-1", "a"), pending("n2", "d-1", "a")).input());
    assertEquals(List.of(), starting.launches());
    assertEquals(List.of(), starting.stops());

    Decision replaced =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"), drainingInstance("b"))
                .tasks(
                    running("t1", "d-1", "b"),
                    running("t2", "d-1", "b"),
                    running("n1", "d-1", "a"),
                    running("n2", "d-1", "a"))
                .input());
    assertEquals(List.of("t2", "t1"), stopped(replaced));
    assertEquals("Container instance b is draining", replaced.stops().get(0).reason());
    assertEquals(List.of(), replaced.launches());
  }

  @Test
  void drainingInstance_minimumFiftyPercent_stopsOneAtATime() {
    Decision d =
        reconcile(
            service(withPercents(replica(2), 50, 100))
                .deployments(D1_DONE)
                .instances(activeInstance("a"), drainingInstance("b"))
                .tasks(
                    running("t1", "d-1", "b", T0.minusSeconds(20)),
                    running("t2", "d-1", "b", T0.minusSeconds(10)))
                .input());

    assertEquals(
        List.of(), d.launches(), "100% maximum: no room before a draining copy has stopped");
    assertEquals(List.of("t2"), stopped(d));
  }

  // ---- lost hosts ----

  @Test
  void lostHost_replaced() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(
                    activeInstance("a"), disconnectedInstance("b", T0.minus(LOST_HOST_TIMEOUT)))
                .tasks(running("t1", "d-1", "b"), running("t2", "d-1", "b"))
                .input());

    assertEquals(List.of("t1", "t2"), stopped(d));
    assertEquals("The agent of container instance b was lost", d.stops().get(0).reason());
    assertEquals(
        List.of(replicas(D1_DONE, 2)),
        d.launches(),
        "lost tasks no longer count against the maximum");
  }

  @Test
  void lostHost_beforeTimeout_keptAndWatched() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"), disconnectedInstance("b", T0.minusSeconds(60)))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "b"))
                .input());

    assertEquals(List.of(), d.stops());
    assertEquals(List.of(), d.launches());
    assertEquals(Optional.of(T0.minusSeconds(60).plus(LOST_HOST_TIMEOUT)), d.wakeAt());
  }

  @Test
  void lostHost_ordersGivenOnce_thenSteadyWithoutTheLostCopies() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(
                    activeInstance("a"), disconnectedInstance("b", T0.minus(LOST_HOST_TIMEOUT)))
                .tasks(
                    desiredStopped(running("t1", "d-1", "b")),
                    running("n1", "d-1", "a"),
                    running("n2", "d-1", "a"))
                .input());

    assertEquals(List.of(), d.stops());
    assertEquals(List.of(), d.launches());
    assertTrue(d.steady());
  }

  @Test
  void lostHost_returning_staleStopped() {
    var returned =
        service(replica(2))
            .deployments(D1_DONE)
            .instances(activeInstance("a"), activeInstance("b"));

    // the agent is back; its copies carry the stop order and count again until they have stopped
    Decision stopping =
        reconcile(
            returned
                .tasks(
                    desiredStopped(running("t1", "d-1", "b")),
                    desiredStopped(running("t2", "d-1", "b")),
                    running("n1", "d-1", "a"),
                    running("n2", "d-1", "a"))
                .input());
    assertEquals(List.of(), stopping.launches());
    assertEquals(List.of(), stopping.stops());
    assertFalse(stopping.steady());

    Decision gone =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"), activeInstance("b"))
                .tasks(
                    stoppedByScheduler(running("t1", "d-1", "b")),
                    stoppedByScheduler(running("t2", "d-1", "b")),
                    running("n1", "d-1", "a"),
                    running("n2", "d-1", "a"))
                .input());
    assertEquals(List.of("t1", "t2"), gone.forget());
    assertTrue(gone.steady());
    assertEquals(Throttle.NONE, gone.throttle());
  }

  @Test
  void deregisteredInstance_tasksReplaced() {
    Decision d =
        reconcile(
            service(replica(1))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "gone"))
                .input());

    assertEquals(List.of("t1"), stopped(d));
    assertEquals(List.of(replicas(D1_DONE, 1)), d.launches());
  }

  private static ServiceTask stoppedByScheduler(ServiceTask t) {
    return new ServiceTask(
        t.taskId(),
        t.deploymentId(),
        t.instanceId(),
        io.harbormaster.task.TaskStatus.STOPPED,
        true,
        t.health(),
        t.startedAt(),
        ServiceReconciler.STOP_CODE,
        "The agent of container instance " + t.instanceId() + " was lost");
  }

  // ---- circuit breaker ----

  @Test
  void circuitBreaker_threshold() {
    assertEquals(3, RolloutBounds.circuitBreakerThreshold(1));
    assertEquals(3, RolloutBounds.circuitBreakerThreshold(2));
    assertEquals(3, RolloutBounds.circuitBreakerThreshold(6));
    assertEquals(4, RolloutBounds.circuitBreakerThreshold(7));
    assertEquals(13, RolloutBounds.circuitBreakerThreshold(25));
    assertEquals(200, RolloutBounds.circuitBreakerThreshold(401));
    assertEquals(200, RolloutBounds.circuitBreakerThreshold(5000));
  }

  @Test
  void circuitBreaker_countsStartFailures() {
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), false))
                .deployments(D1_NEW)
                .instances(activeInstance("a"))
                .tasks(failedToStart("t1", "d-1", "a"), pending("t2", "d-1", "a"))
                .input());

    assertEquals(1, deployment(d, "d-1").failedTasks());
    assertEquals(RolloutState.IN_PROGRESS, deployment(d, "d-1").rolloutState());
    assertEquals(List.of(replicas(D1_NEW, 1)), d.launches());
  }

  @Test
  void circuitBreaker_failsDeployment() {
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), false))
                .deployments(withFailed(D1_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(failedToStart("t3", "d-1", "a"), pending("t4", "d-1", "a"))
                .input());

    Deployment failed = deployment(d, "d-1");
    assertEquals(RolloutState.FAILED, failed.rolloutState());
    assertEquals(DeploymentStatus.PRIMARY, failed.status());
    assertEquals(3, failed.failedTasks());
    assertEquals(
        "ECS deployment circuit breaker: tasks failed to start.", failed.rolloutStateReason());
    assertEquals(
        List.of(
            new ServiceMessage(
                ServiceReconciler.DEPLOYMENT_FAILED,
                "ERROR",
                "(service web) (deployment d-1) deployment failed: tasks failed to start.")),
        d.messages());
    assertEquals(List.of(), d.launches(), "a FAILED deployment launches nothing more");
  }

  @Test
  void circuitBreaker_disabled_onlyCounts() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(withFailed(D1_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(failedToStart("t3", "d-1", "a"), pending("t4", "d-1", "a"))
                .input());

    assertEquals(3, deployment(d, "d-1").failedTasks());
    assertEquals(RolloutState.IN_PROGRESS, deployment(d, "d-1").rolloutState());
    assertEquals(List.of(replicas(D1_NEW, 1)), d.launches());
  }

  @Test
  void circuitBreaker_rollsBack() {
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), true))
                .deployments(D1_OLD, withFailed(D2_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a"),
                    running("t2", "d-1", "a"),
                    failedToStart("n3", "d-2", "a"),
                    pending("n4", "d-2", "a"))
                .input());

    Deployment failed = deployment(d, "d-2");
    assertEquals(DeploymentStatus.ACTIVE, failed.status());
    assertEquals(RolloutState.FAILED, failed.rolloutState());
    Deployment rollback = deployment(d, "d-new");
    assertEquals(DeploymentStatus.PRIMARY, rollback.status());
    assertEquals(TD1, rollback.taskDefinitionArn());
    assertEquals(RolloutState.IN_PROGRESS, rollback.rolloutState());
    assertTrue(
        rollback.rolloutStateReason().contains("rolling back from failed deployment d-2"),
        rollback.rolloutStateReason());
    assertEquals(
        List.of(
            ServiceReconciler.DEPLOYMENT_FAILED,
            ServiceReconciler.DEPLOYMENT_IN_PROGRESS,
            ServiceReconciler.TASKS_STOPPED),
        d.messages().stream().map(ServiceMessage::eventName).toList());
    // the failed deployment's pending task is not healthy and goes at once; the old tasks wait for
    // their successors
    assertEquals(List.of("n4"), stopped(d));
    // n4 counts against 200% of 2 until it has stopped: room for one
    assertEquals(List.of(replicas(rollback, 1)), d.launches());
    assertEquals(Throttle.NONE, d.throttle());
  }

  @Test
  void circuitBreaker_rollsBackToTheNewestCompletedEvenIfInactive() {
    Deployment older = withStatus(active("d-0", "arn:td/web:0"), DeploymentStatus.INACTIVE);
    Deployment newer =
        new Deployment(
            "d-1",
            DeploymentStatus.INACTIVE,
            TD1,
            RolloutState.COMPLETED,
            null,
            0,
            T0.minusSeconds(60),
            T0);
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(1), true))
                .deployments(older, newer, withFailed(D2_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(failedToStart("n3", "d-2", "a"))
                .input());

    assertEquals(TD1, deployment(d, "d-new").taskDefinitionArn());
    assertEquals(
        DeploymentStatus.INACTIVE, deployment(d, "d-2").status(), "nothing of it is left to drain");
  }

  @Test
  void circuitBreaker_noCompletedDeployment_stalls() {
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), true))
                .deployments(withFailed(D1_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(failedToStart("t3", "d-1", "a"))
                .input());

    assertEquals(RolloutState.FAILED, deployment(d, "d-1").rolloutState());
    assertEquals(1, d.deployments().size());
    assertEquals(List.of(), d.launches());
  }

  @Test
  void circuitBreaker_countsUnhealthyReplacements() {
    ServiceTask sick = withHealth(running("n1", "d-2", "a"), TaskHealth.UNHEALTHY);
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), true))
                .deployments(D1_OLD, withFailed(D2_NEW, 2))
                .instances(activeInstance("a"))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "a"), sick)
                .input());

    assertEquals(RolloutState.FAILED, deployment(d, "d-2").rolloutState());
    assertEquals(
        "ECS deployment circuit breaker: tasks failed health checks.",
        deployment(d, "d-2").rolloutStateReason());
    assertEquals(List.of("n1"), stopped(d));
  }

  @Test
  void circuitBreaker_desiredTwo_tripsOnTheThirdFailureWithoutBackoff() {
    Input input =
        service(withCircuitBreaker(replica(2), true))
            .deployments(D1_OLD, withFailed(D2_NEW, 2))
            .throttle(new Throttle(2, T0.minusSeconds(5)))
            .instances(activeInstance("a"))
            .tasks(
                running("t1", "d-1", "a"),
                running("t2", "d-1", "a"),
                failedToStart("n3", "d-2", "a"))
            .input();

    Decision d = reconcile(input);

    assertEquals(RolloutState.FAILED, deployment(d, "d-2").rolloutState());
    assertEquals(List.of(replicas(deployment(d, "d-new"), 2)), d.launches());
  }

  // ---- start throttling ----

  @Test
  void throttle_backoffSchedule() {
    assertEquals(Duration.ZERO, ThrottleBackoff.delayAfter(0));
    assertEquals(Duration.ZERO, ThrottleBackoff.delayAfter(3));
    assertEquals(Duration.ofSeconds(10), ThrottleBackoff.delayAfter(4));
    assertEquals(Duration.ofSeconds(20), ThrottleBackoff.delayAfter(5));
    assertEquals(Duration.ofSeconds(1280), ThrottleBackoff.delayAfter(11));
    assertEquals(Duration.ofMinutes(27), ThrottleBackoff.delayAfter(12));
    assertEquals(Duration.ofMinutes(27), ThrottleBackoff.delayAfter(Integer.MAX_VALUE));
  }

  @Test
  void throttle_growsBackoff() {
    var failing = service(replica(1)).deployments(D1_DONE).instances(activeInstance("a"));

    Decision fourth =
        reconcile(
            failing
                .throttle(new Throttle(3, T0.minusSeconds(30)))
                .tasks(failedToStart("t4", "d-1", "a"))
                .input());
    assertEquals(new Throttle(4, T0.plusSeconds(10)), fourth.throttle());
    assertEquals(List.of(), fourth.launches());
    assertEquals(Optional.of(T0.plusSeconds(10)), fourth.wakeAt());
    assertEquals(
        List.of(
            new ServiceMessage(
                ServiceReconciler.TASK_START_IMPAIRED,
                "WARN",
                "(service web) is unable to consistently start tasks successfully.")),
        fourth.messages());

    Decision waiting =
        reconcile(
            service(replica(1))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .throttle(fourth.throttle())
                .now(T0.plusSeconds(9))
                .input());
    assertEquals(List.of(), waiting.launches());
    assertEquals(Optional.of(T0.plusSeconds(10)), waiting.wakeAt());

    Decision due =
        reconcile(
            service(replica(1))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .throttle(fourth.throttle())
                .now(T0.plusSeconds(10))
                .input());
    assertEquals(List.of(replicas(D1_DONE, 1)), due.launches());

    Decision fifth =
        reconcile(
            service(replica(1))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .throttle(fourth.throttle())
                .now(T0.plusSeconds(15))
                .tasks(failedToStart("t5", "d-1", "a"))
                .input());
    assertEquals(new Throttle(5, T0.plusSeconds(35)), fifth.throttle());
  }

  @Test
  void throttle_firstFailuresCostNothing() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(failedToStart("t1", "d-1", "a"), failedToStart("t2", "d-1", "a"))
                .input());

    assertEquals(new Throttle(2, T0), d.throttle());
    assertEquals(List.of(replicas(D1_DONE, 2)), d.launches());
    assertEquals(List.of(), d.messages());
  }

  @Test
  void throttle_resetByRunning() {
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .throttle(new Throttle(6, T0.minusSeconds(10)))
                .tasks(running("t1", "d-1", "a", T0.minusSeconds(5)), pending("t2", "d-1", "a"))
                .input());

    assertEquals(Throttle.NONE, d.throttle());
  }

  @Test
  void throttle_notResetByATaskThatRanBeforeTheFailures() {
    Throttle throttled = new Throttle(6, T0.plusSeconds(60));
    Decision d =
        reconcile(
            service(replica(2))
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .throttle(throttled)
                .tasks(running("t1", "d-1", "a", T0.minusSeconds(600)))
                .input());

    assertEquals(throttled, d.throttle());
    assertEquals(List.of(), d.launches());
  }

  @Test
  void throttle_tasksStoppedByTheSchedulerOrAUserAreNoFailures() {
    ServiceTask user =
        new ServiceTask(
            "t2",
            "d-1",
            "a",
            io.harbormaster.task.TaskStatus.STOPPED,
            true,
            TaskHealth.UNKNOWN,
            null,
            "UserInitiated",
            "stopped by user");
    Decision d =
        reconcile(
            service(withCircuitBreaker(replica(2), false))
                .deployments(D1_NEW)
                .instances(activeInstance("a"))
                .tasks(stoppedByScheduler(pending("t1", "d-1", "a")), user)
                .input());

    assertEquals(Throttle.NONE, d.throttle());
    assertEquals(0, deployment(d, "d-1").failedTasks());
    assertEquals(List.of("t1", "t2"), d.forget());
  }

  // ---- DAEMON ----

  @Test
  void daemon_onePerActiveInstance() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_NEW)
                .instances(
                    activeInstance("a"),
                    activeInstance("b"),
                    drainingInstance("c"),
                    disconnectedInstance("d", T0.minus(LOST_HOST_TIMEOUT)),
                    new ServiceReconciler.Instance(
                        "e", ContainerInstance.Status.INACTIVE, false, null))
                .input());

    assertEquals(List.of(onInstance(D1_NEW, "a"), onInstance(D1_NEW, "b")), d.launches());
    assertEquals(
        2,
        ServiceReconciler.desiredCount(
            service(daemon())
                .deployments(D1_NEW)
                .instances(activeInstance("a"), activeInstance("b"), drainingInstance("c"))
                .input()));
  }

  @Test
  void daemon_newInstanceGetsTask() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_DONE)
                .steady(true)
                .instances(activeInstance("a"), activeInstance("b"))
                .tasks(running("t1", "d-1", "a"))
                .input());

    assertEquals(List.of(onInstance(D1_DONE, "b")), d.launches());
    assertFalse(d.steady());
  }

  @Test
  void daemon_steadyWithOneOnEach() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_NEW)
                .instances(activeInstance("a"), activeInstance("b"))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "b"))
                .input());

    assertTrue(d.steady());
    assertEquals(RolloutState.COMPLETED, deployment(d, "d-1").rolloutState());
  }

  @Test
  void daemon_drainingInstance_taskStopped() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_DONE)
                .instances(activeInstance("a"), drainingInstance("b"))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "b"))
                .input());

    assertEquals(List.of("t2"), stopped(d));
    assertEquals(List.of(), d.launches());
  }

  @Test
  void daemon_twoOnOneInstance_newerStopped() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_DONE)
                .instances(activeInstance("a"))
                .tasks(
                    running("t1", "d-1", "a", T0.minusSeconds(60)),
                    running("t2", "d-1", "a", T0.minusSeconds(5)))
                .input());

    assertEquals(List.of("t2"), stopped(d));
  }

  @Test
  void daemon_rollingUpdate_stopsOldThenStartsNewOnFreedInstances() {
    var update =
        service(withPercents(daemon(), 50, 100))
            .deployments(D1_OLD, D2_NEW)
            .instances(activeInstance("a"), activeInstance("b"));

    Decision first =
        reconcile(update.tasks(running("t1", "d-1", "a"), running("t2", "d-1", "b")).input());
    assertEquals(List.of(), first.launches(), "100%: every instance's slot is taken");
    assertEquals(List.of("t2"), stopped(first), "50% of 2: one old task may go");

    Decision second =
        reconcile(
            service(withPercents(daemon(), 50, 100))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"), activeInstance("b"))
                .tasks(running("t1", "d-1", "a"), stoppedByScheduler(running("t2", "d-1", "b")))
                .input());
    assertEquals(List.of(onInstance(D2_NEW, "b")), second.launches(), "only on the freed instance");
    assertEquals(List.of(), second.stops());

    Decision third =
        reconcile(
            service(withPercents(daemon(), 50, 100))
                .deployments(D1_OLD, D2_NEW)
                .instances(activeInstance("a"), activeInstance("b"))
                .tasks(running("t1", "d-1", "a"), running("n2", "d-2", "b"))
                .input());
    assertEquals(List.of("t1"), stopped(third));
  }

  @Test
  void daemon_disconnectedInstance_keepsItsTaskButGetsNoLaunch() {
    Decision d =
        reconcile(
            service(daemon())
                .deployments(D1_DONE)
                .instances(
                    activeInstance("a"),
                    disconnectedInstance("b", T0.minusSeconds(10)),
                    disconnectedInstance("c", T0.minusSeconds(10)))
                .tasks(running("t1", "d-1", "a"), running("t2", "d-1", "b"))
                .input());

    assertEquals(List.of(), d.launches());
    assertEquals(List.of(), d.stops());
    assertEquals(
        3,
        ServiceReconciler.desiredCount(
            service(daemon())
                .instances(
                    activeInstance("a"),
                    disconnectedInstance("b", T0.minusSeconds(10)),
                    disconnectedInstance("c", T0.minusSeconds(10)))
                .input()));
  }
}
