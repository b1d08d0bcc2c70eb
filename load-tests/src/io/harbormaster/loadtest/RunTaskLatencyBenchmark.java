package io.harbormaster.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.EcsContainerSpecs;
import io.harbormaster.agent.runtime.docker.DockerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * RunTask → RUNNING on real Docker, against the raw docker-java create+start of the same container,
 * in the same run (the two alternate, so drift on a shared machine hits both alike). A printed
 * figure, not a test.
 *
 * <pre>
 *   RunTaskLatencyBenchmark ENV_FILE DOCKER_HOST [COUNT=30] [CLUSTER=default]
 * </pre>
 *
 * The ENV_FILE is the one `harbormaster up` writes (endpoint and credentials); the agent `up`
 * started on DOCKER_HOST runs the tasks.
 */
public final class RunTaskLatencyBenchmark {
  static final String IMAGE = "harbormaster/busybox:test";
  static final List<String> COMMAND =
      List.of("sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 1; done");
  static final int MEMORY_MIB = 32;
  static final Duration POLL = Duration.ofMillis(20);
  static final Duration TASK_TIMEOUT = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    Map<String, String> env = BenchmarkSupport.readEnv(Path.of(args[0]));
    String dockerHost = args[1];
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    String cluster = args.length > 3 ? args[3] : "default";
    // The server and Cassandra compile their hot paths (JIT) during the first tasks after start;
    // their compiler
    // threads then compete with Docker on 2 cores. The figure is of a warm control plane.
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;

    try (EcsClient ecs = BenchmarkSupport.ecsClient(env);
        DockerRuntime docker = DockerRuntime.connect(dockerHost)) {
      String td = registerBusybox(ecs, "latency-");
      docker.ensureImage(IMAGE);

      long[] ecsNanos = new long[count];
      long[] rawNanos = new long[count];
      long[] rawCreate = new long[count];
      long[] agentCalls = new long[count];
      long[][] phases = new long[4][count];
      long[][] engine = new long[3][count];
      long[][] rawEngine = new long[3][count];
      for (int i = -warmup; i < count; i++) {
        long[] e = runTaskToRunning(ecs, cluster, td, docker);
        long[] r = rawCreateStart(docker, i);
        if (i >= 0) {
          ecsNanos[i] = e[0];
          for (int p = 0; p < 4; p++) phases[p][i] = e[p + 1];
          for (int p = 0; p < 3; p++) engine[p][i] = e[p + 5];
          for (int p = 0; p < 3; p++) rawEngine[p][i] = r[p + 3];
          rawNanos[i] = r[0] + r[1];
          rawCreate[i] = r[0];
          agentCalls[i] = r[0] + r[1] + r[2];
        }
      }
      System.out.println();
      System.out.printf(
          "RunTask -> RUNNING vs raw docker-java create+start, %d tasks each (after %d warm-up), "
              + "alternating, poll %d ms%n",
          count, warmup, POLL.toMillis());
      System.out.printf("%-44s %9s %9s %9s %9s%n", "", "p50 ms", "p99 ms", "min ms", "max ms");
      row("Harbormaster RunTask -> DescribeTasks RUNNING", ecsNanos);
      row("raw DockerRuntime.create+start", rawNanos);
      row("  (of which create)", rawCreate);
      System.out.println(
          "breakdown of the Harbormaster figure (server clock: createdAt, startedAt):");
      row("  RunTask call returns", phases[0]);
      row("  send -> createdAt (request received)", phases[1]);
      row("  createdAt -> startedAt (RunTask, agent, Docker)", phases[2]);
      row("  startedAt -> seen RUNNING by the poll", phases[3]);
      System.out.println(
          "  the same span on the engine's clock (docker inspect of the task's container: Created, "
              + "State.StartedAt):");
      row("    createdAt -> container Created", engine[0]);
      row("    container Created -> StartedAt", engine[1]);
      row("    container StartedAt -> task startedAt", engine[2]);
      System.out.println("  raw create+start on the engine's clock:");
      row("    create sent -> container Created", rawEngine[0]);
      row("    container Created -> StartedAt", rawEngine[1]);
      row("    container StartedAt -> start returned", rawEngine[2]);
      row("raw: the agent's Docker calls for one task", agentCalls);
      System.out.println(
          "  (listByLabel + ensureImage + create + start + inspect, as TaskRunner.launch did until "
              + "2026-11-21; it now does create + start)");
      double ratio50 = pct(ecsNanos, 50) / pct(rawNanos, 50);
      double ratio99 = pct(ecsNanos, 99) / pct(rawNanos, 99);
      System.out.printf("ratio p50 %.2fx, p99 %.2fx (target <= 1.2x)%n", ratio50, ratio99);
    }
  }

  /**
   * RunTask, then DescribeTasks every ~20 ms until RUNNING; then StopTask and wait until STOPPED
   * (not timed). Returns [total, RunTask call, send→createdAt, createdAt→startedAt, startedAt→seen,
   * createdAt→engine Created, engine Created→engine StartedAt, engine StartedAt→startedAt] in
   * nanos.
   */
  static long[] runTaskToRunning(EcsClient ecs, String cluster, String td, DockerRuntime docker)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long wall0 = System.currentTimeMillis();
    RunTaskResponse run =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(td).startedBy("latency-bench"));
    if (!run.failures().isEmpty() || run.tasks().isEmpty()) {
      throw new IllegalStateException("RunTask failed: " + run.failures());
    }
    long called = System.nanoTime() - t0;
    String arn = run.tasks().get(0).taskArn();
    long took;
    long wallSeen;
    Task running;
    while (true) {
      Task t = ecs.describeTasks(r -> r.cluster(cluster).tasks(arn)).tasks().get(0);
      if ("RUNNING".equals(t.lastStatus())) {
        took = System.nanoTime() - t0;
        wallSeen = System.currentTimeMillis();
        running = t;
        break;
      }
      if ("STOPPED".equals(t.lastStatus()))
        throw new IllegalStateException("task stopped: " + t.stoppedReason());
      if (System.nanoTime() - t0 > TASK_TIMEOUT.toNanos())
        throw new IllegalStateException("not RUNNING: " + arn);
      Thread.sleep(POLL.toMillis());
    }
    String containerId = running.containers().get(0).runtimeId();
    var inspected = docker.client().inspectContainerCmd(containerId).exec();
    long engineCreated = epochNanos(inspected.getCreated());
    long engineStarted = epochNanos(inspected.getState().getStartedAt());
    ecs.stopTask(r -> r.cluster(cluster).task(arn).reason("benchmark"));
    long s0 = System.nanoTime();
    while (!"STOPPED"
        .equals(
            ecs.describeTasks(r -> r.cluster(cluster).tasks(arn)).tasks().get(0).lastStatus())) {
      if (System.nanoTime() - s0 > TASK_TIMEOUT.toNanos())
        throw new IllegalStateException("not STOPPED: " + arn);
      Thread.sleep(50);
    }
    long created = running.createdAt().toEpochMilli();
    long started = running.startedAt().toEpochMilli();
    return new long[] {
      took,
      called,
      (created - wall0) * 1_000_000,
      (started - created) * 1_000_000,
      (wallSeen - started) * 1_000_000,
      engineCreated - created * 1_000_000,
      engineStarted - engineCreated,
      started * 1_000_000 - engineStarted
    };
  }

  /**
   * The same container as the task's, through the agent's own spec mapping and DockerRuntime;
   * [create, start, the agent's other calls: listByLabel + ensureImage before, inspect after,
   * create sent→engine Created, engine Created→engine StartedAt, engine StartedAt→start returned]
   * in nanos.
   */
  static long[] rawCreateStart(DockerRuntime docker, int i) {
    String taskArn = "arn:aws:ecs:us-east-1:000000000000:task/raw/" + rawTaskId();
    ContainerSpec spec = rawSpec(ContainerLabels.TASK_ARN, taskArn);
    long wall0 = epochNanosNow();
    long t0 = System.nanoTime();
    String id = docker.create(spec);
    long t1 = System.nanoTime();
    docker.start(id);
    long t2 = System.nanoTime();
    long wall2 = wall0 + (t2 - t0);
    var inspected = docker.client().inspectContainerCmd(id).exec();
    long engineCreated = epochNanos(inspected.getCreated());
    long engineStarted = epochNanos(inspected.getState().getStartedAt());
    docker.inspect(id);
    docker.listByLabel(ContainerLabels.TASK_ARN, taskArn);
    docker.ensureImage(IMAGE);
    long t3 = System.nanoTime();
    docker.stop(id, Duration.ofSeconds(5));
    docker.remove(id);
    return new long[] {
      t1 - t0,
      t2 - t1,
      t3 - t2,
      engineCreated - wall0,
      engineStarted - engineCreated,
      wall2 - engineStarted
    };
  }

  /** A task id for a raw container: no task of the server has it. */
  static String rawTaskId() {
    return "raw" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  /**
   * The benchmarks' busybox container ({@link #registerBusybox}) through the agent's own spec
   * mapping, labelled as the agent labels a task's container, with {@code label} set to {@code
   * value} instead of the task ARN's.
   */
  static ContainerSpec rawSpec(String label, String value) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode container =
        json.createObjectNode()
            .put("name", "main")
            .put("image", IMAGE)
            .put("memory", MEMORY_MIB)
            .put("essential", true)
            .put("stopTimeout", 5);
    ArrayNode command = container.putArray("command");
    COMMAND.forEach(command::add);
    ObjectNode taskDefinition = json.createObjectNode().put("networkMode", "host");
    taskDefinition.putArray("containerDefinitions").add(container);
    Map<String, String> labels = new HashMap<>();
    labels.put(label, value);
    labels.put(ContainerLabels.CONTAINER_NAME, "main");
    labels.put("io.harbormaster.test", "true");
    return EcsContainerSpecs.fromContainerDefinition(container, taskDefinition, labels);
  }

  static long epochNanos(String isoTime) {
    java.time.Instant at = java.time.Instant.parse(isoTime);
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  static long epochNanosNow() {
    java.time.Instant at = java.time.Instant.now();
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  static void row(String name, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-44s %9.1f %9.1f %9.1f %9.1f%n",
        name, pct(nanos, 50), pct(nanos, 99), s[0] / 1e6, s[s.length - 1] / 1e6);
  }

  /** Nearest-rank percentile of unsorted values in nanos, in ms. */
  static double pct(long[] nanos, double p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return BenchmarkSupport.percentile(s, p) / 1e6;
  }

  /** The benchmarks' task: one essential busybox container, host network, that exits on SIGTERM. */
  static String registerBusybox(EcsClient ecs, String familyPrefix) {
    String family = familyPrefix + UUID.randomUUID().toString().substring(0, 8);
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(IMAGE)
                            .memory(MEMORY_MIB)
                            .essential(true)
                            .command(COMMAND)
                            .stopTimeout(5)
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private RunTaskLatencyBenchmark() {}
}
