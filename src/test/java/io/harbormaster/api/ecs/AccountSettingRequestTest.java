package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.account.AccountSettings.SettingName;
import io.harbormaster.common.EcsException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Account setting requests checked as ECS checks them, before any entity is asked. */
class AccountSettingRequestTest {
  private static final RequestContext CTX =
      new RequestContext("123456789012", "us-east-1", "req", Instant.parse("2026-12-07T10:00:00Z"));

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String refusal(String request) {
    EcsException e =
        assertThrows(
            EcsException.class,
            () -> AccountSettingHandlers.SettingRequest.decode(CTX, json(request), true));
    assertEquals("InvalidParameterException", e.errorType());
    return e.getMessage();
  }

  @Test
  void aValueTheSettingDoesNotTake_isEcsInvalidSettingValue() {
    assertEquals(
        "Invalid setting 'value'", refusal("{\"name\":\"containerInsights\",\"value\":\"on\"}"));
    assertEquals(
        "Invalid setting 'value'",
        refusal("{\"name\":\"fargateTaskRetirementWaitPeriod\",\"value\":\"3\"}"));
    // Read-only: only AWS sets it.
    assertEquals(
        "Invalid setting 'value'", refusal("{\"name\":\"guardDutyActivate\",\"value\":\"on\"}"));
  }

  @Test
  void theCallerIsTheRootUser_aPrincipalMustBeOfTheAccount() {
    var own =
        AccountSettingHandlers.SettingRequest.decode(
            CTX, json("{\"name\":\"containerInsights\",\"value\":\"enhanced\"}"), true);
    assertEquals("arn:aws:iam::123456789012:root", own.principalArn());
    assertEquals(SettingName.CONTAINER_INSIGHTS, own.name());
    var role =
        AccountSettingHandlers.SettingRequest.decode(
            CTX,
            json(
                "{\"name\":\"awsvpcTrunking\",\"value\":\"enabled\","
                    + "\"principalArn\":\"arn:aws:iam::123456789012:role/deployer\"}"),
            true);
    assertEquals("arn:aws:iam::123456789012:role/deployer", role.principalArn());
    refusal(
        "{\"name\":\"awsvpcTrunking\",\"value\":\"enabled\","
            + "\"principalArn\":\"arn:aws:iam::999999999999:root\"}");
  }
}
