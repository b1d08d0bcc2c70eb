package io.harbormaster.service;

import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.Input;
import io.harbormaster.service.ServiceReconciler.Instance;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.ServiceTask;
import io.harbormaster.service.ServiceReconciler.Spec;
import io.harbormaster.service.ServiceReconciler.TaskHealth;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for reconciler inputs: a service "web", deployments d-1, d-2…, instances by id.
 */
final class ReconcilerFixtures {
  private ReconcilerFixtures() {}

  static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  static final Duration LOST_HOST_TIMEOUT = Duration.ofMinutes(5);
  static final String TD1 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  static final String TD2 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2";

  static Spec replica(int desired) {
    return new Spec(
        "web", SchedulingStrategy.REPLICA, desired, 100, 200, false, false, Duration.ZERO);
  }

  static Spec daemon() {
    return new Spec("web", SchedulingStrategy.DAEMON, 0, 0, 100, false, false, Duration.ZERO);
  }

  static Spec withPercents(Spec s, int min, int max) {
    return new Spec(
        s.serviceName(),
        s.scheduling(),
        s.desiredCount(),
        min,
        max,
        s.circuitBreakerEnabled(),
        s.rollback(),
        s.healthCheckGracePeriod());
  }

  static Spec withCircuitBreaker(Spec s, boolean rollback) {
    return new Spec(
        s.serviceName(),
        s.scheduling(),
        s.desiredCount(),
        s.minimumHealthyPercent(),
        s.maximumPercent(),
        true,
        rollback,
        s.healthCheckGracePeriod());
  }

  static Spec withGrace(Spec s, Duration grace) {
    return new Spec(
        s.serviceName(),
        s.scheduling(),
        s.desiredCount(),
        s.minimumHealthyPercent(),
        s.maximumPercent(),
        s.circuitBreakerEnabled(),
        s.rollback(),
        grace);
  }

  static Deployment primary(String id, String taskDefinition, RolloutState state) {
    return new Deployment(id, DeploymentStatus.PRIMARY, taskDefinition, state, null, 0, T0, T0);
  }

  static Deployment active(String id, String taskDefinition) {
    return new Deployment(
        id,
        DeploymentStatus.ACTIVE,
        taskDefinition,
        RolloutState.COMPLETED,
        null,
        0,
        T0.minusSeconds(3600),
        T0);
  }

  static Deployment withFailed(Deployment d, int failed) {
    return new Deployment(
        d.id(),
        d.status(),
        d.taskDefinitionArn(),
        d.rolloutState(),
        d.rolloutStateReason(),
        failed,
        d.createdAt(),
        d.updatedAt());
  }

  static Deployment withStatus(Deployment d, DeploymentStatus status) {
    return new Deployment(
        d.id(),
        status,
        d.taskDefinitionArn(),
        d.rolloutState(),
        d.rolloutStateReason(),
        d.failedTasks(),
        d.createdAt(),
        d.updatedAt());
  }

  static ServiceTask running(String id, String deployment, String instance, Instant startedAt) {
    return new ServiceTask(
        id,
        deployment,
        instance,
        TaskStatus.RUNNING,
        false,
        TaskHealth.UNKNOWN,
        startedAt,
        null,
        null);
  }

  static ServiceTask running(String id, String deployment, String instance) {
    return running(id, deployment, instance, T0.minusSeconds(600));
  }

  static ServiceTask pending(String id, String deployment, String instance) {
    return new ServiceTask(
        id, deployment, instance, TaskStatus.PENDING, false, TaskHealth.UNKNOWN, null, null, null);
  }

  static ServiceTask failedToStart(String id, String deployment, String instance) {
    return new ServiceTask(
        id,
        deployment,
        instance,
        TaskStatus.STOPPED,
        true,
        TaskHealth.UNKNOWN,
        null,
        "TaskFailedToStart",
        "CannotPullContainerError: pull access denied");
  }

  static ServiceTask exitedAfterRunning(String id, String deployment, String instance) {
    return new ServiceTask(
        id,
        deployment,
        instance,
        TaskStatus.STOPPED,
        true,
        TaskHealth.UNKNOWN,
        T0.minusSeconds(600),
        "EssentialContainerExited",
        "Essential container in task exited");
  }

  static ServiceTask withHealth(ServiceTask t, TaskHealth health) {
    return new ServiceTask(
        t.taskId(),
        t.deploymentId(),
        t.instanceId(),
        t.lastStatus(),
        t.desiredStopped(),
        health,
        t.startedAt(),
        t.stopCode(),
        t.stoppedReason());
  }

  static ServiceTask desiredStopped(ServiceTask t) {
    return new ServiceTask(
        t.taskId(),
        t.deploymentId(),
        t.instanceId(),
        t.lastStatus(),
        true,
        t.health(),
        t.startedAt(),
        t.stopCode(),
        t.stoppedReason());
  }

  static Instance activeInstance(String id) {
    return new Instance(id, ContainerInstance.Status.ACTIVE, true, null);
  }

  static Instance drainingInstance(String id) {
    return new Instance(id, ContainerInstance.Status.DRAINING, true, null);
  }

  static Instance disconnectedInstance(String id, Instant since) {
    return new Instance(id, ContainerInstance.Status.ACTIVE, false, since);
  }

  /** An input built step by step; {@link #input()} freezes it. */
  static final class InputBuilder {
    private Spec spec;
    private final List<Deployment> deployments = new ArrayList<>();
    private final List<ServiceTask> tasks = new ArrayList<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private Throttle throttle = Throttle.NONE;
    private boolean steady;
    private Instant now = T0;

    InputBuilder(Spec spec) {
      this.spec = spec;
    }

    InputBuilder deployments(Deployment... ds) {
      deployments.addAll(List.of(ds));
      return this;
    }

    InputBuilder tasks(ServiceTask... ts) {
      tasks.addAll(List.of(ts));
      return this;
    }

    InputBuilder instances(Instance... is) {
      for (Instance i : is) instances.put(i.instanceId(), i);
      return this;
    }

    InputBuilder throttle(Throttle t) {
      throttle = t;
      return this;
    }

    InputBuilder steady(boolean s) {
      steady = s;
      return this;
    }

    InputBuilder now(Instant n) {
      now = n;
      return this;
    }

    Input input() {
      return new Input(
          spec,
          List.copyOf(deployments),
          List.copyOf(tasks),
          Map.copyOf(instances),
          throttle,
          steady,
          LOST_HOST_TIMEOUT,
          "d-new",
          now);
    }
  }

  static InputBuilder service(Spec spec) {
    return new InputBuilder(spec);
  }
}
