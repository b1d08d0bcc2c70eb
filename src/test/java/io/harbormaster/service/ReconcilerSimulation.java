package io.harbormaster.service;

import io.harbormaster.instance.ContainerInstance;
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
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A tiny world around the reconciler, standing in for the Service entity, placement and the agents:
 * decisions are applied the way the entity would (launches become PENDING tasks, stops set
 * desiredStopped, forgotten tasks vanish), then tasks start, fail, stop, change health, instances
 * drain, lose and regain their agents, and the user scales or rolls out new task definitions, some
 * of which never start.
 */
final class ReconcilerSimulation {

  static final Duration LOST_HOST_TIMEOUT = Duration.ofMinutes(2);

  /** What may happen in the world; a calm world only lets things succeed. */
  record Chaos(
      boolean failures, boolean instanceChanges, boolean disconnects, boolean userChanges) {
    static final Chaos ALL = new Chaos(true, true, true, true);
    static final Chaos CALM = new Chaos(false, false, false, false);
  }

  private final SplittableRandom random;
  private Spec spec;
  private List<Deployment> deployments = new ArrayList<>();
  private final Map<String, ServiceTask> tasks = new LinkedHashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Set<String> brokenTaskDefinitions = new HashSet<>();
  private Throttle throttle = Throttle.NONE;
  private boolean steady;
  private Instant now = ReconcilerFixtures.T0;
  private int taskCounter;
  private int deploymentCounter;
  private int taskDefinitionCounter;

  ReconcilerSimulation(Spec spec, int instanceCount, long seed) {
    this.random = new SplittableRandom(seed);
    this.spec = spec;
    for (int n = 0; n < instanceCount; n++) {
      String id = "ci-" + n;
      instances.put(id, new Instance(id, ContainerInstance.Status.ACTIVE, true, null));
    }
    // a quarter of services start with a task definition that cannot start
    String first = nextTaskDefinition(random.nextInt(4) == 0);
    deployments.add(
        new Deployment(
            nextDeploymentId(),
            DeploymentStatus.PRIMARY,
            first,
            RolloutState.IN_PROGRESS,
            null,
            0,
            now,
            now));
  }

  Input input() {
    return new Input(
        spec,
        List.copyOf(deployments),
        List.copyOf(tasks.values()),
        Map.copyOf(instances),
        throttle,
        steady,
        LOST_HOST_TIMEOUT,
        "d-" + (deploymentCounter + 1),
        now);
  }

  Spec spec() {
    return spec;
  }

  Instant now() {
    return now;
  }

  /** Carries a decision out as the entity would. */
  void apply(Decision d) {
    if (d.deployments().stream().anyMatch(x -> x.id().equals("d-" + (deploymentCounter + 1))))
      deploymentCounter++;
    deployments = new ArrayList<>(d.deployments());
    throttle = d.throttle();
    steady = d.steady();
    d.forget().forEach(tasks::remove);
    for (StopOrder s : d.stops()) {
      ServiceTask t = tasks.get(s.taskId());
      tasks.put(t.taskId(), with(t, t.lastStatus(), true, t.health(), t.startedAt(), t.stopCode()));
    }
    for (Launch l : d.launches()) {
      for (int n = 0; n < l.count(); n++) {
        String instance = l.instanceId().orElseGet(this::placeReplica);
        if (instance == null)
          continue; // placement found no room: the entity reports it and tries again later
        String id = "t-" + (++taskCounter);
        tasks.put(
            id,
            new ServiceTask(
                id,
                l.deploymentId(),
                instance,
                TaskStatus.PENDING,
                false,
                TaskHealth.UNKNOWN,
                null,
                null,
                null));
      }
    }
  }

  private String placeReplica() {
    List<String> open =
        instances.values().stream()
            .filter(i -> i.status() == ContainerInstance.Status.ACTIVE && i.agentConnected())
            .map(Instance::instanceId)
            .toList();
    return open.isEmpty() ? null : open.get(random.nextInt(open.size()));
  }

  /** Lets time pass and things happen. */
  void happen(Chaos chaos) {
    now = now.plusSeconds(chaos.failures() ? 1 + random.nextInt(40) : 30);
    if (chaos.userChanges() && random.nextInt(25) == 0) userChange();
    if (chaos.instanceChanges() && random.nextInt(12) == 0) instanceChange(chaos.disconnects());
    if (!chaos.instanceChanges()) {
      // calm: every instance ACTIVE and connected, so the stale copies of lost hosts can stop
      instances.replaceAll(
          (id, i) -> new Instance(id, ContainerInstance.Status.ACTIVE, true, null));
    }
    for (ServiceTask t : List.copyOf(tasks.values())) {
      Instance at = instances.get(t.instanceId());
      if (at == null || !at.agentConnected() || t.lastStatus() == TaskStatus.STOPPED) continue;
      boolean broken = brokenTaskDefinitions.contains(taskDefinitionOf(t)) && chaos.failures();
      if (t.desiredStopped()) {
        if (!chaos.failures() || random.nextInt(3) > 0) {
          tasks.put(
              t.taskId(),
              with(
                  t,
                  TaskStatus.STOPPED,
                  true,
                  t.health(),
                  t.startedAt(),
                  ServiceReconciler.STOP_CODE));
        }
      } else if (t.lastStatus() != TaskStatus.RUNNING) {
        int roll = random.nextInt(10);
        if (broken ? roll < 9 : chaos.failures() && roll == 0) {
          tasks.put(
              t.taskId(), with(t, TaskStatus.STOPPED, true, t.health(), null, "TaskFailedToStart"));
        } else if (!chaos.failures() || roll > 3) {
          tasks.put(
              t.taskId(),
              with(
                  t,
                  TaskStatus.RUNNING,
                  false,
                  random.nextBoolean() ? TaskHealth.HEALTHY : TaskHealth.UNKNOWN,
                  now,
                  null));
        }
      } else if (chaos.failures()) {
        int roll = random.nextInt(40);
        if (roll == 0) {
          tasks.put(
              t.taskId(),
              with(
                  t,
                  TaskStatus.STOPPED,
                  true,
                  t.health(),
                  t.startedAt(),
                  "EssentialContainerExited"));
        } else if (roll == 1 || (broken && roll < 6)) {
          tasks.put(
              t.taskId(),
              with(t, t.lastStatus(), false, TaskHealth.UNHEALTHY, t.startedAt(), null));
        } else if (roll == 2) {
          tasks.put(
              t.taskId(), with(t, t.lastStatus(), false, TaskHealth.HEALTHY, t.startedAt(), null));
        }
      } else if (t.health() == TaskHealth.UNHEALTHY) {
        tasks.put(
            t.taskId(), with(t, t.lastStatus(), false, TaskHealth.HEALTHY, t.startedAt(), null));
      }
    }
  }

  private void userChange() {
    if (random.nextBoolean() && spec.scheduling() == SchedulingStrategy.REPLICA) {
      spec =
          new Spec(
              spec.serviceName(),
              spec.scheduling(),
              random.nextInt(7),
              spec.minimumHealthyPercent(),
              spec.maximumPercent(),
              spec.circuitBreakerEnabled(),
              spec.rollback(),
              spec.healthCheckGracePeriod());
      return;
    }
    // UpdateService with a new task definition: the old PRIMARY becomes ACTIVE, throttling starts
    // afresh
    String td = nextTaskDefinition(random.nextBoolean());
    List<Deployment> next = new ArrayList<>();
    for (Deployment d : deployments) {
      next.add(
          d.status() != DeploymentStatus.PRIMARY
              ? d
              : new Deployment(
                  d.id(),
                  DeploymentStatus.ACTIVE,
                  d.taskDefinitionArn(),
                  d.rolloutState(),
                  d.rolloutStateReason(),
                  d.failedTasks(),
                  d.createdAt(),
                  now));
    }
    next.add(
        new Deployment(
            nextDeploymentId(),
            DeploymentStatus.PRIMARY,
            td,
            RolloutState.IN_PROGRESS,
            null,
            0,
            now,
            now));
    deployments = next;
    throttle = Throttle.NONE;
  }

  private void instanceChange(boolean disconnects) {
    List<String> ids = List.copyOf(instances.keySet());
    String id = ids.get(random.nextInt(ids.size()));
    Instance i = instances.get(id);
    int roll = random.nextInt(4);
    if (roll == 0) {
      instances.put(
          id,
          new Instance(
              id, ContainerInstance.Status.DRAINING, i.agentConnected(), i.disconnectedSince()));
    } else if (roll == 1) {
      instances.put(
          id,
          new Instance(
              id, ContainerInstance.Status.ACTIVE, i.agentConnected(), i.disconnectedSince()));
    } else if (roll == 2 && disconnects && i.agentConnected()) {
      instances.put(id, new Instance(id, i.status(), false, now));
    } else if (!i.agentConnected()) {
      instances.put(id, new Instance(id, i.status(), true, null));
    }
  }

  private String taskDefinitionOf(ServiceTask t) {
    return deployments.stream()
        .filter(d -> d.id().equals(t.deploymentId()))
        .map(Deployment::taskDefinitionArn)
        .findFirst()
        .orElse("");
  }

  private String nextTaskDefinition(boolean broken) {
    String td =
        "arn:aws:ecs:us-east-1:000000000000:task-definition/web:" + (++taskDefinitionCounter);
    if (broken) brokenTaskDefinitions.add(td);
    return td;
  }

  private String nextDeploymentId() {
    return "d-" + (++deploymentCounter);
  }

  private static ServiceTask with(
      ServiceTask t,
      TaskStatus status,
      boolean desiredStopped,
      TaskHealth health,
      Instant startedAt,
      String stopCode) {
    return new ServiceTask(
        t.taskId(),
        t.deploymentId(),
        t.instanceId(),
        status,
        desiredStopped,
        health,
        startedAt,
        stopCode,
        stopCode);
  }
}
