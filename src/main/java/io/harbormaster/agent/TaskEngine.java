package io.harbormaster.agent;

import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import java.util.List;
import java.util.function.Consumer;

/**
 * What runs tasks on one host: the agent hands it payloads and stop orders from the control plane
 * and sends on every report it makes. It runs the same code over Docker and over the hollow
 * runtime.
 */
public interface TaskEngine extends AutoCloseable {
  /**
   * Start the task unless it is known already (a payload may come twice). A task that stopped here
   * is never started again: its stopped report is made again instead, since whoever asks has not
   * heard of the stop.
   */
  void start(TaskPayload task);

  /** Stop the task (SIGTERM, SIGKILL after the stop timeout); unknown tasks are ignored. */
  void stop(String taskId, String reason);

  /**
   * The current state of every task the engine knows that has not stopped, plus recently stopped
   * ones.
   */
  List<TaskReport> reports();

  /** Called on a thread of the engine's after each change of a task's state. */
  void onReport(Consumer<TaskReport> listener);

  @Override
  void close();
}
