package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.common.EcsException;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** StopTask, DescribeTasks and ListTasks decoded once: what they keep, and their mistakes. */
class TaskRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestContext CTX =
      new RequestContext("123456789012", "us-east-1", "request-1", Instant.EPOCH);
  private static final EcsPaging PAGING = new EcsPaging(new byte[32]);

  @Test
  void stopTakesATaskArnOfItsClusterAndTheUsersReason() {
    StopTaskRequest request =
        StopTaskRequest.decode(
            CTX,
            json(
                """
                {"cluster":"prod","task":"arn:aws:ecs:us-east-1:123456789012:task/prod/abc123"}
                """));

    assertEquals(new StopTaskRequest("prod", "abc123", "Task stopped by user"), request);
  }

  @Test
  void stopReportsAMissingTaskBeforeATooLongReason() {
    String tooLong = "x".repeat(256);
    assertInvalid(
        "The referenced task was not found.",
        StopTaskRequest::decode,
        "{\"reason\":\"" + tooLong + "\"}");
    assertInvalid(
        "The referenced task was not found.",
        StopTaskRequest::decode,
        "{\"cluster\":\"prod\",\"task\":\"arn:aws:ecs:us-east-1:123456789012:task/other/abc\"}");
    assertInvalid(
        "reason can have at most 255 characters.",
        StopTaskRequest::decode,
        "{\"task\":\"abc\",\"reason\":\"" + tooLong + "\"}");
  }

  @Test
  void describeNamesOneToAHundredTasks() {
    DescribeTasksRequest request =
        DescribeTasksRequest.decode(CTX, json("{\"tasks\":[\"a\",\"b\"],\"include\":[\"TAGS\"]}"));

    assertEquals(new DescribeTasksRequest("default", List.of("a", "b"), true), request);
    assertInvalid("Tasks cannot be empty.", DescribeTasksRequest::decode, "{}");
    assertInvalid(
        "Container Instances cannot be empty.", DescribeContainerInstancesRequest::decode, "{}");
  }

  @Test
  void listTakesEcsDefaultsForWhatItLeavesOut() {
    ListTasksRequest request = ListTasksRequest.decode(CTX, json("{}"), PAGING);

    assertEquals(
        new ListTasksRequest(
            "default",
            100,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            "RUNNING",
            Optional.empty()),
        request);
    assertTrue(request.lists("any-instance"));
    assertTrue(request.matches(reservation(TaskPhase.RESERVED, "web", "service:web")));
    assertTrue(request.matches(reservation(TaskPhase.RUNNING, "web", null)));
    assertFalse(request.matches(reservation(TaskPhase.STOPPING, "web", null)));
  }

  @Test
  void listFiltersByInstanceServiceAndDesiredStatus() {
    ListTasksRequest request =
        ListTasksRequest.decode(
            CTX,
            json(
                """
                {"containerInstance":"i-1","serviceName":"web","desiredStatus":"STOPPED"}
                """),
            PAGING);

    assertTrue(request.lists("i-1"));
    assertFalse(request.lists("i-2"));
    assertTrue(request.matches(reservation(TaskPhase.STOPPED, "web", "service:web")));
    assertFalse(request.matches(reservation(TaskPhase.STOPPED, "web", "service:api")));
    assertFalse(request.matches(reservation(TaskPhase.RUNNING, "web", "service:web")));
  }

  private static Reservation reservation(TaskPhase phase, String family, String group) {
    return new Reservation(
        "t1",
        new Demand(128, 128, Set.of(), Set.of()),
        new TaskSummary(family, group, "me"),
        phase,
        Instant.EPOCH);
  }

  private interface Decoder {
    Object decode(RequestContext ctx, JsonNode input);
  }

  private static void assertInvalid(String message, Decoder decoder, String input) {
    EcsException e = assertThrows(EcsException.class, () -> decoder.decode(CTX, json(input)));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(message, e.getMessage());
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
