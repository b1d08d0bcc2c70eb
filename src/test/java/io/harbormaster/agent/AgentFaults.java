package io.harbormaster.agent;

import com.github.dockerjava.api.model.Container;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What the agent fault tests share: a task definition whose containers run until told to stop (and
 * stop at once on SIGTERM), the containers of one test run as Docker lists them, and a watcher that
 * notices any of them stopping.
 */
final class AgentFaults {
  /** Marks the containers of one test run (the value is the run's id). */
  static final String RUN_LABEL = "io.harbormaster.it.agent-faults";

  private static final String RUNS_UNTIL_STOPPED = "trap 'exit 0' TERM; while :; do sleep 1; done";

  private AgentFaults() {}

  static String registerLongRunning(EcsClient ecs, String family, String runId) {
    Map<String, String> labels = new HashMap<>(SharedDocker.testLabels());
    labels.put(RUN_LABEL, runId);
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(SharedDocker.TEST_IMAGE)
                            .memory(16)
                            .command("sh", "-c", RUNS_UNTIL_STOPPED)
                            .stopTimeout(2)
                            .dockerLabels(labels)
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  /** The run's running containers: task ARN -> container id. */
  static Map<String, String> runningContainers(String runId) {
    Map<String, String> byTask = new TreeMap<>();
    List<Container> running =
        SharedDocker.runtime()
            .client()
            .listContainersCmd()
            .withLabelFilter(Map.of(RUN_LABEL, runId))
            .exec();
    for (Container c : running) byTask.put(c.getLabels().get(ContainerLabels.TASK_ARN), c.getId());
    return byTask;
  }

  static List<Task> describe(EcsClient ecs, String cluster, java.util.Collection<String> taskArns) {
    List<Task> tasks = new ArrayList<>();
    List<String> arns = new ArrayList<>(taskArns);
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
      tasks.addAll(ecs.describeTasks(r -> r.cluster(cluster).tasks(page)).tasks());
    }
    return tasks;
  }

  /** Whether the task is RUNNING in the API on exactly the container Docker runs for it. */
  static boolean runningOn(Task task, String containerId) {
    return task.lastStatus().equals("RUNNING")
        && task.desiredStatus().equals("RUNNING")
        && task.containers().size() == 1
        && containerId.equals(task.containers().get(0).runtimeId());
  }

  /**
   * Polls Docker twice a second and writes down every watched container that stops running (except
   * those the test stops itself), with the time since the watch began.
   */
  static final class StopWatch implements AutoCloseable {
    private final String runId;
    private final Map<String, String> watched;
    private final Set<String> expectedToStop = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> stopped = new ConcurrentHashMap<>();
    private final long since = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    StopWatch(String runId, Map<String, String> containersByTask) {
      this.runId = runId;
      this.watched = Map.copyOf(containersByTask);
      this.thread = new Thread(this::watch, "agent-faults-stop-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void expectStop(String taskArn) {
      expectedToStop.add(taskArn);
    }

    private void watch() {
      while (running) {
        try {
          Set<String> alive = Set.copyOf(runningContainers(runId).values());
          watched.forEach(
              (task, container) -> {
                if (!alive.contains(container) && !expectedToStop.contains(task)) {
                  stopped.putIfAbsent(task, (System.nanoTime() - since) / 1_000_000);
                }
              });
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // the engine did not answer this once; the next poll tells
        }
      }
    }

    /** Task ARN -> milliseconds after the watch began when its container was seen stopped. */
    Map<String, Long> unexpectedStops() {
      return Map.copyOf(stopped);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(5_000);
    }
  }

  static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
