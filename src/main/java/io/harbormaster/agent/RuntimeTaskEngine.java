package io.harbormaster.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.EnvironmentFiles;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskEngine} over a {@link ContainerRuntime}: one {@link TaskRunner} per task,
 * container events routed to their task, payloads kept in the state folder so that a restarted
 * agent re-adopts its running containers (found by their task-ARN labels) instead of starting them
 * twice. Stopped tasks are reported, then their containers are removed after a while and the task
 * forgotten.
 */
public final class RuntimeTaskEngine implements TaskEngine {
  private static final Logger log = LoggerFactory.getLogger(RuntimeTaskEngine.class);
  private static final ObjectMapper JSON = AgentMessages.JSON;

  private final ContainerRuntime runtime;
  private final Executor pool;
  private final ScheduledExecutorService timers;
  private final Optional<Path> stateDir;
  private final Duration cleanupDelay;
  private final String pauseImage;
  private final Map<String, TaskRunner> runners = new ConcurrentHashMap<>();
  private final Map<String, TaskRunner> byContainer = new ConcurrentHashMap<>();
  private final List<Consumer<TaskReport>> listeners = new CopyOnWriteArrayList<>();
  private final ContainerRuntime.Subscription events;
  private final ContainerStartHook startHook;

  /**
   * Task ARNs with containers on the engine when this engine started (a previous agent run's): only
   * their tasks look for containers to adopt, so a new task goes straight to create.
   */
  private final Set<String> leftBehind;

  /**
   * Images this engine found present or pulled; a task using one skips the check (see TaskRunner).
   */
  private final Set<String> imagesPresent = ConcurrentHashMap.newKeySet();

  /** Reads containers' environmentFiles; its HTTP client is made on first use. */
  private final EnvironmentFiles environmentFiles = EnvironmentFiles.withDefaultClient();

  public RuntimeTaskEngine(
      ContainerRuntime runtime,
      Executor pool,
      ScheduledExecutorService timers,
      Optional<Path> stateDir,
      Duration cleanupDelay) {
    this(
        runtime,
        pool,
        timers,
        stateDir,
        cleanupDelay,
        ContainerStartHook.NONE,
        TaskNetworkSettings.DEFAULT_PAUSE_IMAGE);
  }

  /**
   * @param startHook what must be ready before each container starts (the awslogs stream)
   * @param pauseImage the image of awsvpc tasks' pause containers ({@link TaskNetworkSettings})
   */
  public RuntimeTaskEngine(
      ContainerRuntime runtime,
      Executor pool,
      ScheduledExecutorService timers,
      Optional<Path> stateDir,
      Duration cleanupDelay,
      ContainerStartHook startHook,
      String pauseImage) {
    this.startHook = startHook;
    this.pauseImage = pauseImage;
    this.runtime = runtime;
    this.pool = pool;
    this.timers = timers;
    this.stateDir = stateDir;
    this.cleanupDelay = cleanupDelay;
    this.events =
        runtime.subscribe(
            event -> {
              TaskRunner runner = byContainer.get(event.containerId());
              if (runner != null) runner.containerChanged(event.containerId());
            });
    // After subscribing: a container created from now on is this engine's own and needs no
    // adoption.
    this.leftBehind =
        runtime.listByLabel(ContainerLabels.MANAGED, "true").stream()
            .map(c -> c.label(ContainerLabels.TASK_ARN).orElse(""))
            .filter(arn -> !arn.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    resumeSavedTasks();
  }

  @Override
  public void start(TaskPayload task) {
    boolean[] isNew = {false};
    TaskRunner runner =
        runners.computeIfAbsent(
            task.taskId(),
            id -> {
              isNew[0] = true;
              save(task);
              TaskRunner fresh = newRunner(task, leftBehind.contains(task.taskArn()));
              fresh.launch();
              return fresh;
            });
    // The control plane asks for a task that stopped here: it missed the stop, so it is told again
    // (and the
    // task's containers are not started again).
    TaskReport last = runner.lastReport(); // volatile: the runner's own state belongs to its strand
    if (!isNew[0] && last.report().status() == AgentMessages.TaskStatus.STOPPED) {
      listeners.forEach(l -> l.accept(last));
    }
  }

  @Override
  public void stop(String taskId, String reason) {
    TaskRunner runner = runners.get(taskId);
    if (runner != null) runner.stop(null, reason);
  }

  @Override
  public List<TaskReport> reports() {
    return runners.values().stream().map(TaskRunner::lastReport).toList();
  }

  /** The payload of a task the engine holds. */
  public Optional<TaskPayload> payload(String taskId) {
    return Optional.ofNullable(runners.get(taskId)).map(TaskRunner::payload);
  }

  @Override
  public void onReport(Consumer<TaskReport> listener) {
    listeners.add(listener);
  }

  private TaskRunner newRunner(TaskPayload task, boolean adopt) {
    TaskRunner[] self = new TaskRunner[1];
    self[0] =
        new TaskRunner(
            task,
            runtime,
            adopt,
            imagesPresent,
            pool,
            timers,
            report -> {
              listeners.forEach(l -> l.accept(report));
              if (self[0] != null && self[0].isStopped()) scheduleCleanup(self[0]);
            },
            containerId -> byContainer.put(containerId, self[0]),
            startHook,
            pauseImage,
            environmentFiles);
    return self[0];
  }

  /**
   * A stopped task stays reported for a while (the control plane may be away), then goes with its
   * containers.
   */
  private void scheduleCleanup(TaskRunner runner) {
    timers.schedule(
        () ->
            pool.execute(
                () -> {
                  for (String id : runner.containerIds()) {
                    try {
                      runtime.remove(id);
                    } catch (RuntimeException e) {
                      log.debug("could not remove container {}: {}", id, e.toString());
                    }
                    byContainer.remove(id);
                  }
                  forget(
                      runner.taskId()); // before the runner goes: a task no longer reported has no
                  // saved state either
                  runners.remove(runner.taskId());
                }),
        cleanupDelay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void resumeSavedTasks() {
    if (stateDir.isEmpty() || !Files.isDirectory(tasksDir())) return;
    try (Stream<Path> files = Files.list(tasksDir())) {
      files
          .filter(f -> f.toString().endsWith(".json"))
          .forEach(
              file -> {
                try {
                  TaskPayload task = JSON.readValue(file.toFile(), TaskPayload.class);
                  TaskRunner runner = newRunner(task, true);
                  runners.put(task.taskId(), runner);
                  runner.launch(); // adopts the containers it finds, creates the missing ones
                } catch (IOException e) {
                  log.warn("ignoring unreadable task state {}", file, e);
                }
              });
    } catch (IOException e) {
      log.warn("could not read the agent's task state in {}", tasksDir(), e);
    }
  }

  private Path tasksDir() {
    return stateDir.orElseThrow().resolve("tasks");
  }

  private void save(TaskPayload task) {
    if (stateDir.isEmpty()) return;
    try {
      Files.createDirectories(tasksDir());
      JSON.writeValue(tasksDir().resolve(task.taskId() + ".json").toFile(), task);
    } catch (IOException e) {
      log.warn("could not save task {}", task.taskId(), e);
    }
  }

  private void forget(String taskId) {
    if (stateDir.isEmpty()) return;
    try {
      Files.deleteIfExists(tasksDir().resolve(taskId + ".json"));
    } catch (IOException e) {
      log.debug("could not delete the state of task {}", taskId, e);
    }
  }

  @Override
  public void close() {
    events.close();
  }
}
