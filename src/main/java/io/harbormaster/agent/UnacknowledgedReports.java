package io.harbormaster.agent;

import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's reports the control plane has not acknowledged yet: per task the newest one,
 * numbered. A report stays here until a {@code ReportAccepted} with its number (or a later one)
 * says the task's entity persisted it, and the agent sends it again with every heartbeat until
 * then: a report lost with a node, or refused by a store that was away, is not lost for good. A
 * newer report of the same task replaces the older one (the task's entity only moves forward, so
 * the newest report carries everything the older said).
 */
final class UnacknowledgedReports {
  private final Map<String, TaskReport> byTask = new LinkedHashMap<>();
  private long lastNumber;

  /**
   * Numbers the report, keeps it until it is acknowledged, and returns the numbered report to send.
   */
  synchronized TaskReport add(TaskReport report) {
    TaskReport numbered = report.numbered(++lastNumber);
    byTask.remove(
        report.taskId()); // re-inserted last: pending() lists in the order the reports were made
    byTask.put(report.taskId(), numbered);
    return numbered;
  }

  /**
   * The control plane has report {@code seq} of the task: it and what came before it are settled.
   */
  synchronized void acknowledge(String taskId, long seq) {
    TaskReport pending = byTask.get(taskId);
    if (pending != null && pending.seq() <= seq) byTask.remove(taskId);
  }

  /** Forgets every report: for a control plane that does not acknowledge them. */
  synchronized void clear() {
    byTask.clear();
  }

  /** Every report still waiting for its acknowledgement, oldest first. */
  synchronized List<TaskReport> pending() {
    return new ArrayList<>(byTask.values());
  }

  /**
   * The task's unacknowledged report if it says STOPPED: the control plane has not heard that the
   * task ended.
   */
  synchronized Optional<TaskReport> unacknowledgedStop(String taskId) {
    TaskReport pending = byTask.get(taskId);
    return pending != null
            && pending.report() != null
            && pending.report().status() == TaskStatus.STOPPED
        ? Optional.of(pending)
        : Optional.empty();
  }
}
