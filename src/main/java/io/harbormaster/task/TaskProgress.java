package io.harbormaster.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.ContainerStateChanged;
import io.harbormaster.task.Task.Event;
import io.harbormaster.task.Task.NetworkInterfaceAttached;
import io.harbormaster.task.Task.StateReport;
import io.harbormaster.task.Task.TaskCreated;
import io.harbormaster.task.Task.TaskHealthChanged;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskStatusAdvanced;
import io.harbormaster.task.Task.TaskStopRequested;
import io.harbormaster.task.Task.TaskView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure rules of a task's lifecycle: what an agent's report changes, and how each event moves the
 * view.
 */
public final class TaskProgress {
  private TaskProgress() {}

  /**
   * A new task on EC2-style hosts starts PENDING, its containers PENDING, health UNKNOWN.
   *
   * @param entityId the task entity's id, {@code <account>/<cluster>/<taskId>}
   */
  static TaskView created(String entityId, TaskCreated created) {
    String[] parts = entityId.split("/", 3);
    String accountId = parts[0];
    String clusterName = parts[1];
    String taskId = parts[2];
    TaskSpec spec = created.spec();
    Instant at = created.at();
    List<ContainerState> containers = new ArrayList<>();
    for (JsonNode c : spec.taskDefinition().path("containerDefinitions")) {
      containers.add(
          new ContainerState(
              c.path("name").asText(),
              c.path("image").asText(),
              null,
              ContainerStatus.PENDING,
              null,
              null,
              List.of(),
              HealthStatus.UNKNOWN));
    }
    return new TaskView(
        accountId,
        clusterName,
        taskId,
        spec,
        TaskStatus.PENDING,
        TaskStatus.RUNNING,
        List.copyOf(containers),
        HealthStatus.UNKNOWN,
        null,
        null,
        at,
        null,
        null,
        null,
        null,
        null,
        null,
        1);
  }

  static TaskView stopRequested(TaskView v, TaskStopRequested e) {
    return v.next(
        v.lastStatus(),
        TaskStatus.STOPPED,
        v.containers(),
        v.healthStatus(),
        v.stopCode() != null ? v.stopCode() : e.stopCode(),
        v.stoppedReason() != null ? v.stoppedReason() : e.reason(),
        v.pullStartedAt(),
        v.pullStoppedAt(),
        v.startedAt(),
        v.stoppingAt() != null ? v.stoppingAt() : e.at(),
        v.stoppedAt(),
        v.executionStoppedAt());
  }

  static TaskView withHealth(TaskView v, HealthStatus health) {
    return v.next(
        v.lastStatus(),
        v.desiredStatus(),
        v.containers(),
        health,
        v.stopCode(),
        v.stoppedReason(),
        v.pullStartedAt(),
        v.pullStoppedAt(),
        v.startedAt(),
        v.stoppingAt(),
        v.stoppedAt(),
        v.executionStoppedAt());
  }

  static TaskView advanced(TaskView v, TaskStatusAdvanced e) {
    TaskStatus status = e.status();
    boolean stopping = status.isAfter(TaskStatus.RUNNING);
    return v.next(
        status,
        status == TaskStatus.STOPPED || stopping ? TaskStatus.STOPPED : v.desiredStatus(),
        v.containers(),
        v.healthStatus(),
        v.stopCode() != null ? v.stopCode() : e.stopCode(),
        v.stoppedReason() != null ? v.stoppedReason() : e.stoppedReason(),
        first(v.pullStartedAt(), e.pullStartedAt()),
        first(v.pullStoppedAt(), e.pullStoppedAt()),
        status == TaskStatus.RUNNING && v.startedAt() == null ? e.at() : v.startedAt(),
        stopping && v.stoppingAt() == null ? e.at() : v.stoppingAt(),
        status == TaskStatus.STOPPED ? e.at() : v.stoppedAt(),
        status == TaskStatus.STOPPED
            ? first(
                v.executionStoppedAt(),
                e.executionStoppedAt() != null ? e.executionStoppedAt() : e.at())
            : v.executionStoppedAt());
  }

  /**
   * The events a report causes: container changes, health, and a forward move of the task's status.
   */
  static List<Event> eventsFor(TaskView v, StateReport report, Instant at) {
    List<Event> events = new ArrayList<>();
    if (report.status() != null && v.lastStatus().isAfter(report.status())) {
      return events; // a report from before what the task knows: nothing in it is news
    }
    for (ContainerState reported : report.containers()) {
      ContainerState current =
          v.containers().stream()
              .filter(c -> c.name().equals(reported.name()))
              .findFirst()
              .orElse(null);
      ContainerState merged = merge(current, reported);
      if (!merged.equals(current)) events.add(new ContainerStateChanged(merged, at));
    }
    if (report.networkInterface() != null
        && !report.networkInterface().equals(v.networkInterface())
        && !v.lastStatus().isAfter(TaskStatus.RUNNING)) {
      events.add(new NetworkInterfaceAttached(report.networkInterface(), at));
    }
    if (report.healthStatus() != null && !report.healthStatus().equals(v.healthStatus())) {
      events.add(new TaskHealthChanged(report.healthStatus(), at));
    }
    if (report.status() != null && report.status().isAfter(v.lastStatus())) {
      events.add(
          new TaskStatusAdvanced(
              report.status(),
              at,
              report.pullStartedAt(),
              report.pullStoppedAt(),
              report.executionStoppedAt(),
              report.stopCode(),
              report.stoppedReason()));
    }
    return events;
  }

  /** A container's status never moves back; the other fields take the newest known value. */
  static ContainerState merge(ContainerState current, ContainerState reported) {
    if (current == null) return reported;
    ContainerStatus status =
        order(reported.lastStatus()) > order(current.lastStatus())
            ? reported.lastStatus()
            : current.lastStatus();
    boolean stale = order(reported.lastStatus()) < order(current.lastStatus());
    return new ContainerState(
        current.name(),
        current.image(),
        reported.runtimeId() != null ? reported.runtimeId() : current.runtimeId(),
        status,
        stale || reported.exitCode() == null ? current.exitCode() : reported.exitCode(),
        stale || reported.reason() == null ? current.reason() : reported.reason(),
        stale || reported.networkBindings() == null || reported.networkBindings().isEmpty()
            ? current.networkBindings()
            : reported.networkBindings(),
        stale || reported.healthStatus() == null
            ? current.healthStatus()
            : reported.healthStatus());
  }

  /** A container status's place in the lifecycle; none reported comes before PENDING. */
  private static int order(ContainerStatus status) {
    return status == null ? -1 : status.ordinal();
  }

  private static Instant first(Instant existing, Instant candidate) {
    return existing != null ? existing : candidate;
  }
}
