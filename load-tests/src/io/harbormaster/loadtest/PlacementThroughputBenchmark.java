package io.harbormaster.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.harbormaster.loadtest.BenchmarkSupport.CpuSample;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/**
 * Placement throughput on a hollow fleet: RunTask (count 10) with many calls in flight until the
 * target number of tasks is placed; in the same run the raw Cassandra write ceiling and a bare
 * persistent entity's event rate ({@link BareEntityBenchmark}); at the end every instance's
 * resources are checked for over-commit. A printed figure, not a test.
 *
 * <pre>
 *   PlacementThroughputBenchmark prepare ENV_FILE CLUSTER
 *   PlacementThroughputBenchmark run ENV_FILE CLUSTER HOSTS TASKS CASSANDRA_PORT SERVER_PID CASSANDRA_PID [IN_FLIGHT=32]
 * </pre>
 */
public final class PlacementThroughputBenchmark {
  static final int TASK_CPU = 128;
  static final int TASK_MEMORY = 256;
  static final int PER_CALL = 10;

  public static void main(String[] args) throws Exception {
    HollowFleet.commandLine(
        args,
        (env, ecs, cluster) -> {
          int hosts = Integer.parseInt(args[3]);
          int tasks = Integer.parseInt(args[4]);
          int cassandraPort = Integer.parseInt(args[5]);
          // application.conf (on the classpath) names the driver's contact point through this:
          // without it a
          // CqlSession here would also try the default 127.0.0.1:9042, which may be another
          // Cassandra on the machine.
          System.setProperty("harbormaster.cassandra.contact-point", "127.0.0.1:" + cassandraPort);
          com.typesafe.config.ConfigFactory.invalidateCaches();
          long serverPid = Long.parseLong(args[6]);
          long cassandraPid = Long.parseLong(args[7]);
          int inFlight = args.length > 8 ? Integer.parseInt(args[8]) : 32;
          new PlacementThroughputBenchmark(ecs, cluster, cassandraPort, serverPid, cassandraPid)
              .run(hosts, tasks, inFlight);
        });
  }

  private final EcsAsyncClient ecs;
  private final String cluster;
  private final HollowFleet fleet;
  private final int cassandraPort;
  private final long serverPid;
  private final long cassandraPid;

  PlacementThroughputBenchmark(
      EcsAsyncClient ecs, String cluster, int cassandraPort, long serverPid, long cassandraPid) {
    this.ecs = ecs;
    this.cluster = cluster;
    this.fleet = new HollowFleet(ecs, cluster);
    this.cassandraPort = cassandraPort;
    this.serverPid = serverPid;
    this.cassandraPid = cassandraPid;
  }

  void run(int hosts, int target, int inFlight) throws Exception {
    long w0 = System.nanoTime();
    List<String> instanceArns = fleet.awaitConnected(hosts, Duration.ofMinutes(5));
    System.out.printf(
        "fleet: %d instances registered and connected after %.1f s%n",
        instanceArns.size(), (System.nanoTime() - w0) / 1e9);
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family("placement-bench")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image("harbormaster/busybox:test")
                                .cpu(TASK_CPU)
                                .memory(TASK_MEMORY)
                                .essential(true)
                                // not the latency benchmark's `trap "exit 0" TERM` loop:
                                // HollowRuntime reads any `exit N` in the
                                // command as "exits with N right after starting", and the tasks
                                // would stop at once
                                .command("sh", "-c", "while :; do sleep 1; done")
                                .build()))
            .get()
            .taskDefinition()
            .taskDefinitionArn();
    String accountId = td.split(":")[4];

    // Instance journal heads before the load, for counting the events each task adds to its
    // instance.
    List<String> sampleInstances = instanceArns.subList(0, Math.min(20, instanceArns.size()));
    Map<String, Long> seqBefore = new HashMap<>();
    try (CqlSession session = session()) {
      for (String arn : sampleInstances) {
        seqBefore.put(
            arn,
            highestSeq(
                session, "ContainerInstance|" + accountId + "/" + cluster + "/" + last(arn)));
      }
    }

    // ---- the load: RunTask count 10, `inFlight` calls at once, until `target` tasks are placed
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger placed = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failedTasks = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> taskArns = new ConcurrentLinkedQueue<>();
    Map<String, AtomicInteger> failureReasons = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    CpuSample cpu0 = CpuSample.take(serverPid, cassandraPid);
    long t0 = System.nanoTime();
    int issued = 0;
    long deadline = t0 + Duration.ofMinutes(6).toNanos();
    int maxCalls = (int) Math.ceil(target / (double) PER_CALL) * 2;
    while (placed.get() < target && System.nanoTime() < deadline && calls.get() < maxCalls) {
      int want = target - placed.get() - (inFlight - slots.availablePermits()) * PER_CALL;
      if (want <= 0) {
        Thread.sleep(5);
        continue;
      }
      slots.acquire();
      int count = Math.min(PER_CALL, want);
      calls.incrementAndGet();
      issued++;
      long s = System.nanoTime();
      ecs.runTask(
              r -> r.cluster(cluster).taskDefinition(td).count(count).startedBy("placement-bench"))
          .whenComplete(
              (RunTaskResponse out, Throwable failure) -> {
                latencies.add(System.nanoTime() - s);
                if (failure != null) {
                  errors.incrementAndGet();
                  failureReasons
                      .computeIfAbsent(
                          "error: " + HollowFleet.rootMessage(failure), k -> new AtomicInteger())
                      .incrementAndGet();
                } else {
                  placed.addAndGet(out.tasks().size());
                  out.tasks().forEach(t -> taskArns.add(t.taskArn()));
                  failedTasks.addAndGet(out.failures().size());
                  out.failures()
                      .forEach(
                          f ->
                              failureReasons
                                  .computeIfAbsent(f.reason(), k -> new AtomicInteger())
                                  .incrementAndGet());
                }
                lastProgress.set(System.nanoTime());
                slots.release();
              });
    }
    slots.acquire(inFlight);
    slots.release(inFlight);
    long t1 = System.nanoTime();
    CpuSample cpu1 = CpuSample.take(serverPid, cassandraPid);
    double seconds = (t1 - t0) / 1e9;
    double tasksPerSecond = placed.get() / seconds;

    // ---- how long until the placed tasks all report RUNNING (the hollow agents start them)
    long r0 = System.nanoTime();
    int running = 0;
    while (System.nanoTime() - r0 < Duration.ofSeconds(90).toNanos()) {
      running =
          fleet.describe(instanceArns).stream()
              .mapToInt(ContainerInstance::runningTasksCount)
              .sum();
      if (running >= placed.get()) break;
      Thread.sleep(1000);
    }
    double toRunning = (System.nanoTime() - t0) / 1e9;

    // ---- events per task, counted in the journal for samples
    EventCount events =
        countEvents(accountId, new ArrayList<>(taskArns), sampleInstances, seqBefore);

    // ---- the ceilings, in the same run (after the load, so they do not compete with it)
    double rawRowsPerSecond = CassandraCeiling.run(cassandraPort, 60_000, 256);
    BareEntityBenchmark.Result bare =
        BareEntityBenchmark.run(cassandraPort, 500, Duration.ofSeconds(20), true);
    BareEntityBenchmark.Result bareUntagged =
        BareEntityBenchmark.run(cassandraPort, 500, Duration.ofSeconds(20), false);

    // ---- over-commit check
    HollowFleet.OverCommitCheck check = fleet.checkOverCommit(instanceArns, TASK_CPU, TASK_MEMORY);

    List<Long> lat = new ArrayList<>(latencies);
    Collections.sort(lat);
    System.out.println();
    System.out.printf(
        "Placement throughput: %d hollow hosts (4096 CPU / 16384 MiB each), task %d CPU / %d MiB, "
            + "RunTask count %d, %d calls in flight%n",
        hosts, TASK_CPU, TASK_MEMORY, PER_CALL, inFlight);
    System.out.printf("%-48s %12s%n", "figure", "value");
    System.out.printf("%-48s %12d%n", "tasks placed", placed.get());
    System.out.printf("%-48s %12d%n", "RunTask calls", calls.get());
    System.out.printf("%-48s %12d%n", "tasks refused (failures[])", failedTasks.get());
    System.out.printf("%-48s %12d%n", "RunTask errors", errors.get());
    System.out.printf("%-48s %12.1f%n", "wall time of the load (s)", seconds);
    System.out.printf("%-48s %12.0f%n", "tasks placed per second", tasksPerSecond);
    System.out.printf("%-48s %12.0f%n", "RunTask p50 (ms)", pctMs(lat, 50));
    System.out.printf("%-48s %12.0f%n", "RunTask p99 (ms)", pctMs(lat, 99));
    System.out.printf("%-48s %12.0f%n", "RunTask max (ms)", pctMs(lat, 100));
    System.out.printf(
        "%-48s %12s%n",
        "all placed tasks RUNNING (s from load start)",
        running >= placed.get()
            ? String.format("%.1f", toRunning)
            : "no: " + running + " after " + toRunning);
    System.out.printf(
        "%-48s %12.2f%n", "server CPU during load (cores)", cpu1.server(cpu0, t1 - t0));
    System.out.printf(
        "%-48s %12.2f%n", "Cassandra CPU during load (cores)", cpu1.cassandra(cpu0, t1 - t0));
    System.out.printf(
        "%-48s %12.2f%n",
        "machine CPU during load (cores busy of " + CpuSample.CPUS + ")", cpu1.machine(cpu0));
    System.out.printf("%-48s %12.1f%n", "Task events per task (journal sample)", events.taskEvents);
    System.out.printf(
        "%-48s %12.1f%n", "ContainerInstance events per task (sample)", events.instanceEvents);
    double perTask = events.taskEvents + events.instanceEvents;
    System.out.printf(
        "%-48s %12.0f%n", "app events persisted per second (load)", tasksPerSecond * perTask);
    System.out.printf(
        "%-48s %12.0f%n", "raw Cassandra async inserts/s (scratch ks)", rawRowsPerSecond);
    System.out.printf(
        "%-48s %12.0f%n", "bare entity events/s (tagged, 500 entities)", bare.eventsPerSecond());
    System.out.printf(
        "%-48s %12.0f%n",
        "bare entity events/s (untagged, 500 entities)", bareUntagged.eventsPerSecond());
    System.out.printf(
        "%-48s %11.0f%%%n",
        "app event rate / bare tagged entity rate",
        100 * tasksPerSecond * perTask / bare.eventsPerSecond());
    System.out.printf("%-48s %12d%n", "instances checked", check.instances());
    System.out.printf("%-48s %12d%n", "instances over-committed (remaining < 0)", check.negative());
    System.out.printf(
        "%-48s %12d%n", "instances registered - tasks != remaining", check.mismatched());
    System.out.printf("%-48s %12d%n", "tasks on instances (running+pending)", check.tasks());
    System.out.printf("%-48s %12d%n", "busiest instance (tasks)", check.maxTasks());
    if (!failureReasons.isEmpty()) System.out.println("failure reasons: " + failureReasons);
    if (check.negative() > 0 || check.mismatched() > 0) {
      System.out.println("OVER-COMMIT CHECK FAILED: " + check.examples());
      System.exit(3);
    }
    System.out.println("over-commit check: OK");
  }

  record EventCount(double taskEvents, double instanceEvents) {}

  private EventCount countEvents(
      String accountId,
      List<String> taskArns,
      List<String> sampleInstances,
      Map<String, Long> seqBefore)
      throws Exception {
    try (CqlSession session = session()) {
      int sample = Math.min(200, taskArns.size());
      long taskEvents = 0;
      for (int i = 0; i < sample; i++) {
        String arn = taskArns.get(i * (taskArns.size() / Math.max(1, sample)));
        taskEvents += highestSeq(session, "Task|" + accountId + "/" + cluster + "/" + last(arn));
      }
      long instanceEvents = 0;
      long instanceTasks = 0;
      List<ContainerInstance> described = fleet.describe(sampleInstances);
      for (ContainerInstance ci : described) {
        String arn = ci.containerInstanceArn();
        instanceEvents +=
            highestSeq(session, "ContainerInstance|" + accountId + "/" + cluster + "/" + last(arn))
                - seqBefore.get(arn);
        instanceTasks += ci.runningTasksCount() + ci.pendingTasksCount();
      }
      return new EventCount(
          sample == 0 ? 0 : taskEvents / (double) sample,
          instanceTasks == 0 ? 0 : instanceEvents / (double) instanceTasks);
    }
  }

  private static long highestSeq(CqlSession session, String persistenceId) {
    Row row =
        session
            .execute(
                "SELECT max(sequence_nr) FROM harbormaster.messages WHERE persistence_id = ? "
                    + "AND partition_nr = 0",
                persistenceId)
            .one();
    return row == null || row.isNull(0) ? 0 : row.getLong(0);
  }

  private CqlSession session() {
    return session(cassandraPort);
  }

  static CqlSession session(int port) {
    // DDL on a Cassandra still busy with the load's compactions can take more than the driver's
    // default 2 s
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withConfigLoader(
            com.datastax.oss.driver.api.core.config.DriverConfigLoader.programmaticBuilder()
                .withDuration(
                    com.datastax.oss.driver.api.core.config.DefaultDriverOption.REQUEST_TIMEOUT,
                    Duration.ofSeconds(30))
                .build())
        .withLocalDatacenter("datacenter1")
        .build();
  }

  private static String last(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  private static double pctMs(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : BenchmarkSupport.percentile(sorted, p) / 1e6;
  }

  /**
   * Plain java-driver async inserts of event-sized rows into a scratch keyspace, created and
   * dropped here.
   */
  static final class CassandraCeiling {
    static double run(int port, int rows, int maxInFlight) throws Exception {
      String ks = "bench_scratch_" + Long.toHexString(System.nanoTime());
      try (CqlSession session = session(port)) {
        session.execute(
            "CREATE KEYSPACE "
                + ks
                + " WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1}");
        session.execute(
            "CREATE TABLE "
                + ks
                + ".messages (persistence_id text, partition_nr bigint, "
                + "sequence_nr bigint, timestamp timeuuid, ser_id int, ser_manifest text, event_manifest text, "
                + "event blob, writer_uuid text, tags set<text>, PRIMARY KEY ((persistence_id, partition_nr), "
                + "sequence_nr, timestamp))");
        PreparedStatement insert =
            session.prepare(
                "INSERT INTO "
                    + ks
                    + ".messages (persistence_id, "
                    + "partition_nr, sequence_nr, timestamp, ser_id, ser_manifest, event_manifest, event, writer_uuid, "
                    + "tags) VALUES (?, 0, ?, ?, 33, 'io.harbormaster.Event', '', ?, 'bench', {'bench-1'})");
        byte[] payload = new byte[300];
        new java.util.Random(1).nextBytes(payload);
        Semaphore slots = new Semaphore(maxInFlight);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        for (int i = 0; i < rows; i++) {
          slots.acquire();
          session
              .executeAsync(
                  insert.bind(
                      "bench-" + (i % 1000), (long) i, Uuids.timeBased(), ByteBuffer.wrap(payload)))
              .whenComplete(
                  (r, e) -> {
                    if (e != null) failed.incrementAndGet();
                    slots.release();
                  });
        }
        slots.acquire(maxInFlight);
        double rate = rows / ((System.nanoTime() - t0) / 1e9);
        slots.release(maxInFlight);
        if (failed.get() > 0)
          System.out.println("raw Cassandra: " + failed.get() + " inserts failed");
        session.execute("DROP KEYSPACE " + ks);
        return rate;
      }
    }
  }
}
