package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.service.ReconcilerSimulation.Chaos;
import io.harbormaster.service.ServiceReconciler.Decision;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.Launch;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.Spec;
import io.harbormaster.service.ServiceReconciler.StopOrder;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.task.TaskStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Invariants of the reconciler over simulated service lives ({@link ReconcilerSimulation}): many
 * steps of random failures, health changes, draining, lost agents, scaling and new (sometimes
 * broken) task definitions, each decision checked against its input, then a calm phase in which the
 * service must settle.
 */
class ServiceReconcilerPropertiesTest {

  private static final int TRIES = 150;
  private static final int CHAOS_STEPS = 80;

  /**
   * 30 s a step: long enough to sit out the longest throttle (27 min) and every rolling step after
   * it.
   */
  private static final int CALM_STEPS = 200;

  /** A generated service and world. */
  record Scenario(Spec spec, int instances, long seed) {}

  /**
   * What the simulated lives must have exercised, as the least share of tries in which each
   * happened.
   */
  private static final Map<String, Double> LEAST_SHARE =
      Map.of(
          "throttled",
          10.0,
          "lost host",
          10.0,
          "draining",
          10.0,
          "unhealthy",
          20.0,
          ServiceReconciler.DEPLOYMENT_FAILED,
          5.0,
          ServiceReconciler.DEPLOYMENT_IN_PROGRESS,
          1.0,
          ServiceReconciler.DEPLOYMENT_COMPLETED,
          50.0,
          ServiceReconciler.TASK_START_IMPAIRED,
          10.0);

  @Property(tries = TRIES)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void everyDecisionKeepsTheRules(@ForAll("scenarios") Scenario scenario) {
    ReconcilerSimulation world =
        new ReconcilerSimulation(scenario.spec(), scenario.instances(), scenario.seed());
    Set<String> seen = new java.util.TreeSet<>();
    for (int step = 0; step < CHAOS_STEPS; step++) {
      Input input = world.input();
      Decision decision = ServiceReconciler.reconcile(input);
      checkRules(input, decision);
      seen.addAll(happenings(input, decision));
      world.apply(decision);
      world.happen(Chaos.ALL);
    }
    LEAST_SHARE.forEach(
        (what, least) -> {
          Statistics.label(what).collect(seen.contains(what));
          Statistics.label(what).coverage(c -> c.check(true).percentage(p -> p >= least));
        });
  }

  /** What a decision did, so the statistics show the rules were exercised. */
  private static Set<String> happenings(Input input, Decision decision) {
    Set<String> seen = new java.util.HashSet<>();
    var notBefore = decision.throttle().notBefore();
    if (notBefore != null && input.now().isBefore(notBefore)) seen.add("throttled");
    for (ServiceReconciler.ServiceMessage m : decision.messages()) seen.add(m.eventName());
    for (StopOrder s : decision.stops()) {
      if (s.reason().contains("was lost")) seen.add("lost host");
      if (s.reason().contains("draining")) seen.add("draining");
      if (s.reason().equals(ServiceReconciler.UNHEALTHY_REASON)) seen.add("unhealthy");
    }
    return seen;
  }

  @Property(tries = TRIES)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void settlesOnceNothingFails(@ForAll("scenarios") Scenario scenario) {
    ReconcilerSimulation world =
        new ReconcilerSimulation(scenario.spec(), scenario.instances(), scenario.seed());
    for (int step = 0; step < CHAOS_STEPS; step++) {
      Decision decision = ServiceReconciler.reconcile(world.input());
      world.apply(decision);
      world.happen(Chaos.ALL);
    }
    Input input = world.input();
    Decision decision = ServiceReconciler.reconcile(input);
    // at least one calm step, so every agent is back, before steadiness ends the phase
    for (int step = 0;
        step < CALM_STEPS && (step < 1 || !(decision.steady() && decision.changesNothing(input)));
        step++) {
      checkRules(input, decision);
      world.apply(decision);
      world.happen(Chaos.CALM);
      input = world.input();
      decision = ServiceReconciler.reconcile(input);
    }
    Deployment primary =
        input.deployments().stream()
            .filter(d -> d.status() == DeploymentStatus.PRIMARY)
            .findFirst()
            .orElseThrow();
    boolean stalled = primary.rolloutState() == RolloutState.FAILED || cannotMove(input);
    Statistics.label("outcome")
        .collect(stalled ? "stalled by its configuration or a failed deployment" : "settled");
    Statistics.label("outcome").coverage(c -> c.check("settled").percentage(p -> p >= 50));
    if (stalled) return;

    assertTrue(decision.steady(), () -> "not steady after the calm phase: " + world.input());
    assertTrue(decision.changesNothing(input), "a steady service still changes: " + decision);
    assertEquals(RolloutState.COMPLETED, primary.rolloutState());
    assertTrue(input.deployments().stream().noneMatch(d -> d.status() == DeploymentStatus.ACTIVE));
    long running = input.tasks().stream().filter(t -> t.lastStatus() == TaskStatus.RUNNING).count();
    assertEquals(ServiceReconciler.desiredCount(input), running, input::toString);
  }

  /**
   * With a fixed desired count and agents that never go away (so no lost copy comes back to be
   * counted again), the non-stopped tasks never exceed the maximum, whatever else happens.
   */
  @Property(tries = TRIES)
  void neverMoreTasksThanTheMaximum(@ForAll("scenarios") Scenario scenario) {
    Spec spec = scenario.spec();
    if (spec.scheduling() == SchedulingStrategy.DAEMON) {
      spec =
          ReconcilerFixtures.withPercents(
              ReconcilerFixtures.replica(3), spec.minimumHealthyPercent(), spec.maximumPercent());
    }
    ReconcilerSimulation world =
        new ReconcilerSimulation(spec, scenario.instances(), scenario.seed());
    int max =
        RolloutBounds.of(spec.desiredCount(), spec.minimumHealthyPercent(), spec.maximumPercent())
            .maxTotal();
    for (int step = 0; step < CHAOS_STEPS; step++) {
      Decision decision = ServiceReconciler.reconcile(world.input());
      world.apply(decision);
      long live =
          world.input().tasks().stream().filter(t -> t.lastStatus() != TaskStatus.STOPPED).count();
      assertTrue(live <= max, live + " non-stopped tasks, maximum " + max);
      world.happen(new Chaos(true, true, false, false));
    }
  }

  /** Every rule one decision must keep, checked against the input it was made from. */
  private static void checkRules(Input input, Decision decision) {
    assertEquals(
        decision, ServiceReconciler.reconcile(input), "the same input gave another decision");

    int desired = ServiceReconciler.desiredCount(input);
    RolloutBounds bounds =
        RolloutBounds.of(
            desired, input.spec().minimumHealthyPercent(), input.spec().maximumPercent());
    Map<String, ServiceTask> tasks =
        input.tasks().stream().collect(Collectors.toMap(ServiceTask::taskId, Function.identity()));

    // launches: within the maximum, not while throttled, DAEMON ones on usable instances only
    int launched = decision.launches().stream().mapToInt(Launch::count).sum();
    long live =
        input.tasks().stream()
            .filter(t -> t.lastStatus() != TaskStatus.STOPPED && !lost(input, t))
            .count();
    if (launched > 0) {
      assertTrue(
          live + launched <= bounds.maxTotal(),
          "launched " + launched + " onto " + live + " with maximum " + bounds.maxTotal());
      var notBefore = decision.throttle().notBefore();
      assertTrue(notBefore == null || !input.now().isBefore(notBefore), "launched while throttled");
      Deployment primary =
          decision.deployments().stream()
              .filter(d -> d.status() == DeploymentStatus.PRIMARY)
              .findFirst()
              .orElseThrow();
      assertTrue(primary.rolloutState() != RolloutState.FAILED, "launched for a FAILED deployment");
    }
    for (Launch l : decision.launches()) {
      assertTrue(l.count() > 0);
      if (input.spec().scheduling() == SchedulingStrategy.DAEMON) {
        Instance at = input.instances().get(l.instanceId().orElseThrow());
        assertEquals(
            ContainerInstance.Status.ACTIVE,
            at.status(),
            "DAEMON launch on a " + at.status() + " instance");
        assertTrue(at.agentConnected(), "DAEMON launch on an instance without its agent");
      } else {
        assertTrue(l.instanceId().isEmpty());
      }
    }

    // stops: each once, only for tasks not stopped or already ordered, never below the minimum of
    // healthy tasks
    Set<String> ordered =
        decision.stops().stream().map(StopOrder::taskId).collect(Collectors.toSet());
    assertEquals(decision.stops().size(), ordered.size(), "a task ordered to stop twice");
    for (StopOrder s : decision.stops()) {
      ServiceTask t = tasks.get(s.taskId());
      assertTrue(
          t != null && t.lastStatus() != TaskStatus.STOPPED && !t.desiredStopped(),
          "needless stop " + s);
      assertEquals(ServiceReconciler.STOP_CODE, s.stopCode());
    }
    long healthy = input.tasks().stream().filter(t -> healthy(input, t)).count();
    long healthyStopped =
        decision.stops().stream().filter(s -> healthy(input, tasks.get(s.taskId()))).count();
    assertTrue(
        healthy - healthyStopped >= Math.min(healthy, bounds.minHealthy()),
        "stopped "
            + healthyStopped
            + " of "
            + healthy
            + " healthy tasks, minimum "
            + bounds.minHealthy());

    // bookkeeping: every STOPPED task forgotten, one PRIMARY, steady only when nothing is launched
    // or stopped
    assertEquals(
        input.tasks().stream()
            .filter(t -> t.lastStatus() == TaskStatus.STOPPED)
            .map(ServiceTask::taskId)
            .collect(Collectors.toSet()),
        Set.copyOf(decision.forget()));
    assertEquals(
        1,
        decision.deployments().stream()
            .filter(d -> d.status() == DeploymentStatus.PRIMARY)
            .count());
    if (decision.steady()) assertTrue(decision.launches().isEmpty() && decision.stops().isEmpty());
    decision.wakeAt().ifPresent(at -> assertTrue(at.isAfter(input.now())));
  }

  private static boolean lost(Input input, ServiceTask t) {
    Instance i = input.instances().get(t.instanceId());
    if (i == null || !(i.status().equals("ACTIVE") || i.status().equals("DRAINING"))) return true;
    return !i.agentConnected()
        && !input.now().isBefore(i.disconnectedSince().plus(input.lostHostTimeout()));
  }

  private static boolean healthy(Input input, ServiceTask t) {
    return t.lastStatus() == TaskStatus.RUNNING
        && !t.desiredStopped()
        && t.health() != TaskHealth.UNHEALTHY
        && !lost(input, t);
  }

  /**
   * Bounds that let no task be added and none be removed: a rollout cannot move (ECS stalls the
   * same way).
   */
  private static boolean cannotMove(Input input) {
    int desired = ServiceReconciler.desiredCount(input);
    RolloutBounds b =
        RolloutBounds.of(
            desired, input.spec().minimumHealthyPercent(), input.spec().maximumPercent());
    return desired > 0 && b.maxTotal() <= desired && b.minHealthy() >= desired;
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Spec> specs =
        Combinators.combine(
                Arbitraries.frequency(
                    Tuple.of(3, SchedulingStrategy.REPLICA),
                    Tuple.of(1, SchedulingStrategy.DAEMON)),
                Arbitraries.integers().between(0, 6),
                Arbitraries.of(0, 50, 67, 100),
                Arbitraries.of(100, 125, 150, 200),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(0, 30))
            .as(
                (scheduling, desired, min, max, breaker, rollback, grace) ->
                    new Spec(
                        "web",
                        scheduling,
                        desired,
                        min,
                        max,
                        breaker,
                        rollback,
                        Duration.ofSeconds(grace)));
    return Combinators.combine(
            specs, Arbitraries.integers().between(1, 4), Arbitraries.longs().withoutEdgeCases())
        .as(Scenario::new);
  }
}
