package io.harbormaster.views;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.task.HealthStatus;
import io.harbormaster.task.Task.NetworkInterface;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskAttachmentsTest {
  private static final ViewContext CTX = new ViewContext("123456789012", "us-east-1");
  private static final String TASK_ID = "0123456789abcdef0123456789abcdef";
  private static final NetworkInterface ENI =
      new NetworkInterface("169.254.123.7", "02:42:a9:fe:7b:07");

  @Test
  void awsvpcTask_showsItsEniAsECSDoes() {
    TaskView task = task("awsvpc", TaskStatus.RUNNING, ENI);
    String id = TaskAttachments.attachmentId(TASK_ID);
    String eni = TaskAttachments.networkInterfaceId(TASK_ID);

    assertEquals(
        json(
            """
            [{"id":"%s","type":"ElasticNetworkInterface","status":"ATTACHED","details":[
              {"name":"subnetId","value":"subnet-1"},
              {"name":"networkInterfaceId","value":"%s"},
              {"name":"macAddress","value":"02:42:a9:fe:7b:07"},
              {"name":"privateDnsName","value":"ip-169-254-123-7.ec2.internal"},
              {"name":"privateIPv4Address","value":"169.254.123.7"}]}]"""
                .formatted(id, eni)),
        TaskAttachments.attachments(CTX, task));
    assertEquals(
        json("[{\"attachmentId\":\"%s\",\"privateIpv4Address\":\"169.254.123.7\"}]".formatted(id)),
        TaskAttachments.containerInterfaces(task));
    assertEquals(id, TaskAttachments.attachmentId(TASK_ID), "the same in every view");
    assertEquals(21, eni.length(), eni);
  }

  @Test
  void awsvpcTask_isPrecreatedUntilItsAgentReportsTheInterface_andDeletedOnceStopped() {
    JsonNode pending = TaskAttachments.attachments(CTX, task("awsvpc", TaskStatus.PENDING, null));
    assertEquals("PRECREATED", pending.get(0).path("status").asText());
    assertEquals(1, pending.get(0).path("details").size(), "only the subnet: " + pending);
    assertEquals(
        0, TaskAttachments.containerInterfaces(task("awsvpc", TaskStatus.PENDING, null)).size());
    assertEquals(
        "DELETED",
        TaskAttachments.attachments(CTX, task("awsvpc", TaskStatus.STOPPED, ENI))
            .get(0)
            .path("status")
            .asText());
  }

  @Test
  void otherModes_haveNoAttachments() {
    assertEquals(
        json("[]"), TaskAttachments.attachments(CTX, task("bridge", TaskStatus.RUNNING, null)));
    assertEquals(
        json("[]"), TaskAttachments.containerInterfaces(task("bridge", TaskStatus.RUNNING, null)));
  }

  @Test
  void privateDnsNames_areEc2s() {
    assertEquals(
        "ip-169-254-1-2.ec2.internal", TaskAttachments.privateDnsName("169.254.1.2", "us-east-1"));
    assertEquals(
        "ip-169-254-1-2.eu-west-1.compute.internal",
        TaskAttachments.privateDnsName("169.254.1.2", "eu-west-1"));
  }

  private static TaskView task(String networkMode, TaskStatus status, NetworkInterface eni) {
    TaskSpec spec =
        new TaskSpec(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
            "app",
            1,
            json(
                """
                {"networkMode":"%s","containerDefinitions":[{"name":"app","image":"busybox:1"}]}"""
                    .formatted(networkMode)),
            null,
            null,
            null,
            List.of(),
            "i-1",
            0,
            0,
            null,
            null,
            "EC2",
            networkMode.equals("awsvpc")
                ? json("{\"awsvpcConfiguration\":{\"subnets\":[\"subnet-1\"]}}")
                : null,
            null);
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    return new TaskView(
        "123456789012",
        "default",
        TASK_ID,
        spec,
        status,
        TaskStatus.RUNNING,
        List.of(),
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
        1,
        eni);
  }
}
