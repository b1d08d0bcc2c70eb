package io.harbormaster.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.taskdefinition.TaskDefinitionRules;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a task reserves on its host, from its task definition and the run's overrides: the
 * task-level cpu and memory when given, else the containers' sums (memory, or memoryReservation
 * when only that is set), its static host ports (host mode: the container ports; bridge: non-zero
 * hostPorts; dynamic ports reserve nothing; awsvpc: none, each task has an address of its own, so
 * copies of a task share a host as in ECS), and the GPUs its containers ask for.
 */
public final class TaskResources {
  private TaskResources() {}

  public static Demand demand(JsonNode taskDefinition, JsonNode overrides) {
    Map<String, JsonNode> containerOverrides = new HashMap<>();
    if (overrides != null) {
      for (JsonNode o : overrides.path("containerOverrides"))
        containerOverrides.put(o.path("name").asText(), o);
    }
    ObjectNode taskLevel = JsonNodeFactory.instance.objectNode();
    copyText(taskDefinition, taskLevel, "cpu");
    copyText(taskDefinition, taskLevel, "memory");
    if (overrides != null) {
      copyText(overrides, taskLevel, "cpu");
      copyText(overrides, taskLevel, "memory");
    }
    long containerCpu = 0;
    long containerMemory = 0;
    int gpus = 0;
    Set<Integer> tcp = new TreeSet<>();
    Set<Integer> udp = new TreeSet<>();
    String networkMode = taskDefinition.path("networkMode").asText("bridge");
    for (JsonNode c : taskDefinition.path("containerDefinitions")) {
      JsonNode o = containerOverrides.get(c.path("name").asText());
      containerCpu += intOf(o, c, "cpu");
      for (JsonNode requirement : c.path("resourceRequirements")) {
        if (requirement.path("type").asText().equals("GPU")) {
          gpus += parseCount(requirement.path("value").asText("0"));
        }
      }
      long memory = intOf(o, c, "memory");
      containerMemory += memory > 0 ? memory : intOf(o, c, "memoryReservation");
      for (JsonNode pm : c.path("portMappings")) {
        int port =
            networkMode.equals("host")
                ? pm.path("hostPort").asInt(pm.path("containerPort").asInt(0))
                : pm.path("hostPort").asInt(0);
        if (port <= 0 || networkMode.equals("none") || networkMode.equals("awsvpc")) continue;
        (pm.path("protocol").asText("tcp").equals("udp") ? udp : tcp).add(port);
      }
    }
    long cpu = TaskDefinitionRules.taskCpuUnits(taskLevel).orElse(containerCpu);
    long memory = TaskDefinitionRules.taskMemoryMiB(taskLevel).orElse(containerMemory);
    return new Demand((int) cpu, (int) memory, tcp, udp, gpus);
  }

  private static int parseCount(String value) {
    try {
      return Math.max(0, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 0; // RegisterTaskDefinition keeps such a value out
    }
  }

  private static long intOf(JsonNode override, JsonNode container, String field) {
    if (override != null && override.hasNonNull(field)) return override.get(field).asLong();
    return container.path(field).asLong(0);
  }

  private static void copyText(JsonNode from, ObjectNode to, String field) {
    if (from.hasNonNull(field)) to.put(field, from.get(field).asText());
  }
}
