package io.harbormaster.agent.runtime;

import java.time.Duration;
import java.util.List;

/**
 * The container engine the agent drives. Every call blocks until the engine has answered: the agent
 * calls it from an executor of its own, never from an actor's thread. Failures are {@link
 * ContainerRuntimeException}s carrying the engine's message.
 *
 * <p>A task's life through it: {@link #ensureImage} → {@link #create} → {@link #start} → (events
 * and {@link #inspect}) → {@link #stop} → {@link #inspect} for the exit code and reason → {@link
 * #remove}. After an agent restart, {@link #listByLabel} with {@link ContainerLabels#TASK_ARN} (or
 * {@link ContainerLabels#MANAGED}) finds the containers to re-adopt.
 */
public interface ContainerRuntime extends AutoCloseable {

  /**
   * Makes sure {@code image} is present: an image already there is used as it is (no pull, no check
   * for a newer one); an absent one is pulled.
   *
   * @throws ImagePullException when it is absent and the pull fails
   */
  ImagePull ensureImage(String image);

  /**
   * Creates (does not start) a container; named Docker volumes of its mounts are created first when
   * missing.
   *
   * @return the container id
   */
  String create(ContainerSpec spec);

  /** Starts a created container; starting a running one does nothing. */
  void start(String containerId);

  /**
   * SIGTERM (or the image's stop signal), then SIGKILL once {@code timeout} has passed (rounded up
   * to whole seconds). Stopping a container that is not running does nothing. Returns when it has
   * exited.
   */
  void stop(String containerId, Duration timeout);

  /**
   * @throws ContainerNotFoundException when there is no such container
   */
  ContainerState inspect(String containerId);

  /**
   * Removes a container, killing it first if it still runs; its anonymous volumes go with it, named
   * ones stay ({@link #removeVolume}). Removing a container that is gone does nothing.
   */
  void remove(String containerId);

  /** Removes a named volume (a task-scoped one once its task is done); a missing volume is fine. */
  void removeVolume(String volumeName);

  /** Every container, running or not, whose label {@code key} has {@code value}. */
  List<ContainerState> listByLabel(String key, String value);

  /**
   * Delivers container {@code die}, {@code oom} and {@code health_status} events from now on, on a
   * thread of the runtime's; the listener must not block. Close the subscription to stop.
   */
  Subscription subscribe(ContainerEventListener listener);

  /**
   * Delivers the container's stdout and stderr, in order, from the first line printed at or after
   * {@code sinceEpochSecond} (0: from its first line): what was printed already, then each line as
   * it is printed, until the container stops. A container that is not running gives what it printed
   * and ends. The engine keeps the output (json-file or local log driver), so it can be read again
   * from any point.
   */
  Subscription followOutput(
      String containerId, long sinceEpochSecond, ContainerOutput.Listener listener);

  /** Releases the connection to the engine; containers keep running. */
  @Override
  void close();

  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
