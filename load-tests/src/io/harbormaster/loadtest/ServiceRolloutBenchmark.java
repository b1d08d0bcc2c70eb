package io.harbormaster.loadtest;

import io.harbormaster.loadtest.BenchmarkSupport.CpuSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * A big service on a hollow fleet: CreateService of TASKS tasks to steady state, then a full
 * rolling update (UpdateService to a new task definition revision) to steady state; tasks launched
 * per second in both phases. While it runs, DescribeServices is sampled every second and the
 * instances' task counts every few seconds, to show that the live task count never exceeds
 * maximumPercent; after each phase every instance's resources are checked for over-commit. A
 * printed figure, not a test.
 *
 * <pre>
 *   ServiceRolloutBenchmark prepare ENV_FILE CLUSTER
 *   ServiceRolloutBenchmark run ENV_FILE CLUSTER HOSTS TASKS SERVER_PID CASSANDRA_PID [MIN_HEALTHY=100] [MAX_PERCENT=200]
 * </pre>
 */
public final class ServiceRolloutBenchmark {
  static final int TASK_CPU = 128;
  static final int TASK_MEMORY = 256;
  static final String SERVICE = "rollout-bench";
  static final Duration PHASE_TIMEOUT = Duration.ofMinutes(15);
  static final Duration SAMPLE = Duration.ofSeconds(1);

  /**
   * Instance counts cost HOSTS/100 DescribeContainerInstances calls: every this many service
   * samples.
   */
  static final int INSTANCE_SAMPLE_EVERY = 5;

  public static void main(String[] args) throws Exception {
    HollowFleet.commandLine(
        args,
        (env, ecs, cluster) -> {
          int hosts = Integer.parseInt(args[3]);
          int tasks = Integer.parseInt(args[4]);
          long serverPid = Long.parseLong(args[5]);
          long cassandraPid = Long.parseLong(args[6]);
          int minHealthy = args.length > 7 ? Integer.parseInt(args[7]) : 100;
          int maxPercent = args.length > 8 ? Integer.parseInt(args[8]) : 200;
          new ServiceRolloutBenchmark(ecs, cluster, serverPid, cassandraPid)
              .run(hosts, tasks, minHealthy, maxPercent);
        });
  }

  private final EcsAsyncClient ecs;
  private final String cluster;
  private final HollowFleet fleet;
  private final long serverPid;
  private final long cassandraPid;

  ServiceRolloutBenchmark(EcsAsyncClient ecs, String cluster, long serverPid, long cassandraPid) {
    this.ecs = ecs;
    this.cluster = cluster;
    this.fleet = new HollowFleet(ecs, cluster);
    this.serverPid = serverPid;
    this.cassandraPid = cassandraPid;
  }

  /** What one phase saw. */
  static final class Phase {
    final String name;
    double seconds = -1;
    double firstAllPlacedS = -1; // running + pending reached the target
    int maxServiceLive; // max of the service's runningCount + pendingCount (all deployments)
    int maxServiceRunning;
    long maxInstanceLive = -1; // max over samples of Σ instances' running + pending tasks
    int samples;
    int instanceSamples;
    int sampleErrors;
    double serverCores;
    double cassandraCores;
    double machineCores;
    HollowFleet.OverCommitCheck check;
    final List<String> progress = new ArrayList<>();

    Phase(String name) {
      this.name = name;
    }
  }

  void run(int hosts, int tasks, int minHealthy, int maxPercent) throws Exception {
    long w0 = System.nanoTime();
    List<String> instanceArns = fleet.awaitConnected(hosts, Duration.ofMinutes(5));
    System.out.printf(
        "fleet: %d instances registered and connected after %.1f s%n",
        instanceArns.size(), (System.nanoTime() - w0) / 1e9);
    String rev1 = register("1");
    String rev2 = register("2");
    int maxLive = tasks * maxPercent / 100; // ECS rounds maximumPercent down
    System.out.printf(
        "task definitions %s, %s; service %s: %d tasks, minimumHealthyPercent %d, maximumPercent %d "
            + "(at most %d live tasks)%n",
        rev1, rev2, SERVICE, tasks, minHealthy, maxPercent, maxLive);

    // ---- phase 1: CreateService -> steady state
    Phase create = new Phase("CreateService -> steady");
    CpuSample c0 = CpuSample.take(serverPid, cassandraPid);
    long t0 = System.nanoTime();
    ecs.createService(
            r ->
                r.cluster(cluster)
                    .serviceName(SERVICE)
                    .taskDefinition(rev1)
                    .desiredCount(tasks)
                    .deploymentConfiguration(
                        d -> d.minimumHealthyPercent(minHealthy).maximumPercent(maxPercent)))
        .get();
    awaitSteady(create, t0, rev1, tasks, instanceArns);
    finishPhase(create, c0, t0, instanceArns, tasks);

    // ---- phase 2: UpdateService to the next revision -> steady state
    Phase update = new Phase("rolling update -> steady");
    CpuSample u0 = CpuSample.take(serverPid, cassandraPid);
    long t1 = System.nanoTime();
    ecs.updateService(r -> r.cluster(cluster).service(SERVICE).taskDefinition(rev2)).get();
    awaitSteady(update, t1, rev2, tasks, instanceArns);
    finishPhase(update, u0, t1, instanceArns, tasks);

    Service last = describe();
    System.out.println();
    System.out.printf(
        "Service on a hollow fleet: %d hosts (4096 CPU / 16384 MiB each), %d tasks of %d CPU / %d MiB, "
            + "minimumHealthyPercent %d, maximumPercent %d%n",
        hosts, tasks, TASK_CPU, TASK_MEMORY, minHealthy, maxPercent);
    System.out.printf("%-52s %14s %14s%n", "figure", "create", "rolling update");
    line("wall time to steady state (s)", f1(create.seconds), f1(update.seconds));
    line("tasks launched per second", f0(tasks / create.seconds), f0(tasks / update.seconds));
    line("  (ECS ceiling: 500 tasks/min/service = 8.3/s)", "", "");
    line(
        "tasks launched per minute",
        f0(60 * tasks / create.seconds),
        f0(60 * tasks / update.seconds));
    line(
        "running + pending reached target at (s)",
        f1(create.firstAllPlacedS),
        f1(update.firstAllPlacedS));
    line(
        "max service runningCount (sampled)",
        "" + create.maxServiceRunning,
        "" + update.maxServiceRunning);
    line(
        "max service running + pending (sampled)",
        "" + create.maxServiceLive,
        "" + update.maxServiceLive);
    line(
        "max live tasks on instances (sampled)",
        "" + create.maxInstanceLive,
        "" + update.maxInstanceLive);
    line("allowed by maximumPercent", "" + maxLive, "" + maxLive);
    line(
        "DescribeServices samples / instance samples",
        create.samples + " / " + create.instanceSamples,
        update.samples + " / " + update.instanceSamples);
    line("sample errors (timeouts under load)", "" + create.sampleErrors, "" + update.sampleErrors);
    line("server CPU (cores)", f2(create.serverCores), f2(update.serverCores));
    line("Cassandra CPU (cores)", f2(create.cassandraCores), f2(update.cassandraCores));
    line("machine CPU (cores busy of 2)", f2(create.machineCores), f2(update.machineCores));
    line(
        "instances over-committed (remaining < 0)",
        "" + create.check.negative(),
        "" + update.check.negative());
    line(
        "instances registered - tasks != remaining",
        "" + create.check.mismatched(),
        "" + update.check.mismatched());
    line(
        "tasks on instances at steady state", "" + create.check.tasks(), "" + update.check.tasks());
    line("busiest instance (tasks)", "" + create.check.maxTasks(), "" + update.check.maxTasks());
    System.out.println(
        "service events: "
            + last.events().size()
            + " recorded; deployments now: "
            + last.deployments().stream()
                .map(
                    d ->
                        d.status()
                            + " "
                            + d.taskDefinition().replaceAll(".*/", "")
                            + " "
                            + d.rolloutState()
                            + " running "
                            + d.runningCount())
                .toList());
    boolean overMax =
        create.maxServiceLive > maxLive
            || update.maxServiceLive > maxLive
            || create.maxInstanceLive > maxLive
            || update.maxInstanceLive > maxLive;
    boolean overCommit =
        create.check.negative()
                + update.check.negative()
                + create.check.mismatched()
                + update.check.mismatched()
            > 0;
    System.out.println("maximumPercent check: " + (overMax ? "FAILED" : "OK"));
    System.out.println(
        "over-commit check: "
            + (overCommit
                ? "FAILED " + create.check.examples() + " " + update.check.examples()
                : "OK"));
    if (overMax || overCommit) System.exit(3);
  }

  private String register(String version) throws Exception {
    return ecs.registerTaskDefinition(
            r ->
                r.family("rollout-bench")
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image("harbormaster/busybox:test")
                            .cpu(TASK_CPU)
                            .memory(TASK_MEMORY)
                            .essential(true)
                            .environment(
                                KeyValuePair.builder().name("VERSION").value(version).build())
                            // no `exit N` in the command: HollowRuntime reads it as "exits with N
                            // right after starting"
                            .command("sh", "-c", "while :; do sleep 1; done")
                            .build()))
        .get()
        .taskDefinition()
        .taskDefinitionArn();
  }

  /** Samples until the service has one deployment, on `taskDefinition`, with `tasks` RUNNING. */
  private void awaitSteady(
      Phase phase, long t0, String taskDefinition, int tasks, List<String> instanceArns)
      throws Exception {
    long lastPrint = 0;
    while (true) {
      long now = System.nanoTime() - t0;
      if (now > PHASE_TIMEOUT.toNanos()) {
        phase.progress.forEach(System.out::println);
        throw new IllegalStateException(
            phase.name + ": no steady state after " + PHASE_TIMEOUT + ": " + describe());
      }
      Service s;
      try {
        s = describe();
      } catch (ExecutionException e) {
        phase.sampleErrors++;
        System.out.printf(
            "  %s %5.1f s: DescribeServices failed: %s%n", phase.name, now / 1e9, e.getCause());
        Thread.sleep(SAMPLE.toMillis());
        continue;
      }
      phase.samples++;
      int live = s.runningCount() + s.pendingCount();
      phase.maxServiceLive = Math.max(phase.maxServiceLive, live);
      phase.maxServiceRunning = Math.max(phase.maxServiceRunning, s.runningCount());
      if (phase.firstAllPlacedS < 0 && primaryLive(s, taskDefinition) >= tasks)
        phase.firstAllPlacedS = now / 1e9;
      if (phase.samples % INSTANCE_SAMPLE_EVERY == 0) {
        try {
          long onInstances =
              fleet.describe(instanceArns).stream()
                  .mapToLong(ci -> ci.runningTasksCount() + ci.pendingTasksCount())
                  .sum();
          phase.maxInstanceLive = Math.max(phase.maxInstanceLive, onInstances);
          phase.instanceSamples++;
        } catch (ExecutionException e) {
          phase.sampleErrors++;
        }
      }
      boolean steady =
          s.deployments().size() == 1
              && s.deployments().get(0).taskDefinition().equals(taskDefinition)
              && s.deployments().get(0).runningCount() == tasks
              && s.runningCount() == tasks
              && s.pendingCount() == 0;
      if (steady) {
        phase.seconds = (System.nanoTime() - t0) / 1e9;
        return;
      }
      if (now - lastPrint > Duration.ofSeconds(10).toNanos()) {
        lastPrint = now;
        String line =
            String.format(
                "  %s %5.1f s: running %d, pending %d, deployments %s",
                phase.name,
                now / 1e9,
                s.runningCount(),
                s.pendingCount(),
                s.deployments().stream()
                    .map(
                        d ->
                            d.status()
                                + "("
                                + d.taskDefinition().replaceAll(".*:", "rev")
                                + " "
                                + d.rolloutState()
                                + " r"
                                + d.runningCount()
                                + " p"
                                + d.pendingCount()
                                + " f"
                                + d.failedTasks()
                                + ")")
                    .toList());
        phase.progress.add(line);
        System.out.println(line);
      }
      Thread.sleep(SAMPLE.toMillis());
    }
  }

  private static int primaryLive(Service s, String taskDefinition) {
    return s.deployments().stream()
        .filter(d -> d.taskDefinition().equals(taskDefinition))
        .mapToInt(d -> d.runningCount() + d.pendingCount())
        .sum();
  }

  private void finishPhase(
      Phase phase, CpuSample before, long t0, List<String> instanceArns, int tasks)
      throws Exception {
    long nanos = System.nanoTime() - t0;
    CpuSample after = CpuSample.take(serverPid, cassandraPid);
    phase.serverCores = after.server(before, nanos);
    phase.cassandraCores = after.cassandra(before, nanos);
    phase.machineCores = after.machine(before);
    phase.check = fleet.checkOverCommit(instanceArns, TASK_CPU, TASK_MEMORY);
    System.out.printf(
        "%s: %.1f s, %.0f tasks/s (load average %s)%n",
        phase.name, phase.seconds, tasks / phase.seconds, ServiceStartupBenchmark.loadAverage());
  }

  private Service describe() throws Exception {
    return ecs.describeServices(r -> r.cluster(cluster).services(SERVICE))
        .get(2, TimeUnit.MINUTES)
        .services()
        .get(0);
  }

  private static void line(String name, String a, String b) {
    System.out.printf("%-52s %14s %14s%n", name, a, b);
  }

  private static String f0(double v) {
    return String.format("%.0f", v);
  }

  private static String f1(double v) {
    return String.format("%.1f", v);
  }

  private static String f2(double v) {
    return String.format("%.2f", v);
  }
}
