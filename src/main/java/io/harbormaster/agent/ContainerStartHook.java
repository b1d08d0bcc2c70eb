package io.harbormaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.agent.runtime.ContainerRuntimeException;
import io.harbormaster.protocol.AgentMessages.TaskPayload;

/**
 * What must be ready before a container starts, beyond the engine: the {@code awslogs} log stream,
 * whose group must exist (or be created), as Docker's awslogs driver requires when it starts a
 * container. Runs on the task's strand and may block briefly.
 */
@FunctionalInterface
public interface ContainerStartHook {
  ContainerStartHook NONE = (task, containerDefinition, containerId) -> {};

  /**
   * @throws ContainerRuntimeException when the container cannot start: the task reports it as
   *     CannotStartContainerError with this message
   */
  void beforeStart(TaskPayload task, JsonNode containerDefinition, String containerId);
}
