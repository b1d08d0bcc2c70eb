package io.harbormaster.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.protocol.AgentMessages.AgentMessage;
import io.harbormaster.protocol.AgentMessages.Attribute;
import io.harbormaster.protocol.AgentMessages.ContainerState;
import io.harbormaster.protocol.AgentMessages.Heartbeat;
import io.harbormaster.protocol.AgentMessages.HeldTask;
import io.harbormaster.protocol.AgentMessages.Hello;
import io.harbormaster.protocol.AgentMessages.HostResources;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.LogLine;
import io.harbormaster.protocol.AgentMessages.NetworkBinding;
import io.harbormaster.protocol.AgentMessages.NetworkInterface;
import io.harbormaster.protocol.AgentMessages.Refused;
import io.harbormaster.protocol.AgentMessages.ReportAccepted;
import io.harbormaster.protocol.AgentMessages.StartTask;
import io.harbormaster.protocol.AgentMessages.StateReport;
import io.harbormaster.protocol.AgentMessages.StopTask;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.TaskStatus;
import io.harbormaster.protocol.AgentMessages.VersionInfo;
import io.harbormaster.protocol.AgentMessages.Welcome;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The websocket's JSON, pinned message by message: an agent of one build talks to a control plane
 * of another, so a type name, a field name or the way an instant is written must not change by
 * accident (each message is written and read against a literal).
 */
class AgentWireFormatTest {
  private static final StateReport REPORT =
      new StateReport(
          TaskStatus.STOPPED,
          List.of(
              new ContainerState(
                  "web",
                  "nginx:1",
                  "c0ffee",
                  "STOPPED",
                  137,
                  "OutOfMemoryError: Container killed due to memory usage",
                  List.of(new NetworkBinding("0.0.0.0", 80, 32768, "tcp")),
                  "UNHEALTHY")),
          "UNHEALTHY",
          Instant.ofEpochSecond(1700000000, 250_000_000),
          Instant.ofEpochSecond(1700000001),
          Instant.ofEpochSecond(1700000060, 5),
          "EssentialContainerExited",
          "Essential container in task exited");

  private static final String REPORT_JSON =
      """
      {"status":"STOPPED","containers":[{"name":"web","image":"nginx:1","runtimeId":"c0ffee",\
      "lastStatus":"STOPPED","exitCode":137,\
      "reason":"OutOfMemoryError: Container killed due to memory usage",\
      "networkBindings":[{"bindIP":"0.0.0.0","containerPort":80,"hostPort":32768,"protocol":"tcp"}],\
      "healthStatus":"UNHEALTHY"}],"healthStatus":"UNHEALTHY","pullStartedAt":1700000000.250000000,\
      "pullStoppedAt":1700000001.000000000,"executionStoppedAt":1700000060.000000005,\
      "stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited"}""";

  /** A Hello's tasks are TaskReports, and carry their type like every message. */
  @Test
  void hello() throws Exception {
    pinned(
        new Hello(
            "prod",
            "i-1",
            "ec2-1",
            new HostResources(2048, 4096, Set.of(22), Set.of()),
            List.of(new Attribute("ecs.os-type", "linux"), new Attribute("ecs.capability.x", null)),
            new VersionInfo("1.2.3", null, "24.0.7"),
            List.of(new TaskReport("t1", REPORT, 7L))),
        """
        {"type":"Hello","cluster":"prod","instanceId":"i-1","ec2InstanceId":"ec2-1",\
        "resources":{"cpu":2048,"memory":4096,"reservedTcpPorts":[22],"reservedUdpPorts":[]},\
        "attributes":[{"name":"ecs.os-type","value":"linux"},{"name":"ecs.capability.x","value":null}],\
        "versionInfo":{"agentVersion":"1.2.3","agentHash":null,"dockerVersion":"24.0.7"},\
        "tasks":[{"type":"TaskReport","taskId":"t1","report":%s,"seq":7}]}"""
            .formatted(REPORT_JSON));
  }

  @Test
  void welcome() throws Exception {
    pinned(
        new Welcome("i-1", "arn:ci", "arn:c", true),
        """
        {"type":"Welcome","instanceId":"i-1","containerInstanceArn":"arn:ci","clusterArn":"arn:c",\
        "acknowledgesReports":true}""");
  }

  /** A control plane that stores logs says so; one that does not leaves the member out. */
  @Test
  void welcome_storesLogs() throws Exception {
    pinned(
        new Welcome("i-1", "arn:ci", "arn:c", true, true),
        """
        {"type":"Welcome","instanceId":"i-1","containerInstanceArn":"arn:ci","clusterArn":"arn:c",\
        "acknowledgesReports":true,"storesLogs":true}""");
  }

  @Test
  void logEvents() throws Exception {
    pinned(
        new LogEvents(
            "c0ffee",
            3,
            "arn:t",
            "web",
            "/ecs/web",
            "web/web/t1",
            true,
            List.of(
                new LogLine(1700000000123456789L, 0, "hello", false),
                new LogLine(1700000000123456789L, 1, "oops", true))),
        """
        {"type":"LogEvents","source":"c0ffee","batch":3,"taskArn":"arn:t","containerName":"web",\
        "logGroup":"/ecs/web","logStream":"web/web/t1","createGroup":true,"events":[\
        {"timestampNanos":1700000000123456789,"ordinal":0,"message":"hello","stderr":false},\
        {"timestampNanos":1700000000123456789,"ordinal":1,"message":"oops","stderr":true}]}""");
  }

  @Test
  void logEventsAccepted() throws Exception {
    pinned(
        new LogEventsAccepted("c0ffee", 3),
        """
        {"type":"LogEventsAccepted","source":"c0ffee","batch":3}""");
  }

  @Test
  void logEventsRefused() throws Exception {
    pinned(
        new LogEventsRefused(
            "c0ffee", 3, "ResourceNotFoundException", "The specified log group does not exist."),
        """
        {"type":"LogEventsRefused","source":"c0ffee","batch":3,\
        "errorType":"ResourceNotFoundException","message":"The specified log group does not exist."}""");
  }

  @Test
  void heartbeat() throws Exception {
    pinned(
        new Heartbeat(List.of(new HeldTask("t1", TaskStatus.RUNNING), new HeldTask("t2", null))),
        """
        {"type":"Heartbeat","tasks":[{"taskId":"t1","status":"RUNNING"},\
        {"taskId":"t2","status":null}]}""");
  }

  @Test
  void taskReport() throws Exception {
    pinned(
        new TaskReport("t1", REPORT, 42L),
        """
        {"type":"TaskReport","taskId":"t1","report":%s,"seq":42}"""
            .formatted(REPORT_JSON));
  }

  /**
   * An awsvpc task's report carries its interface as a member added at the end; a report without
   * one is written as before (the member is left out), so each side reads the other's.
   */
  @Test
  void taskReportOfAnAwsvpcTask() throws Exception {
    StateReport awsvpc =
        new StateReport(
            TaskStatus.RUNNING,
            List.of(),
            "UNKNOWN",
            null,
            null,
            null,
            null,
            null,
            new NetworkInterface("169.254.123.2", "02:42:a9:fe:7b:02"));
    pinned(
        new TaskReport("t1", awsvpc, 3L),
        """
        {"type":"TaskReport","taskId":"t1","report":{"status":"RUNNING","containers":[],\
        "healthStatus":"UNKNOWN","pullStartedAt":null,"pullStoppedAt":null,\
        "executionStoppedAt":null,"stopCode":null,"stoppedReason":null,\
        "networkInterface":{"privateIPv4Address":"169.254.123.2","macAddress":"02:42:a9:fe:7b:02"}},\
        "seq":3}""");
  }

  @Test
  void reportAccepted() throws Exception {
    pinned(
        new ReportAccepted("t1", 42),
        """
        {"type":"ReportAccepted","taskId":"t1","seq":42}""");
  }

  @Test
  void startTask() throws Exception {
    pinned(
        new StartTask(
            new TaskPayload(
                "t1",
                "arn:t",
                "arn:c",
                "web",
                3,
                AgentMessages.JSON.readTree("{\"family\":\"web\",\"containerDefinitions\":[]}"),
                AgentMessages.JSON.readTree("{\"containerOverrides\":[]}"))),
        """
        {"type":"StartTask","task":{"taskId":"t1","taskArn":"arn:t","clusterArn":"arn:c",\
        "family":"web","revision":3,\
        "taskDefinition":{"family":"web","containerDefinitions":[]},\
        "overrides":{"containerOverrides":[]}}}""");
  }

  @Test
  void stopTask() throws Exception {
    pinned(
        new StopTask("t1", "Task stopped by user"),
        """
        {"type":"StopTask","taskId":"t1","reason":"Task stopped by user"}""");
  }

  @Test
  void refused() throws Exception {
    pinned(
        new Refused("ClusterNotFoundException", "Cluster not found."),
        """
        {"type":"Refused","errorType":"ClusterNotFoundException","message":"Cluster not found."}""");
  }

  private static void pinned(AgentMessage message, String json) throws Exception {
    assertEquals(json, AgentMessages.JSON.writeValueAsString(message), "written");
    assertEquals(message, AgentMessages.JSON.readValue(json, AgentMessage.class), "read");
  }
}
