package io.harbormaster.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * What one launched task costs in Cassandra: Cassandra's own per-table counters of local writes and
 * reads (system_views.local_write_latency / local_read_latency: one per partition update or read)
 * around a TASKS-task service launch on one hollow host, and around its forced delete (every task
 * stopped); and the journal events of each phase by entity type, tagged or not.
 *
 * <pre>
 *   WriteCountBenchmark prepare ENV_FILE CLUSTER
 *   WriteCountBenchmark run ENV_FILE CLUSTER TASKS CASSANDRA_PORT
 * </pre>
 */
public final class WriteCountBenchmark {
  private static final String KEYSPACE = "harbormaster";
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  public static void main(String[] args) throws Exception {
    HollowFleet.commandLine(
        args,
        (env, ecs, cluster) -> {
          int tasks = Integer.parseInt(args[3]);
          int cassandraPort = Integer.parseInt(args[4]);
          try (CqlSession cql =
              CqlSession.builder()
                  .addContactPoint(new InetSocketAddress("127.0.0.1", cassandraPort))
                  .withLocalDatacenter("datacenter1")
                  // the driver's defaults only: application.conf on the classpath names
                  // 127.0.0.1:9642
                  .withConfigLoader(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()))
                  .build()) {
            new WriteCountBenchmark(ecs, cluster, cql).run(tasks);
          }
        });
  }

  private final EcsAsyncClient ecs;
  private final String cluster;
  private final CqlSession cql;

  WriteCountBenchmark(EcsAsyncClient ecs, String cluster, CqlSession cql) {
    this.ecs = ecs;
    this.cluster = cluster;
    this.cql = cql;
  }

  void run(int tasks) throws Exception {
    new HollowFleet(ecs, cluster).awaitConnected(1, TIMEOUT);
    String taskDefinition =
        ecs.registerTaskDefinition(
                r ->
                    r.family("write-count")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image("harbormaster/busybox:test")
                                .cpu(16)
                                .memory(32)
                                .essential(true)
                                .command("sh", "-c", "while :; do sleep 1; done")
                                .build()))
            .get()
            .taskDefinition()
            .taskDefinitionArn();
    // Settle: the writes of the registration and the fleet's join are not the launch's.
    Thread.sleep(3000);
    Snapshot s0 = snapshot();
    long t0 = System.nanoTime();
    ecs.createService(
            r ->
                r.cluster(cluster)
                    .serviceName("write-count")
                    .taskDefinition(taskDefinition)
                    .desiredCount(tasks))
        .get();
    while (describe().runningCount() < tasks) {
      if (System.nanoTime() - t0 > TIMEOUT.toNanos()) throw new IllegalStateException("no steady");
      Thread.sleep(200);
    }
    System.out.printf(
        "launch: %d tasks RUNNING after %.1f s%n", tasks, (System.nanoTime() - t0) / 1e9);
    // Tag writes and the plugin's tag_scanning flush (30 s) trail the persists.
    Thread.sleep(35_000);
    Snapshot s1 = snapshot();
    ecs.deleteService(r -> r.cluster(cluster).service("write-count").force(true)).get();
    long t1 = System.nanoTime();
    while (!ecs.listTasks(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING))
            .get()
            .taskArns()
            .isEmpty()
        || runningTasks() > 0) {
      if (System.nanoTime() - t1 > TIMEOUT.toNanos())
        throw new IllegalStateException("not stopped");
      Thread.sleep(200);
    }
    System.out.printf("delete: every task stopped after %.1f s%n", (System.nanoTime() - t1) / 1e9);
    Thread.sleep(35_000);
    Snapshot s2 = snapshot();
    print("launch", s0, s1, tasks);
    print("forced delete", s1, s2, tasks);
  }

  private Service describe() throws Exception {
    return ecs.describeServices(r -> r.cluster(cluster).services("write-count"))
        .get()
        .services()
        .get(0);
  }

  private int runningTasks() throws Exception {
    return describe().runningCount();
  }

  /** Counters per table, and journal events per entity type and tagged-or-not. */
  record Snapshot(Map<String, Long> counters, Map<String, Long> events) {}

  private Snapshot snapshot() {
    Map<String, Long> counters = new TreeMap<>();
    for (String view : List.of("local_write_latency", "local_read_latency")) {
      String kind = view.contains("write") ? "writes" : "reads";
      for (Row row :
          cql.execute("SELECT keyspace_name, table_name, count FROM system_views." + view)) {
        if (!row.getString(0).startsWith(KEYSPACE)) continue;
        counters.put(kind + " " + row.getString(0) + "." + row.getString(1), row.getLong(2));
      }
    }
    Map<String, Long> events = new TreeMap<>();
    for (Row row : cql.execute("SELECT persistence_id, tags FROM " + KEYSPACE + ".messages")) {
      String pid = row.getString(0);
      String type = pid.contains("|") ? pid.substring(0, pid.indexOf('|')) : pid;
      boolean tagged = !row.getSet(1, String.class).isEmpty();
      events.merge(type + (tagged ? " tagged" : " untagged"), 1L, Long::sum);
    }
    return new Snapshot(counters, events);
  }

  private static void print(String phase, Snapshot before, Snapshot after, int tasks) {
    System.out.printf("%n%s, %d tasks: per table (total, per task)%n", phase, tasks);
    long writes = 0;
    long reads = 0;
    for (String key : new TreeSet<>(after.counters().keySet())) {
      long d = after.counters().get(key) - before.counters().getOrDefault(key, 0L);
      if (d == 0) continue;
      System.out.printf("  %-55s %7d %7.2f%n", key, d, d / (double) tasks);
      if (key.startsWith("writes")) writes += d;
      else reads += d;
    }
    System.out.printf("  %-55s %7d %7.2f%n", "ALL writes", writes, writes / (double) tasks);
    System.out.printf("  %-55s %7d %7.2f%n", "ALL reads", reads, reads / (double) tasks);
    System.out.printf("%s: journal events by entity type (total, per task)%n", phase);
    for (String key : new TreeSet<>(after.events().keySet())) {
      long d = after.events().get(key) - before.events().getOrDefault(key, 0L);
      if (d != 0) System.out.printf("  %-55s %7d %7.2f%n", key, d, d / (double) tasks);
    }
  }
}
