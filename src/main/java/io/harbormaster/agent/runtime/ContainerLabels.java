package io.harbormaster.agent.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels the agent puts on every container it creates, so that after a restart it can find its
 * containers again ({@link ContainerRuntime#listByLabel}). The names are the ECS agent's, which
 * users' tooling already knows; {@link #MANAGED} marks Harbormaster's containers.
 */
public final class ContainerLabels {

  public static final String MANAGED = "io.harbormaster.managed";
  public static final String TASK_ARN = "com.amazonaws.ecs.task-arn";
  public static final String CONTAINER_NAME = "com.amazonaws.ecs.container-name";
  public static final String CLUSTER = "com.amazonaws.ecs.cluster";
  public static final String TASK_DEFINITION_FAMILY = "com.amazonaws.ecs.task-definition-family";
  public static final String TASK_DEFINITION_VERSION = "com.amazonaws.ecs.task-definition-version";

  private ContainerLabels() {}

  /** The labels of container {@code containerName} of task {@code taskArn}. */
  public static Map<String, String> forTask(
      String clusterArn, String taskArn, String family, int revision, String containerName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED, "true");
    labels.put(CLUSTER, clusterArn);
    labels.put(TASK_ARN, taskArn);
    labels.put(TASK_DEFINITION_FAMILY, family);
    labels.put(TASK_DEFINITION_VERSION, Integer.toString(revision));
    labels.put(CONTAINER_NAME, containerName);
    return labels;
  }
}
