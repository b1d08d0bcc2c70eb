package io.harbormaster.task;

import io.harbormaster.common.Arns;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.task.Task.TaskView;

/**
 * Builds what an agent needs to run a task from the task's view: the task's side of the agent
 * protocol, which knows no task.
 */
public final class TaskPayloads {
  private TaskPayloads() {}

  public static TaskPayload of(String region, TaskView task) {
    return new TaskPayload(
        task.taskId(),
        Arns.task(region, task.accountId(), task.clusterName(), task.taskId()),
        Arns.cluster(region, task.accountId(), task.clusterName()),
        task.spec().family(),
        task.spec().revision(),
        task.spec().taskDefinition(),
        task.spec().overrides());
  }
}
