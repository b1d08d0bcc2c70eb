package io.harbormaster.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.api.agent.AgentMessages.TaskReport;
import io.harbormaster.task.Task.StateReport;
import io.harbormaster.task.TaskStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The agent's bookkeeping of reports the control plane has not persisted yet. */
class UnacknowledgedReportsTest {
  private final UnacknowledgedReports reports = new UnacknowledgedReports();

  @Test
  void reportsAreNumberedInTheOrderTheyAreMade() {
    TaskReport a = reports.add(report("a", TaskStatus.PENDING));
    TaskReport b = reports.add(report("b", TaskStatus.RUNNING));

    assertEquals(1L, a.seq());
    assertEquals(2L, b.seq());
    assertEquals(List.of(a, b), reports.pending());
  }

  @Test
  void aReportStaysUntilItsNumberIsAcknowledged() {
    TaskReport running = reports.add(report("a", TaskStatus.RUNNING));

    reports.acknowledge("a", running.seq() - 1);
    assertEquals(List.of(running), reports.pending(), "an older number settles nothing newer");
    reports.acknowledge("b", running.seq());
    assertEquals(List.of(running), reports.pending(), "another task's acknowledgement");

    reports.acknowledge("a", running.seq());
    assertEquals(List.of(), reports.pending());
  }

  @Test
  void aNewerReportReplacesTheOlderAndOnlyItsOwnAcknowledgementSettlesIt() {
    TaskReport running = reports.add(report("a", TaskStatus.RUNNING));
    TaskReport stopped = reports.add(report("a", TaskStatus.STOPPED));

    assertEquals(List.of(stopped), reports.pending());
    reports.acknowledge(
        "a", running.seq()); // the RUNNING report's write finished after STOPPED was made
    assertEquals(List.of(stopped), reports.pending());
    assertEquals(Optional.of(stopped), reports.unacknowledgedStop("a"));

    reports.acknowledge("a", stopped.seq());
    assertEquals(List.of(), reports.pending());
    assertEquals(Optional.empty(), reports.unacknowledgedStop("a"));
  }

  @Test
  void aReportMadeAgainIsPendingAgainWithANewNumber() {
    TaskReport first = reports.add(report("a", TaskStatus.STOPPED));
    reports.acknowledge("a", first.seq());

    TaskReport again = reports.add(report("a", TaskStatus.STOPPED));

    assertTrue(again.seq() > first.seq());
    assertEquals(List.of(again), reports.pending());
  }

  @Test
  void onlyAStopIsAnUnacknowledgedStop() {
    reports.add(report("a", TaskStatus.RUNNING));

    assertEquals(Optional.empty(), reports.unacknowledgedStop("a"));
    assertEquals(Optional.empty(), reports.unacknowledgedStop("unknown"));
  }

  private static TaskReport report(String taskId, TaskStatus status) {
    return new TaskReport(
        taskId,
        new StateReport(
            status,
            List.of(),
            io.harbormaster.task.HealthStatus.UNKNOWN,
            null,
            null,
            null,
            status == TaskStatus.STOPPED ? "EssentialContainerExited" : null,
            null));
  }
}
