package io.harbormaster.api.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.task.ContainerStatus;
import io.harbormaster.task.HealthStatus;
import io.harbormaster.task.Task;
import io.harbormaster.task.TaskStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session reads the agent's records into the task's own, field by field. */
class AgentSessionTest {

  @Test
  void everyStatusOnTheWireIsATaskStatusOfTheSameName() {
    for (AgentMessages.TaskStatus s : AgentMessages.TaskStatus.values())
      assertEquals(s.name(), AgentSession.status(s).name());
    assertEquals(
        Arrays.stream(TaskStatus.values()).map(Enum::name).toList(),
        Arrays.stream(AgentMessages.TaskStatus.values()).map(Enum::name).toList(),
        "the same statuses in the same (lifecycle) order");
    assertNull(AgentSession.status(null), "a task the agent holds without a status yet");
  }

  @Test
  void aReportKeepsEveryField() {
    Instant pulling = Instant.ofEpochSecond(1700000000, 250_000_000);
    AgentMessages.StateReport wire =
        new AgentMessages.StateReport(
            AgentMessages.TaskStatus.STOPPED,
            List.of(
                new AgentMessages.ContainerState(
                    "web",
                    "nginx:1",
                    "c0ffee",
                    "STOPPED",
                    137,
                    "OutOfMemoryError",
                    List.of(new AgentMessages.NetworkBinding("0.0.0.0", 80, 32768, "tcp")),
                    "UNHEALTHY"),
                new AgentMessages.ContainerState(
                    "sidecar", "busybox", null, "PENDING", null, null, null, "UNKNOWN")),
            "UNHEALTHY",
            pulling,
            pulling.plusSeconds(1),
            pulling.plusSeconds(60),
            "EssentialContainerExited",
            "Essential container in task exited");

    assertEquals(
        new Task.StateReport(
            TaskStatus.STOPPED,
            List.of(
                new Task.ContainerState(
                    "web",
                    "nginx:1",
                    "c0ffee",
                    ContainerStatus.STOPPED,
                    137,
                    "OutOfMemoryError",
                    List.of(new Task.NetworkBinding("0.0.0.0", 80, 32768, "tcp")),
                    HealthStatus.UNHEALTHY),
                new Task.ContainerState(
                    "sidecar",
                    "busybox",
                    null,
                    ContainerStatus.PENDING,
                    null,
                    null,
                    null,
                    HealthStatus.UNKNOWN)),
            HealthStatus.UNHEALTHY,
            pulling,
            pulling.plusSeconds(1),
            pulling.plusSeconds(60),
            "EssentialContainerExited",
            "Essential container in task exited"),
        AgentSession.stateReport(wire));
  }

  @Test
  void healthAndContainerStatusesAreReadByNameAndAnUnknownNameMovesNothing() {
    for (HealthStatus h : HealthStatus.values()) assertEquals(h, AgentSession.health(h.name()));
    for (ContainerStatus c : ContainerStatus.values())
      assertEquals(c, AgentSession.containerStatus(c.name()));
    assertEquals(HealthStatus.UNKNOWN, AgentSession.health("DEGRADED"));
    assertEquals(ContainerStatus.PENDING, AgentSession.containerStatus("CREATED"));
    assertNull(AgentSession.health(null));
    assertNull(AgentSession.containerStatus(null));
  }
}
