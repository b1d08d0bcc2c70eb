package io.harbormaster.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.EcsException;

/**
 * RunTask's and CreateService's {@code networkConfiguration}, checked against the task definition's
 * network mode as ECS checks it: required for {@code awsvpc} (with 1 to 16 subnets and at most 5
 * security groups), refused for every other mode. Pure.
 */
public final class TaskNetworkConfiguration {
  private TaskNetworkConfiguration() {}

  static final int MAX_SUBNETS = 16;
  static final int MAX_SECURITY_GROUPS = 5;

  /**
   * @param networkMode the task definition's ({@code bridge} when it names none)
   * @param requested the request's {@code networkConfiguration}, null or missing when absent
   * @return the configuration to record (its {@code awsvpcConfiguration} with ECS's default {@code
   *     assignPublicIp} DISABLED), or null for a task that has none
   * @throws EcsException InvalidParameterException, with ECS's message
   */
  public static JsonNode checked(String networkMode, JsonNode requested) {
    boolean given = requested != null && !requested.isNull() && !requested.isMissingNode();
    if (!networkMode.equals("awsvpc")) {
      if (given) {
        throw EcsException.invalidParameter(
            "Network Configuration is not valid for the given networkMode of this task"
                + " definition.");
      }
      return null;
    }
    JsonNode awsvpc = given ? requested.get("awsvpcConfiguration") : null;
    if (awsvpc == null || !awsvpc.isObject()) {
      throw EcsException.invalidParameter(
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    ArrayNode subnets = strings(awsvpc, "subnets");
    if (subnets.isEmpty()) {
      throw EcsException.invalidParameter("subnets can not be empty.");
    }
    if (subnets.size() > MAX_SUBNETS) {
      throw EcsException.invalidParameter("subnets can have at most " + MAX_SUBNETS + " items.");
    }
    ArrayNode securityGroups = strings(awsvpc, "securityGroups");
    if (securityGroups.size() > MAX_SECURITY_GROUPS) {
      throw EcsException.invalidParameter(
          "securityGroups can have at most " + MAX_SECURITY_GROUPS + " items.");
    }
    String assignPublicIp = awsvpc.path("assignPublicIp").asText("DISABLED");
    switch (assignPublicIp) {
      case "DISABLED" -> {}
      case "ENABLED" ->
          throw EcsException.invalidParameter(
              "Assign public IP is not supported for this launch type.");
      default ->
          throw EcsException.invalidParameter(
              "assignPublicIp is ENABLED or DISABLED, not " + assignPublicIp + ".");
    }
    ObjectNode recorded = JsonNodeFactory.instance.objectNode();
    ObjectNode config = recorded.putObject("awsvpcConfiguration");
    config.set("subnets", subnets);
    config.set("securityGroups", securityGroups);
    config.put("assignPublicIp", assignPublicIp);
    return recorded;
  }

  private static ArrayNode strings(JsonNode node, String member) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    JsonNode list = node.get(member);
    if (list == null || list.isNull()) return out;
    if (!list.isArray()) {
      throw EcsException.invalidParameter(member + " must be a list of strings.");
    }
    for (JsonNode item : list) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw EcsException.invalidParameter(member + " must be a list of non-empty strings.");
      }
      out.add(item.asText());
    }
    return out;
  }
}
