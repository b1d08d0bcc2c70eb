package io.harbormaster.loadtest;

import com.github.dockerjava.api.model.Container;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.EcsContainerSpecs;
import io.harbormaster.agent.runtime.docker.DockerRuntime;
import io.harbormaster.loadtest.BenchmarkSupport.CpuSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A service of N busybox tasks on real Docker, CreateService → steady state (every task RUNNING and
 * DescribeServices reporting runningCount N), against the raw docker-java create+start of the same
 * N containers in the same run (the agent's own {@link EcsContainerSpecs} and {@link
 * DockerRuntime}; once one after the other, once on as many threads as the agent's Docker pool).
 * Runs alternate service / raw; between runs the service is deleted (force) and the benchmark waits
 * until its containers no longer run. A printed figure, not a test.
 *
 * <pre>
 *   ServiceStartupBenchmark ENV_FILE DOCKER_HOST [TASKS=50] [RUNS=3] [CLUSTER=default] [WARMUPS=1]
 *       [SERVER_PID CASSANDRA_PID]   (then the CPU each used during each launch is printed)
 * </pre>
 */
public final class ServiceStartupBenchmark {
  static final String IMAGE = RunTaskLatencyBenchmark.IMAGE;
  static final List<String> COMMAND =
      RunTaskLatencyBenchmark.COMMAND; // handles SIGTERM: stops are quick
  static final int MEMORY_MIB = RunTaskLatencyBenchmark.MEMORY_MIB;

  /**
   * The agent's Docker pool (agent/Agents: a fixed pool of 8 threads): the parallel raw half uses
   * as many.
   */
  static final int AGENT_THREADS = 8;

  static final Duration POLL = Duration.ofMillis(100);
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  public static void main(String[] args) throws Exception {
    Map<String, String> env = BenchmarkSupport.readEnv(Path.of(args[0]));
    String dockerHost = args[1];
    int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    String cluster = args.length > 4 ? args[4] : "default";
    int warmups = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    long serverPid = args.length > 7 ? Long.parseLong(args[6]) : -1;
    long cassandraPid = args.length > 7 ? Long.parseLong(args[7]) : -1;

    try (EcsClient ecs = BenchmarkSupport.ecsClient(env);
        DockerRuntime docker = DockerRuntime.connect(dockerHost)) {
      String td = RunTaskLatencyBenchmark.registerBusybox(ecs, "svc-startup-");
      docker.ensureImage(IMAGE);
      ServiceStartupBenchmark bench =
          new ServiceStartupBenchmark(ecs, docker, cluster, td, serverPid, cassandraPid);
      SwarmReference swarm = SwarmReference.start(docker);

      // One full-size warm-up of each half, printed but not counted: the first container creations
      // on a fresh
      // engine are slow, and a freshly started control plane compiles its hot paths (JIT) during
      // its first launch;
      // the counted runs measure a warm server, as a long-running control plane is.
      // JFR's thread CPU of a freshly started `up` during its first launches: half of the server's
      // CPU and 45 % of
      // Cassandra's went to their JIT compiler threads, competing with Docker on 2 cores.
      for (int w = 1; w <= warmups; w++) {
        ServiceResult cold = bench.serviceRun("warmup" + w, tasks);
        long coldRaw = bench.rawRun(tasks, AGENT_THREADS);
        System.out.printf(
            "warm-up %d (not counted): service %.2f s, raw %d threads %.2f s%n",
            w, cold.steadyNanos / 1e9, AGENT_THREADS, coldRaw / 1e9);
      }

      if (swarm.available()) {
        System.out.printf(
            "warm-up (not counted): Swarm %.2f s%n", swarm.run("warmup", tasks) / 1e9);
      }

      List<ServiceResult> service = new ArrayList<>();
      long[] rawSerial = new long[runs];
      long[] rawParallel = new long[runs];
      long[] swarmNanos = new long[runs];
      for (int i = 0; i < runs; i++) {
        String load = loadAverage();
        ServiceResult s = bench.serviceRun("run" + i, tasks);
        rawSerial[i] = bench.rawRun(tasks, 1);
        rawParallel[i] = bench.rawRun(tasks, AGENT_THREADS);
        swarmNanos[i] = swarm.available() ? swarm.run("run" + i, tasks) : -1;
        service.add(s);
        System.out.printf(
            "run %d (load average %s): service %.2f s, raw serial %.2f s, raw %d threads %.2f s, "
                + "Swarm %s%n",
            i + 1,
            load,
            s.steadyNanos / 1e9,
            rawSerial[i] / 1e9,
            AGENT_THREADS,
            rawParallel[i] / 1e9,
            swarmNanos[i] < 0 ? "-" : String.format("%.2f s", swarmNanos[i] / 1e9));
        s.print();
      }
      swarm.close();

      long[] steady = service.stream().mapToLong(r -> r.steadyNanos).toArray();
      long[] allRunning = service.stream().mapToLong(r -> r.allRunningNanos).toArray();
      System.out.println();
      System.out.printf(
          "Service of %d busybox tasks (host network, %d MiB, trap-TERM loop), CreateService -> steady "
              + "state, vs raw docker-java create+start of the same %d containers; %d runs, poll %d ms%n",
          tasks, MEMORY_MIB, tasks, runs, POLL.toMillis());
      System.out.printf("%-58s %8s %8s %8s%n", "", "p50 s", "min s", "max s");
      row("Harbormaster CreateService -> runningCount " + tasks + ", all RUNNING", steady);
      row("  (all " + tasks + " tasks RUNNING in DescribeTasks)", allRunning);
      row("raw DockerRuntime create+start, serial", rawSerial);
      row("raw DockerRuntime create+start, " + AGENT_THREADS + " threads", rawParallel);
      System.out.printf(
          "ratio service / raw serial: p50 %.2fx (per run: %s)%n",
          median(steady) / median(rawSerial), ratios(steady, rawSerial));
      System.out.printf(
          "ratio service / raw %d threads: p50 %.2fx (per run: %s)%n",
          AGENT_THREADS, median(steady) / median(rawParallel), ratios(steady, rawParallel));
      if (swarm.available()) {
        row(
            "Docker Swarm on the same engine, docker service create -> "
                + tasks
                + "/"
                + tasks
                + " running",
            swarmNanos);
        System.out.printf(
            "ratio service / Swarm: p50 %.2fx (per run: %s)%n",
            median(steady) / median(swarmNanos), ratios(steady, swarmNanos));
      } else {
        System.out.println(
            "Docker Swarm on the same engine: not measured (" + swarm.unavailableBecause() + ")");
      }
      System.out.printf(
          "reference: Docker Swarm, 50 host-network replicas to running, median of 3: 4.1 s -> "
              + "Harbormaster p50 %.2f s is %s%n",
          median(steady) / 1e9, median(steady) / 1e9 < 4.1 ? "FASTER" : "SLOWER");
    }
  }

  private final EcsClient ecs;
  private final DockerRuntime docker;
  private final String cluster;
  private final String td;
  private final long serverPid;
  private final long cassandraPid;

  ServiceStartupBenchmark(
      EcsClient ecs,
      DockerRuntime docker,
      String cluster,
      String td,
      long serverPid,
      long cassandraPid) {
    this.ecs = ecs;
    this.docker = docker;
    this.cluster = cluster;
    this.td = td;
    this.serverPid = serverPid;
    this.cassandraPid = cassandraPid;
  }

  /**
   * Core-seconds used from `before` to now: server, Cassandra, the whole machine; empty without the
   * pids.
   */
  private String cpuSince(CpuSample before) {
    if (serverPid <= 0) return "";
    CpuSample now = CpuSample.take(serverPid, cassandraPid);
    return String.format(
        "server %.2f, Cassandra %.2f, whole machine %.2f core-s",
        (now.serverTicks() - before.serverTicks()) / CpuSample.HZ,
        (now.cassandraTicks() - before.cassandraTicks()) / CpuSample.HZ,
        (now.machineBusy() - before.machineBusy()) / CpuSample.HZ);
  }

  private CpuSample cpuNow() {
    return serverPid <= 0 ? null : CpuSample.take(serverPid, cassandraPid);
  }

  /** What one service run saw; nanos from the CreateService call. */
  record ServiceResult(
      int tasks,
      long createCallNanos,
      long firstRunningNanos,
      long allRunningNanos,
      long steadyNanos,
      double firstCreatedS,
      double lastCreatedS,
      double firstStartedS,
      double lastStartedS,
      List<String> launchBatches,
      DockerTimeline docker,
      long deleteToGoneNanos,
      String launchCpu,
      long wall0) {
    void print() {
      System.out.printf("  CreateService sent at %s%n", java.time.Instant.ofEpochMilli(wall0));
      if (!launchCpu.isEmpty())
        System.out.println("  CPU from CreateService to steady: " + launchCpu);
      System.out.printf(
          "  CreateService call %.0f ms; runningCount > 0 seen %.2f s, all RUNNING seen %.2f s, "
              + "runningCount %d seen %.2f s; cleanup (DeleteService force -> containers stopped) %.1f s%n",
          createCallNanos / 1e6,
          firstRunningNanos / 1e9,
          allRunningNanos / 1e9,
          tasks,
          steadyNanos / 1e9,
          deleteToGoneNanos / 1e9);
      System.out.printf(
          "  server clock from the CreateService send: tasks createdAt %.2f..%.2f s, startedAt "
              + "%.2f..%.2f s; launches (SERVICE_TASKS_STARTED events, oldest first): %s%n",
          firstCreatedS, lastCreatedS, firstStartedS, lastStartedS, launchBatches);
      System.out.printf(
          "  engine clock (docker inspect of the task containers): Created %.2f..%.2f s, StartedAt "
              + "%.2f..%.2f s; Created -> StartedAt per container p50 %.0f ms, max %.0f ms; most containers being "
              + "created or started at once: %d%n",
          docker.firstCreatedS,
          docker.lastCreatedS,
          docker.firstStartedS,
          docker.lastStartedS,
          docker.p50CreateToStartMs,
          docker.maxCreateToStartMs,
          docker.maxConcurrent);
    }
  }

  ServiceResult serviceRun(String label, int count) throws Exception {
    String name = "startup-" + label + "-" + UUID.randomUUID().toString().substring(0, 6);
    CpuSample cpu0 = cpuNow();
    long wall0 = System.currentTimeMillis();
    long t0 = System.nanoTime();
    ecs.createService(
        r -> r.cluster(cluster).serviceName(name).taskDefinition(td).desiredCount(count));
    long createCall = System.nanoTime() - t0;
    long firstRunning = -1;
    long allRunning = -1;
    long steady = -1;
    List<Task> seen = List.of();
    // DescribeServices alone until it reports runningCount = count (as `aws ecs wait
    // services-stable` polls), then
    // ListTasks + DescribeTasks to confirm every task is RUNNING; polling all 50 tasks every 100 ms
    // from the start
    // would load the 2-core machine that also runs Docker with the benchmark's own reads.
    while (steady < 0) {
      if (System.nanoTime() - t0 > TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "service " + name + " not steady after " + TIMEOUT + ": " + describe(name));
      }
      Service s = describe(name);
      long now = System.nanoTime() - t0;
      if (s.runningCount() > 0 && firstRunning < 0) firstRunning = now;
      if (s.runningCount() == count) {
        seen = tasks(name);
        long running = seen.stream().filter(t -> "RUNNING".equals(t.lastStatus())).count();
        for (Task t : seen) {
          if ("STOPPED".equals(t.lastStatus())) {
            System.out.println("  a task stopped: " + t.taskArn() + " " + t.stoppedReason());
          }
        }
        if (running >= count) {
          allRunning = now;
          steady = now;
        }
      }
      if (steady < 0) Thread.sleep(POLL.toMillis());
    }
    String launchCpu = cpu0 == null ? "" : cpuSince(cpu0);
    double firstCreated =
        seen.stream().mapToLong(t -> t.createdAt().toEpochMilli()).min().orElse(0);
    double lastCreated = seen.stream().mapToLong(t -> t.createdAt().toEpochMilli()).max().orElse(0);
    double firstStarted =
        seen.stream()
            .filter(t -> t.startedAt() != null)
            .mapToLong(t -> t.startedAt().toEpochMilli())
            .min()
            .orElse(0);
    double lastStarted =
        seen.stream()
            .filter(t -> t.startedAt() != null)
            .mapToLong(t -> t.startedAt().toEpochMilli())
            .max()
            .orElse(0);
    DockerTimeline timeline = dockerTimeline(wall0);
    List<ServiceEvent> events = new ArrayList<>(describe(name).events());
    java.util.Collections.reverse(events);
    List<String> batches =
        events.stream()
            .filter(e -> e.message().contains("has started"))
            .map(
                e ->
                    e.message().replaceAll(".*has started (\\d+) tasks.*", "$1")
                        + " at "
                        + String.format("%.2f s", (e.createdAt().toEpochMilli() - wall0) / 1e3))
            .toList();

    long d0 = System.nanoTime();
    ecs.deleteService(r -> r.cluster(cluster).service(name).force(true));
    awaitGone(name, d0);
    return new ServiceResult(
        count,
        createCall,
        firstRunning,
        allRunning,
        steady,
        (firstCreated - wall0) / 1e3,
        (lastCreated - wall0) / 1e3,
        (firstStarted - wall0) / 1e3,
        (lastStarted - wall0) / 1e3,
        batches,
        timeline,
        System.nanoTime() - d0,
        launchCpu,
        wall0);
  }

  /** When the engine created and started the running task containers, in seconds from wall0. */
  record DockerTimeline(
      double firstCreatedS,
      double lastCreatedS,
      double firstStartedS,
      double lastStartedS,
      double p50CreateToStartMs,
      double maxCreateToStartMs,
      int maxConcurrent) {}

  private DockerTimeline dockerTimeline(long wall0) {
    List<double[]> spans = new ArrayList<>(); // [created, started] in s from wall0
    for (Container c :
        docker
            .client()
            .listContainersCmd()
            .withLabelFilter(List.of(ContainerLabels.TASK_ARN))
            .exec()) {
      var state = docker.client().inspectContainerCmd(c.getId()).exec();
      double created = (java.time.Instant.parse(state.getCreated()).toEpochMilli() - wall0) / 1e3;
      double started =
          (java.time.Instant.parse(state.getState().getStartedAt()).toEpochMilli() - wall0) / 1e3;
      spans.add(new double[] {created, started});
    }
    if (spans.isEmpty()) return new DockerTimeline(0, 0, 0, 0, 0, 0, 0);
    long[] createToStart = spans.stream().mapToLong(x -> (long) ((x[1] - x[0]) * 1e9)).toArray();
    int maxConcurrent = 0;
    for (double[] x : spans) {
      double at = x[0];
      maxConcurrent =
          Math.max(
              maxConcurrent, (int) spans.stream().filter(y -> y[0] <= at && at < y[1]).count());
    }
    return new DockerTimeline(
        spans.stream().mapToDouble(x -> x[0]).min().orElse(0),
        spans.stream().mapToDouble(x -> x[0]).max().orElse(0),
        spans.stream().mapToDouble(x -> x[1]).min().orElse(0),
        spans.stream().mapToDouble(x -> x[1]).max().orElse(0),
        median(createToStart) / 1e6,
        java.util.Arrays.stream(createToStart).max().orElse(0) / 1e6,
        maxConcurrent);
  }

  private Service describe(String name) {
    return ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0);
  }

  private List<Task> tasks(String name) {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      var out =
          ecs.listTasks(
              r ->
                  r.cluster(cluster)
                      .serviceName(name)
                      .desiredStatus(DesiredStatus.RUNNING)
                      .maxResults(100)
                      .nextToken(t));
      arns.addAll(out.taskArns());
      token = out.nextToken();
    } while (token != null);
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
      out.addAll(ecs.describeTasks(r -> r.cluster(cluster).tasks(batch)).tasks());
    }
    return out;
  }

  /** Until the service is INACTIVE and no task container runs on the engine. */
  private void awaitGone(String name, long d0) throws InterruptedException {
    while (true) {
      boolean inactive = "INACTIVE".equals(describe(name).status());
      List<Container> running =
          docker
              .client()
              .listContainersCmd()
              .withLabelFilter(List.of(ContainerLabels.TASK_ARN))
              .exec();
      if (inactive && running.isEmpty()) return;
      if (System.nanoTime() - d0 > TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "service "
                + name
                + " not gone: "
                + describe(name).status()
                + ", "
                + running.size()
                + " containers running");
      }
      Thread.sleep(200);
    }
  }

  /**
   * N containers of the task's definition created and started on `threads` threads; then stopped
   * and removed.
   */
  long rawRun(int count, int threads) throws Exception {
    List<ContainerSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) specs.add(rawSpec());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CpuSample cpu0 = cpuNow();
      long t0 = System.nanoTime();
      List<Future<String>> started = new ArrayList<>();
      for (ContainerSpec spec : specs) {
        started.add(
            pool.submit(
                () -> {
                  String id = docker.create(spec);
                  docker.start(id);
                  return id;
                }));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : started) ids.add(f.get());
      long took = System.nanoTime() - t0;
      if (cpu0 != null) {
        System.out.printf(
            "  raw %d threads %.2f s, CPU: %s%n", threads, took / 1e9, cpuSince(cpu0));
      }
      List<Future<?>> removed = new ArrayList<>();
      for (String id : ids) {
        removed.add(
            pool.submit(
                () -> {
                  docker.stop(id, Duration.ofSeconds(5));
                  docker.remove(id);
                }));
      }
      for (Future<?> f : removed) f.get();
      return took;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The task's container through the agent's own mapping (as
   * RunTaskLatencyBenchmark.rawCreateStart).
   */
  static ContainerSpec rawSpec() {
    return RunTaskLatencyBenchmark.rawSpec(
        "io.harbormaster.test.raw-task", RunTaskLatencyBenchmark.rawTaskId());
  }

  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static void row(String name, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-58s %8.2f %8.2f %8.2f%n", name, median(nanos) / 1e9, s[0] / 1e9, s[s.length - 1] / 1e9);
  }

  static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  static String ratios(long[] a, long[] b) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) out.add(String.format("%.2fx", a[i] / (double) b[i]));
    return String.join(", ", out);
  }

  /**
   * The reference measured here: Docker Swarm mode on the benchmark's own engine, a
   * replicated service of the same container (host network, same image, command and memory limit),
   * from service create until every replica runs, polled as often as the service half. The engine
   * must run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 (run-service-startup.sh starts it so):
   * otherwise Swarm's agent asks Docker Hub for the image before each task (a public address; it
   * fails here and makes Swarm slower than it is).
   */
  static final class SwarmReference implements AutoCloseable {
    private final DockerRuntime docker;
    private final String unavailableBecause;

    private SwarmReference(DockerRuntime docker, String unavailableBecause) {
      this.docker = docker;
      this.unavailableBecause = unavailableBecause;
    }

    /**
     * Makes the engine a one-node swarm on loopback; on failure the reference is reported as not
     * measured.
     */
    static SwarmReference start(DockerRuntime docker) {
      try {
        docker
            .client()
            .initializeSwarmCmd(new com.github.dockerjava.api.model.SwarmSpec())
            .withListenAddr("127.0.0.1:" + io.harbormaster.persistence.FreePorts.pick())
            .withAdvertiseAddr("127.0.0.1")
            .exec();
        return new SwarmReference(docker, null);
      } catch (RuntimeException e) {
        return new SwarmReference(docker, e.getMessage());
      }
    }

    boolean available() {
      return unavailableBecause == null;
    }

    String unavailableBecause() {
      return unavailableBecause;
    }

    /**
     * Nanoseconds from the service create call until `count` of its tasks run; then removed and
     * awaited gone.
     */
    long run(String label, int count) throws InterruptedException {
      var client = docker.client();
      var spec =
          new com.github.dockerjava.api.model.ServiceSpec()
              .withName("swarm-" + label + "-" + UUID.randomUUID().toString().substring(0, 6))
              .withTaskTemplate(
                  new com.github.dockerjava.api.model.TaskSpec()
                      .withContainerSpec(
                          new com.github.dockerjava.api.model.ContainerSpec()
                              .withImage(IMAGE)
                              .withCommand(COMMAND))
                      .withResources(
                          new com.github.dockerjava.api.model.ResourceRequirements()
                              .withLimits(
                                  new com.github.dockerjava.api.model.ResourceSpecs()
                                      .withMemoryBytes(MEMORY_MIB * 1024L * 1024L)))
                      .withNetworks(
                          List.of(
                              new com.github.dockerjava.api.model.NetworkAttachmentConfig()
                                  .withTarget("host"))))
              .withMode(
                  new com.github.dockerjava.api.model.ServiceModeConfig()
                      .withReplicated(
                          new com.github.dockerjava.api.model.ServiceReplicatedModeOptions()
                              .withReplicas(count)));
      long t0 = System.nanoTime();
      String id = client.createServiceCmd(spec).exec().getId();
      long took;
      while (true) {
        long running =
            client.listTasksCmd().withServiceFilter(id).exec().stream()
                .filter(
                    t ->
                        t.getStatus() != null
                            && t.getStatus().getState()
                                == com.github.dockerjava.api.model.TaskState.RUNNING)
                .count();
        if (running >= count) {
          took = System.nanoTime() - t0;
          break;
        }
        if (System.nanoTime() - t0 > TIMEOUT.toNanos())
          throw new IllegalStateException("Swarm service not running");
        Thread.sleep(POLL.toMillis());
      }
      client.removeServiceCmd(id).exec();
      while (!client
          .listContainersCmd()
          .withLabelFilter(Map.of("com.docker.swarm.service.id", id))
          .exec()
          .isEmpty()) {
        Thread.sleep(200);
      }
      return took;
    }

    @Override
    public void close() {
      if (available()) docker.client().leaveSwarmCmd().withForceEnabled(true).exec();
    }
  }
}
