package io.harbormaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.agent.runtime.ContainerSpec;
import java.time.Duration;
import java.util.Map;

/**
 * The pause container of an awsvpc task, as the ECS agent makes one: it holds the task's network
 * namespace on the agent's task network, and the task's containers join it, so they share one
 * address and reach each other on localhost. Pure.
 */
final class TaskNetworking {
  private TaskNetworking() {}

  /** The ECS agent's name for it, kept as the container-name label. */
  static final String PAUSE_CONTAINER_NAME = "~internal~ecs~pause";

  /** It exits on SIGTERM at once; this only bounds a stuck one. */
  static final Duration PAUSE_STOP_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A shell that sleeps until SIGTERM and then exits 0 (a bare {@code sleep} as PID 1 would ignore
   * SIGTERM and make every stop wait for the SIGKILL).
   */
  static final java.util.List<String> PAUSE_COMMAND =
      java.util.List.of("sh", "-c", "trap 'exit 0' TERM; sleep 2147483647 & wait");

  static boolean isAwsvpc(JsonNode taskDefinition) {
    return "awsvpc".equals(taskDefinition.path("networkMode").asText("bridge"));
  }

  /** The pause container of task {@code taskId}, on the task network, with the agent's labels. */
  static ContainerSpec pauseContainer(String image, String taskId, Map<String, String> labels) {
    return ContainerSpec.builder(image)
        .name("hm-pause-" + taskId)
        .command(PAUSE_COMMAND)
        .networkMode(ContainerSpec.NetworkMode.BRIDGE)
        .labels(labels)
        .stopTimeout(PAUSE_STOP_TIMEOUT)
        .build();
  }
}
