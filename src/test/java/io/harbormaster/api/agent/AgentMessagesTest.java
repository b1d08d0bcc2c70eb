package io.harbormaster.api.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.harbormaster.api.agent.AgentMessages.AgentMessage;
import io.harbormaster.api.agent.AgentMessages.ReportAccepted;
import io.harbormaster.api.agent.AgentMessages.TaskReport;
import io.harbormaster.api.agent.AgentMessages.Welcome;
import io.harbormaster.task.Task.StateReport;
import io.harbormaster.task.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The acknowledged reports on the wire, with agents and control planes of the version before them.
 */
class AgentMessagesTest {

  @Test
  void aReportOfAnOlderAgentHasNoNumberAndIsNotAcknowledged() throws Exception {
    AgentMessage m =
        AgentMessages.JSON.readValue(
            """
        {"type":"TaskReport","taskId":"t1","report":{"status":"RUNNING","containers":[]}}""",
            AgentMessage.class);

    assertEquals(
        new TaskReport(
            "t1",
            new StateReport(TaskStatus.RUNNING, List.of(), null, null, null, null, null, null)),
        m);
    assertNull(((TaskReport) m).seq());
  }

  @Test
  void aNumberedReportAndItsAcknowledgementRoundTrip() throws Exception {
    TaskReport report =
        new TaskReport(
                "t1",
                new StateReport(
                    TaskStatus.STOPPED,
                    List.of(),
                    io.harbormaster.task.HealthStatus.UNKNOWN,
                    null,
                    null,
                    null,
                    "EssentialContainerExited",
                    "Essential container in task exited"))
            .numbered(42);
    AgentMessage accepted = new ReportAccepted("t1", 42);

    assertEquals(report, roundTrip(report));
    assertEquals(accepted, roundTrip(accepted));
  }

  @Test
  void aWelcomeOfAnOlderControlPlaneDoesNotPromiseAcknowledgements() throws Exception {
    AgentMessage m =
        AgentMessages.JSON.readValue(
            """
        {"type":"Welcome","instanceId":"i1","containerInstanceArn":"arn:a","clusterArn":"arn:c"}""",
            AgentMessage.class);

    assertEquals(new Welcome("i1", "arn:a", "arn:c", null), m);
  }

  private static AgentMessage roundTrip(AgentMessage m) throws Exception {
    return AgentMessages.JSON.readValue(
        AgentMessages.JSON.writeValueAsString(m), AgentMessage.class);
  }
}
