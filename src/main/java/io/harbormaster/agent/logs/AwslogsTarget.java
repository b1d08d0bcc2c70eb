package io.harbormaster.agent.logs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Where a container's output goes when its definition asks for the {@code awslogs} log driver: the
 * group ({@code awslogs-group}), the stream as ECS names it ({@code prefix/container-name/task-id}
 * with {@code awslogs-stream-prefix}, else the container's runtime id), and whether a missing group
 * is created ({@code awslogs-create-group} "true").
 */
public record AwslogsTarget(String logGroup, String logStream, boolean createGroup) {
  public static final String DRIVER = "awslogs";

  /**
   * Empty when the container logs with another driver, or names no group (ECS refuses such a
   * definition; this agent ships nothing for it).
   */
  public static Optional<AwslogsTarget> of(
      JsonNode containerDefinition, String taskArn, String containerRuntimeId) {
    JsonNode config = containerDefinition.path("logConfiguration");
    if (!DRIVER.equals(config.path("logDriver").asText())) return Optional.empty();
    JsonNode options = config.path("options");
    String group = options.path("awslogs-group").asText("");
    if (group.isEmpty()) return Optional.empty();
    String prefix = options.path("awslogs-stream-prefix").asText("");
    String containerName = containerDefinition.path("name").asText();
    String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
    String stream =
        prefix.isEmpty() ? containerRuntimeId : prefix + "/" + containerName + "/" + taskId;
    boolean create = options.path("awslogs-create-group").asText("false").equalsIgnoreCase("true");
    return Optional.of(new AwslogsTarget(group, stream, create));
  }
}
