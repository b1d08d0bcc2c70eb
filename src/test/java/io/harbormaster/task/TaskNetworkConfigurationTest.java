package io.harbormaster.task;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskNetworkConfigurationTest {

  @Test
  void awsvpc_recordsTheSubnetsAndSecurityGroups_withPublicIpDisabled() {
    assertEquals(
        json(
            """
            {"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"],
             "assignPublicIp":"DISABLED"}}"""),
        TaskNetworkConfiguration.checked(
            "awsvpc",
            json(
                """
                {"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"]}}""")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bridge", "host", "none"})
  void otherModes_needNone_andRefuseOne(String mode) {
    assertNull(TaskNetworkConfiguration.checked(mode, null));
    EcsException e =
        assertThrows(
            EcsException.class,
            () ->
                TaskNetworkConfiguration.checked(
                    mode, json("{\"awsvpcConfiguration\":{\"subnets\":[\"subnet-1\"]}}")));
    assertEquals(ErrorType.INVALID_PARAMETER, e.type());
    assertEquals(
        "Network Configuration is not valid for the given networkMode of this task definition.",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "|Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        "{}|Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        "{\"awsvpcConfiguration\":{}}|subnets can not be empty.",
        "{\"awsvpcConfiguration\":{\"subnets\":[]}}|subnets can not be empty.",
        "{\"awsvpcConfiguration\":{\"subnets\":[\"s\"],\"securityGroups\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}}|securityGroups can have at most 5 items.",
        "{\"awsvpcConfiguration\":{\"subnets\":[\"s\"],\"assignPublicIp\":\"ENABLED\"}}|Assign public IP is not supported for this launch type.",
      })
  void awsvpc_refusesWhatECSRefuses(String requested, String message) {
    EcsException e =
        assertThrows(
            EcsException.class,
            () ->
                TaskNetworkConfiguration.checked(
                    "awsvpc", requested == null ? null : json(requested)));
    assertEquals(ErrorType.INVALID_PARAMETER, e.type());
    assertEquals(message, e.getMessage());
  }
}
