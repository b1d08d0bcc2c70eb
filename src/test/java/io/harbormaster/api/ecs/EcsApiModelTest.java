package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.aws.AwsApiModel;
import io.harbormaster.common.EcsException;
import org.junit.jupiter.api.Test;

class EcsApiModelTest {

  private static final EcsApiModel MODEL = EcsApiModel.get();

  /**
   * A task definition using most of ContainerDefinition, as `aws ecs register-task-definition`
   * would send it.
   */
  private static final String RICH_TASK_DEFINITION =
      """
            {
              "family": "web-app_2",
              "networkMode": "bridge",
              "requiresCompatibilities": ["EC2"],
              "cpu": "512",
              "memory": "1024",
              "taskRoleArn": null,
              "containerDefinitions": [
                {
                  "name": "web",
                  "image": "nginx:1.27",
                  "cpu": 256,
                  "memory": 512,
                  "memoryReservation": 256,
                  "essential": true,
                  "entryPoint": ["/docker-entrypoint.sh"],
                  "command": ["nginx", "-g", "daemon off;"],
                  "portMappings": [
                    {"containerPort": 80, "hostPort": 8080, "protocol": "tcp", "name": "http", "appProtocol": "http"},
                    {"containerPort": 53, "protocol": "udp"}
                  ],
                  "environment": [{"name": "MODE", "value": "prod"}, {"name": "EMPTY", "value": ""}],
                  "healthCheck": {
                    "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                    "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10
                  },
                  "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
                  "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
                  "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "web"}
                  },
                  "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": false}],
                  "linuxParameters": {
                    "capabilities": {"add": ["NET_ADMIN"], "drop": ["MKNOD"]},
                    "initProcessEnabled": true,
                    "sharedMemorySize": 64,
                    "tmpfs": [{"containerPath": "/tmp", "size": 128, "mountOptions": ["rw", "noexec"]}],
                    "devices": [{"hostPath": "/dev/fuse", "permissions": ["read", "write"]}]
                  },
                  "dockerLabels": {"com.example.team": "web"},
                  "stopTimeout": 30,
                  "startTimeout": 60,
                  "unknownFutureMember": {"anything": [1, 2, 3]}
                },
                {
                  "name": "init",
                  "image": "busybox",
                  "essential": false,
                  "command": ["sh", "-c", "echo ready"]
                }
              ],
              "volumes": [{"name": "data", "host": {"sourcePath": "/srv/data"}}],
              "tags": [{"key": "team", "value": "web"}]
            }
            """;

  @Test
  void loadsAll77Operations() {
    assertEquals(77, MODEL.operationNames().size());
    assertEquals("AmazonEC2ContainerServiceV20141113", MODEL.targetPrefix());
    for (String name : MODEL.operationNames()) {
      AwsApiModel.Operation op = MODEL.operation(name).orElseThrow();
      assertEquals(name, op.name());
      assertEquals(name + "Request", op.inputShape(), "input shape of " + name);
    }
    assertEquals("RunTaskResponse", MODEL.operation("RunTask").orElseThrow().outputShape());
    assertTrue(MODEL.operation("LaunchRocket").isEmpty());
    assertTrue(MODEL.operation(null).isEmpty());
  }

  @Test
  void unknownOperationIsRejected() {
    EcsException e =
        assertThrows(EcsException.class, () -> MODEL.validateInput("LaunchRocket", json("{}")));
    assertEquals("UnknownOperationException", e.errorType());
  }

  @Test
  void richTaskDefinitionPasses() {
    assertDoesNotThrow(
        () -> MODEL.validateInput("RegisterTaskDefinition", json(RICH_TASK_DEFINITION)));
  }

  @Test
  void everyOperationAcceptsAnEmptyBodyUnlessItHasRequiredMembers() {
    assertDoesNotThrow(() -> MODEL.validateInput("ListClusters", json("{}")));
    assertDoesNotThrow(() -> MODEL.validateInput("ListClusters", null));
    EcsException e =
        assertThrows(EcsException.class, () -> MODEL.validateInput("DeleteCluster", json("{}")));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals("cluster is required", e.getMessage());
  }

  @Test
  void bodyMustBeAnObject() {
    for (String body : new String[] {"[]", "\"x\"", "42", "null"}) {
      EcsException e =
          assertThrows(EcsException.class, () -> MODEL.validateInput("ListClusters", json(body)));
      assertEquals("SerializationException", e.errorType(), body);
    }
  }

  @Test
  void wrongTypeAtNestedPathNamesThePath() {
    assertSerialization(
        with("/containerDefinitions/0", "cpu", "\"abc\""),
        "Unexpected value for member containerDefinitions[0].cpu: expected an integer, got \"abc\"");
    assertSerialization(
        with("/containerDefinitions/0/portMappings/1", "containerPort", "true"),
        "Unexpected value for member containerDefinitions[0].portMappings[1].containerPort: expected an integer, got true");
    assertSerialization(
        with("/containerDefinitions/0/healthCheck", "command", "\"CMD true\""),
        "Unexpected value for member containerDefinitions[0].healthCheck.command: expected a list, got \"CMD true\"");
    assertSerialization(
        with("/containerDefinitions/0", "essential", "\"true\""),
        "Unexpected value for member containerDefinitions[0].essential: expected a boolean, got \"true\"");
    assertSerialization(
        with("/containerDefinitions/0", "linuxParameters", "[]"),
        "Unexpected value for member containerDefinitions[0].linuxParameters: expected an object, got a list");
    assertSerialization(
        with("/containerDefinitions/0/logConfiguration/options", "awslogs-group", "7"),
        "Unexpected value for member containerDefinitions[0].logConfiguration.options[\"awslogs-group\"]: expected a string, got 7");
    assertSerialization(
        with("/containerDefinitions/0", "dockerLabels", "[\"a\"]"),
        "Unexpected value for member containerDefinitions[0].dockerLabels: expected a map (JSON object), got a list");
    assertSerialization(
        with("", "family", "{\"a\":1}"),
        "Unexpected value for member family: expected a string, got an object");
  }

  @Test
  void stringForIntegerIsASerializationErrorEvenIfNumeric() {
    assertSerialization(
        with("/containerDefinitions/0", "memory", "\"512\""),
        "Unexpected value for member containerDefinitions[0].memory: expected an integer, got \"512\"");
  }

  @Test
  void integersMustBeWholeAndFitTheirType() {
    assertDoesNotThrow(
        () ->
            MODEL.validateInput(
                "RegisterTaskDefinition", with("/containerDefinitions/0", "cpu", "256.0")));
    assertDoesNotThrow(
        () ->
            MODEL.validateInput(
                "RegisterTaskDefinition", with("/containerDefinitions/0", "cpu", "2.56e2")));
    assertSerialization(
        with("/containerDefinitions/0", "cpu", "1.5"),
        "Unexpected value for member containerDefinitions[0].cpu: expected an integer, got 1.5");
    assertSerialization(
        with("/containerDefinitions/0", "cpu", "3000000000"),
        "Unexpected value for member containerDefinitions[0].cpu: expected an integer between -2147483648 and 2147483647, got 3000000000");
  }

  @Test
  void modelRangesOnNumbersAreInvalidParameters() {
    String runTask =
        "{\"taskDefinition\":\"web\",\"capacityProviderStrategy\":[{\"capacityProvider\":\"cp\",\"weight\":%s}]}";
    assertDoesNotThrow(() -> MODEL.validateInput("RunTask", json(runTask.formatted("1000"))));
    EcsException e =
        assertThrows(
            EcsException.class,
            () -> MODEL.validateInput("RunTask", json(runTask.formatted("1001"))));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(
        "capacityProviderStrategy[0].weight must be between 0 and 1000, got 1001", e.getMessage());
  }

  @Test
  void nullIsTreatedAsAbsent() {
    assertDoesNotThrow(
        () ->
            MODEL.validateInput(
                "RegisterTaskDefinition", with("/containerDefinitions/0", "cpu", "null")));
    assertDoesNotThrow(
        () -> MODEL.validateInput("RegisterTaskDefinition", with("", "networkMode", "null")));
    // ...so a required member given as null is missing.
    assertInvalid(with("", "family", "null"), "family is required");
  }

  @Test
  void nullInsideAListIsNotAbsentButWrong() {
    assertSerialization(
        with("/containerDefinitions/0", "command", "[\"sh\", null]"),
        "Unexpected value for member containerDefinitions[0].command[1]: expected a string, got null");
  }

  @Test
  void missingRequiredMembers() {
    ObjectNode input = (ObjectNode) json(RICH_TASK_DEFINITION);
    input.remove("family");
    assertInvalid(input, "family is required");

    assertInvalid(
        with("/containerDefinitions/0/ulimits/0", "hardLimit", "null"),
        "containerDefinitions[0].ulimits[0].hardLimit is required");
    ObjectNode noCommand = (ObjectNode) json(RICH_TASK_DEFINITION);
    ((ObjectNode) noCommand.at("/containerDefinitions/0/healthCheck")).remove("command");
    assertInvalid(noCommand, "containerDefinitions[0].healthCheck.command is required");
  }

  @Test
  void unknownEnumValueNamesTheAllowedValues() {
    assertInvalid(
        with("", "networkMode", "\"foo\""),
        "Invalid value \"foo\" for networkMode; valid values: bridge, host, awsvpc, none");
    // Enum values match exactly, as in the model: "BRIDGE" is not "bridge".
    assertInvalid(
        with("", "networkMode", "\"BRIDGE\""),
        "Invalid value \"BRIDGE\" for networkMode; valid values: bridge, host, awsvpc, none");
    EcsException e =
        assertThrows(
            EcsException.class,
            () ->
                MODEL.validateInput(
                    "RegisterTaskDefinition",
                    with("/containerDefinitions/0/dependsOn/0", "condition", "\"READY\"")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid value \"READY\" for containerDefinitions[0].dependsOn[0].condition; valid values: START, COMPLETE, SUCCESS, HEALTHY"),
        e.getMessage());
  }

  @Test
  void listsLongerThanTheModelAllowsAreRejected() {
    ArrayNode tags = JSON.createArrayNode();
    for (int i = 0; i < 51; i++) {
      tags.addObject().put("key", "k" + i).put("value", "v");
    }
    ObjectNode input = (ObjectNode) json(RICH_TASK_DEFINITION);
    input.set("tags", tags);
    assertInvalid(input, "tags must have between 0 and 50 items, got 51");
    tags.remove(50);
    assertDoesNotThrow(() -> MODEL.validateInput("RegisterTaskDefinition", input));
  }

  @Test
  void stringLengthsAreCheckedOnlyWhereTheModelDeclaresThem() {
    assertInvalid(
        with("/tags/0", "key", "\"\""),
        "tags[0].key must have between 1 and 128 characters, got 0");
    assertInvalid(
        with("/tags/0", "key", "\"" + "k".repeat(129) + "\""),
        "tags[0].key must have between 1 and 128 characters, got 129");
    // 128 non-BMP characters are 256 UTF-16 units but 128 characters.
    assertDoesNotThrow(
        () ->
            MODEL.validateInput(
                "RegisterTaskDefinition",
                with("/tags/0", "key", "\"" + "\uD83D\uDE80".repeat(128) + "\"")));
    // Plain strings have no bounds in the model.
    assertDoesNotThrow(
        () ->
            MODEL.validateInput(
                "RegisterTaskDefinition",
                with("/containerDefinitions/0", "hostname", "\"" + "h".repeat(10_000) + "\"")));
  }

  @Test
  void timestampsAcceptEpochSecondsAndIsoStrings() {
    for (String at :
        new String[] {
          "1700000000",
          "1700000000.123",
          "\"2024-05-01T12:00:00Z\"",
          "\"2024-05-01T12:00:00.5+02:00\""
        }) {
      ObjectNode input =
          (ObjectNode) json("{\"cluster\":\"c\",\"task\":\"t\",\"status\":\"RUNNING\"}");
      input.set("pullStartedAt", json(at));
      assertDoesNotThrow(() -> MODEL.validateInput("SubmitTaskStateChange", input), at);
    }
    for (String at : new String[] {"\"yesterday\"", "\"1700000000\"", "true"}) {
      ObjectNode input = (ObjectNode) json("{}");
      input.set("pullStartedAt", json(at));
      EcsException e =
          assertThrows(
              EcsException.class, () -> MODEL.validateInput("SubmitTaskStateChange", input));
      assertEquals("SerializationException", e.errorType(), at);
      assertTrue(e.getMessage().contains("pullStartedAt: expected a timestamp"), e.getMessage());
    }
  }

  @Test
  void longValuesInMessagesAreShortened() {
    EcsException e =
        assertThrows(
            EcsException.class,
            () ->
                MODEL.validateInput(
                    "RegisterTaskDefinition",
                    with("/containerDefinitions/0", "cpu", "\"" + "x".repeat(5000) + "\"")));
    assertTrue(e.getMessage().length() < 200, e.getMessage());
    assertTrue(e.getMessage().endsWith("got \"" + "x".repeat(60) + "\"..."), e.getMessage());
  }

  // ---- helpers ----

  /** The rich task definition with one member of the object at {@code pointer} replaced. */
  private static JsonNode with(String pointer, String member, String valueJson) {
    ObjectNode input = (ObjectNode) json(RICH_TASK_DEFINITION);
    ((ObjectNode) input.at(pointer)).set(member, json(valueJson));
    return input;
  }

  private static void assertSerialization(JsonNode input, String message) {
    EcsException e =
        assertThrows(
            EcsException.class, () -> MODEL.validateInput("RegisterTaskDefinition", input));
    assertEquals("SerializationException", e.errorType());
    assertEquals(400, e.httpStatus());
    assertEquals(message, e.getMessage());
  }

  private static void assertInvalid(JsonNode input, String message) {
    EcsException e =
        assertThrows(
            EcsException.class, () -> MODEL.validateInput("RegisterTaskDefinition", input));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(400, e.httpStatus());
    assertEquals(message, e.getMessage());
  }
}
