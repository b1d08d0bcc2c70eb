package io.harbormaster.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.harbormaster.account.Account;
import io.harbormaster.loadtest.BenchmarkSupport.CpuSample;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/**
 * The "Foundation" benchmark: requests/s and p50/p99 latency of RegisterTaskDefinition (one family,
 * then N families) and DescribeClusters through the real AWS SDK v2 async client (signed requests)
 * against a running Harbormaster, and in the same run the raw ceiling of the same Cassandra: plain
 * java-driver async inserts of event-sized rows into a scratch table shaped like pekko's journal
 * (partition key + sequence number + blob).
 *
 * <p>Every phase keeps {@code concurrency} operations in flight (a closed loop) and stops by itself
 * at the first of its time bound and its count bound; in-flight operations are then awaited
 * (bounded) and counted. Latency is measured from the call to the completion of its future, without
 * client retries.
 *
 * <p>Run it through {@code load-tests/run-api-benchmark.sh}, which starts {@code harbormaster up}
 * on free ports; see {@code load-tests/README.md} for the options.
 */
public final class ApiThroughputBenchmark {
  private static final String BENCH_KEYSPACE = "harbormaster_bench";

  /** pekko-persistence-cassandra's default journal.target-partition-size. */
  private static final long PEKKO_PARTITION_SIZE = 500_000;

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

  // ---------------------------------------------------------------- options

  record Options(
      String endpoint,
      String accessKeyId,
      String secretAccessKey,
      String region,
      String cassandraHost,
      int cassandraPort,
      String journalKeyspace,
      String snapshotKeyspace,
      int concurrency,
      Duration duration,
      long maxRequests,
      Duration warmup,
      int rounds,
      int families,
      int clusters,
      int payloadBytes,
      long appPid,
      long cassandraPid) {}

  static final String USAGE =
      """
      ApiThroughputBenchmark [options]
        --env-file PATH        the env file `harbormaster up` writes (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                               AWS_DEFAULT_REGION, HARBORMASTER_ENDPOINT); without it these come from the environment
        --endpoint URL         overrides HARBORMASTER_ENDPOINT
        --cassandra HOST:PORT  the Cassandra behind the server (default 127.0.0.1:9642)
        --journal-keyspace K   where the server's journal lives (default harbormaster), read to count events
        --concurrency N        requests (or inserts) in flight in every phase (default 32)
        --duration D           time bound of every measured phase, e.g. 15s, 1m (default 15s)
        --max-requests N       count bound of every measured phase (default 1000000)
        --warmup D             warm-up before the first round: D of RegisterTaskDefinition, D of DescribeClusters,
                               at most 10 s of raw inserts (default 30s; the server's JIT needs it)
        --rounds N             measured rounds; the summary shows medians (default 3)
        --families N           families of the N-families phase (default 8)
        --clusters N           clusters each DescribeClusters request names (default 3)
        --payload-bytes N      blob size of a raw insert (default 400)
        --app-pid PID          the server JVM, to report its CPU per phase (optional)
        --cassandra-pid PID    the Cassandra JVM, to report its CPU per phase (optional)
      """;

  static Options parse(String[] args) throws IOException {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (!a.startsWith("--"))
        throw new IllegalArgumentException("unexpected argument " + a + "\n" + USAGE);
      int eq = a.indexOf('=');
      if (eq > 0) {
        given.put(a.substring(2, eq), a.substring(eq + 1));
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        given.put(a.substring(2), args[++i]);
      }
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    if (given.containsKey("env-file"))
      env.putAll(BenchmarkSupport.readEnv(Path.of(given.remove("env-file"))));
    String endpoint =
        Optional.ofNullable(given.remove("endpoint")).orElse(env.get("HARBORMASTER_ENDPOINT"));
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    String region =
        Optional.ofNullable(env.get("AWS_DEFAULT_REGION"))
            .orElse(env.getOrDefault("AWS_REGION", "us-east-1"));
    if (endpoint == null || key == null || secret == null) {
      throw new IllegalArgumentException(
          "endpoint and credentials are needed: --env-file, or HARBORMASTER_ENDPOINT, "
              + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment\n"
              + USAGE);
    }
    URI uri = URI.create(endpoint);
    if (!isLoopback(uri.getHost()))
      throw new IllegalArgumentException("loopback endpoints only: " + endpoint);
    String cassandra = given.getOrDefault("cassandra", "127.0.0.1:9642");
    given.remove("cassandra");
    int colon = cassandra.lastIndexOf(':');
    String cassandraHost = cassandra.substring(0, colon);
    if (!isLoopback(cassandraHost))
      throw new IllegalArgumentException("loopback Cassandra only: " + cassandra);
    Options o =
        new Options(
            endpoint,
            key,
            secret,
            region,
            cassandraHost,
            Integer.parseInt(cassandra.substring(colon + 1)),
            take(given, "journal-keyspace", "harbormaster"),
            take(given, "snapshot-keyspace", "harbormaster_snapshot"),
            Integer.parseInt(take(given, "concurrency", "32")),
            duration(take(given, "duration", "15s")),
            Long.parseLong(take(given, "max-requests", "1000000")),
            duration(take(given, "warmup", "30s")),
            Integer.parseInt(take(given, "rounds", "3")),
            Integer.parseInt(take(given, "families", "8")),
            Integer.parseInt(take(given, "clusters", "3")),
            Integer.parseInt(take(given, "payload-bytes", "400")),
            Long.parseLong(take(given, "app-pid", "0")),
            Long.parseLong(take(given, "cassandra-pid", "0")));
    if (!given.isEmpty())
      throw new IllegalArgumentException("unknown options " + given.keySet() + "\n" + USAGE);
    if (o.concurrency() < 1
        || o.rounds() < 1
        || o.families() < 1
        || o.clusters() < 1
        || o.maxRequests() < 1
        || o.maxRequests() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "concurrency, rounds, families, clusters and max-requests must be positive");
    }
    return o;
  }

  private static String take(Map<String, String> given, String name, String dflt) {
    String v = given.remove(name);
    return v == null ? dflt : v;
  }

  private static boolean isLoopback(String host) {
    return host != null
        && (host.equals("localhost")
            || host.startsWith("127.")
            || host.equals("::1")
            || host.equals("[::1]"));
  }

  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    if (t.endsWith("s"))
      return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    if (t.endsWith("m"))
      return Duration.ofMillis(
          (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
    return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
  }

  // ---------------------------------------------------------------- measuring

  /** One measured phase: what completed, how fast, and who used the CPU meanwhile. */
  record PhaseResult(
      String name,
      int concurrency,
      long ok,
      long errors,
      Map<String, Long> errorKinds,
      double seconds,
      long[] sortedLatencyNanos,
      long[] perSecond,
      CpuMeter.Usage cpu,
      Map<String, Long> tableOps) {
    double perSec() {
      return ok / seconds;
    }

    double percentileMillis(double p) {
      return sortedLatencyNanos.length == 0
          ? Double.NaN
          : BenchmarkSupport.percentile(sortedLatencyNanos, p) / 1e6;
    }

    double maxMillis() {
      return sortedLatencyNanos.length == 0
          ? Double.NaN
          : sortedLatencyNanos[sortedLatencyNanos.length - 1] / 1e6;
    }

    /** CPU milliseconds per completed operation: cores x seconds / operations. */
    double cpuMillisPerOp(double cores) {
      return cores < 0 || ok == 0 ? Double.NaN : cores * seconds * 1000 / ok;
    }
  }

  /**
   * Keeps {@code concurrency} operations in flight until the time or the count bound, then waits
   * (bounded) for those in flight. One thread issues; completions hand the permit back.
   */
  static PhaseResult run(
      String name,
      int concurrency,
      Duration duration,
      long maxOps,
      LongFunction<CompletableFuture<?>> op,
      CpuMeter cpuMeter,
      Supplier<Map<String, Long>> tableCounters)
      throws InterruptedException {
    long[] latencies = new long[(int) maxOps];
    AtomicInteger recorded = new AtomicInteger();
    LongAdder errors = new LongAdder();
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    int seconds = (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    AtomicLongArray perSecond = new AtomicLongArray(seconds + (int) DRAIN_TIMEOUT.toSeconds() + 2);
    Semaphore permits = new Semaphore(concurrency);
    Map<String, Long> tablesBefore = tableCounters.get();
    CpuSample cpuStart = cpuMeter.snapshot();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    long issued = 0;
    while (issued < maxOps) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) break;
      if (System.nanoTime() >= deadline) {
        permits.release();
        break;
      }
      long i = issued++;
      long t0 = System.nanoTime();
      CompletableFuture<?> f;
      try {
        f = op.apply(i);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete(
          (result, failure) -> {
            long t1 = System.nanoTime();
            if (failure == null) {
              int slot = recorded.getAndIncrement();
              if (slot < latencies.length) latencies[slot] = t1 - t0;
              int second = (int) ((t1 - start) / 1_000_000_000L);
              if (second < perSecond.length()) perSecond.incrementAndGet(second);
            } else {
              errors.increment();
              Throwable t =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              String kind = t.getClass().getSimpleName();
              if (t instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
                  && s.awsErrorDetails() != null) {
                kind = s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + ")";
              }
              errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
            }
            permits.release();
          });
    }
    boolean drained =
        permits.tryAcquire(concurrency, DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long end = System.nanoTime();
    CpuMeter.Usage cpu = cpuMeter.since(cpuStart);
    Map<String, Long> tableOps = new TreeMap<>();
    tableCounters
        .get()
        .forEach(
            (table, count) -> {
              long delta = count - tablesBefore.getOrDefault(table, 0L);
              if (delta > 0) tableOps.put(table, delta);
            });
    if (!drained) {
      errorKinds
          .computeIfAbsent(
              "still in flight after " + DRAIN_TIMEOUT.toSeconds() + " s", k -> new LongAdder())
          .add(concurrency - permits.availablePermits());
    } else {
      permits.release(concurrency);
    }
    int n = Math.min(recorded.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    long[] buckets = new long[seconds];
    for (int s = 0; s < seconds; s++) buckets[s] = perSecond.get(s);
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
    return new PhaseResult(
        name,
        concurrency,
        recorded.get(),
        errors.sum(),
        kinds,
        (end - start) / 1e9,
        sorted,
        buckets,
        cpu,
        tableOps);
  }

  /**
   * CPU time of the server, Cassandra, this process and the whole machine, from /proc (Linux,
   * USER_HZ = 100).
   */
  static final class CpuMeter {
    /** Cores in use on average during the interval; -1 when not measured. */
    record Usage(double app, double cassandra, double self, double other, double machine) {
      String format() {
        return String.format(
            Locale.ROOT, "%s/%s/%s/%s", cores(app), cores(cassandra), cores(self), cores(other));
      }

      private static String cores(double c) {
        return c < 0 ? "-" : String.format(Locale.ROOT, "%.2f", c);
      }
    }

    private final long appPid;
    private final long cassandraPid;

    CpuMeter(long appPid, long cassandraPid) {
      this.appPid = appPid;
      this.cassandraPid = cassandraPid;
    }

    CpuSample snapshot() {
      return CpuSample.take(appPid, cassandraPid);
    }

    Usage since(CpuSample a) {
      CpuSample b = snapshot();
      long nanos = b.nanos() - a.nanos();
      double app = b.server(a, nanos);
      double cas = b.cassandra(a, nanos);
      double self = b.self(a, nanos);
      double machine = b.machine(a);
      double other =
          machine < 0
              ? -1
              : Math.max(0, machine - Math.max(0, app) - Math.max(0, cas) - Math.max(0, self));
      return new Usage(app, cas, self, other, machine);
    }
  }

  // ---------------------------------------------------------------- the workloads

  /** A small, realistic web service definition: one container, a port, environment, logs, a tag. */
  static RegisterTaskDefinitionRequest taskDefinition(String family) {
    return RegisterTaskDefinitionRequest.builder()
        .family(family)
        .networkMode(NetworkMode.BRIDGE)
        .requiresCompatibilities(Compatibility.EC2)
        .cpu("256")
        .memory("512")
        .containerDefinitions(
            ContainerDefinition.builder()
                .name("web")
                .image("public.ecr.aws/nginx/nginx:1.27")
                .cpu(256)
                .memory(512)
                .essential(true)
                .portMappings(
                    PortMapping.builder()
                        .containerPort(8080)
                        .hostPort(0)
                        .protocol(TransportProtocol.TCP)
                        .build())
                .environment(
                    KeyValuePair.builder().name("MODE").value("bench").build(),
                    KeyValuePair.builder().name("LOG_LEVEL").value("info").build())
                .command("nginx", "-g", "daemon off;")
                .logConfiguration(
                    LogConfiguration.builder()
                        .logDriver(LogDriver.JSON_FILE)
                        .options(Map.of("max-size", "10m"))
                        .build())
                .build())
        .tags(Tag.builder().key("team").value("bench").build())
        .build();
  }

  private final Options options;
  private final EcsAsyncClient ecs;
  private final CqlSession cql;
  private final CpuMeter cpu;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final String accountId;

  ApiThroughputBenchmark(Options options, EcsAsyncClient ecs, CqlSession cql) {
    this.options = options;
    this.ecs = ecs;
    this.cql = cql;
    this.cpu = new CpuMeter(options.appPid(), options.cassandraPid());
    this.accountId = Account.accountOfAccessKey(options.accessKeyId()).orElse("?");
  }

  PhaseResult registerPhase(String name, List<String> families, Duration duration)
      throws InterruptedException {
    RegisterTaskDefinitionRequest[] requests =
        families.stream()
            .map(ApiThroughputBenchmark::taskDefinition)
            .toArray(RegisterTaskDefinitionRequest[]::new);
    return run(
        name,
        options.concurrency(),
        duration,
        options.maxRequests(),
        i -> ecs.registerTaskDefinition(requests[(int) (i % requests.length)]),
        cpu,
        this::tableCounters);
  }

  PhaseResult describePhase(String name, List<String> clusters, Duration duration)
      throws InterruptedException {
    DescribeClustersRequest request = DescribeClustersRequest.builder().clusters(clusters).build();
    int expected = clusters.size();
    return run(
        name,
        options.concurrency(),
        duration,
        options.maxRequests(),
        i ->
            ecs.describeClusters(request)
                .thenApply(
                    r -> {
                      if (r.clusters().size() != expected || !r.failures().isEmpty()) {
                        throw new IllegalStateException(
                            "DescribeClusters answered "
                                + r.clusters().size()
                                + " clusters and "
                                + r.failures().size()
                                + " failures");
                      }
                      return r;
                    }),
        cpu,
        this::tableCounters);
  }

  PhaseResult rawInsertPhase(String name, int concurrency, Duration duration)
      throws InterruptedException {
    PreparedStatement insert =
        cql.prepare(
            "INSERT INTO " + BENCH_KEYSPACE + ".events (pid, seq, payload) VALUES (?, ?, ?)");
    byte[][] payloads = new byte[64][];
    Random random = new Random(42);
    for (int p = 0; p < payloads.length; p++) {
      payloads[p] = new byte[options.payloadBytes()];
      random.nextBytes(payloads[p]);
    }
    String prefix = name.replaceAll("[^a-z0-9]", "") + "-" + System.nanoTime() + "-";
    // 1024 persistence ids written in turn, sequence numbers rising within each: like many entities
    // persisting.
    return run(
        name,
        concurrency,
        duration,
        options.maxRequests(),
        i ->
            cql.executeAsync(
                    insert
                        .bind(
                            prefix + (i % 1024),
                            i / 1024,
                            ByteBuffer.wrap(payloads[(int) (i % payloads.length)]))
                        .setConsistencyLevel(
                            DefaultConsistencyLevel.QUORUM)) // pekko's journal write-consistency
                .toCompletableFuture(),
        cpu,
        this::tableCounters);
  }

  /**
   * Cassandra's own count of local writes and reads per table (system_views.local_write_latency and
   * local_read_latency: one per partition update or partition read) for the server's keyspaces and
   * the scratch one.
   */
  Map<String, Long> tableCounters() {
    Map<String, Long> out = new HashMap<>();
    List<String> keyspaces =
        List.of(options.journalKeyspace(), options.snapshotKeyspace(), BENCH_KEYSPACE);
    for (String view : List.of("local_write_latency", "local_read_latency")) {
      String kind = view.contains("write") ? "writes" : "reads";
      try {
        for (Row row :
            cql.execute("SELECT keyspace_name, table_name, count FROM system_views." + view)) {
          String keyspace = row.getString(0);
          if (!keyspaces.contains(keyspace)) continue;
          String table =
              keyspace.equals(options.journalKeyspace())
                  ? row.getString(1)
                  : keyspace + "." + row.getString(1);
          out.put(kind + " " + table, row.getLong(2));
        }
      } catch (RuntimeException e) {
        // virtual tables are a Cassandra 4.1+ feature; without them the phase just reports none
      }
    }
    return out;
  }

  // ---- what the journal holds: event counts and sizes (read-only queries of the server's
  // keyspaces) ----

  private String persistenceId(String entityType, String entityId) {
    return entityType + "|" + entityId;
  }

  /** The highest sequence number of a persistence id in the journal, 0 if none. */
  long highestSequenceNr(String persistenceId) {
    long highest = 0;
    for (long partition = 0; partition < 1000; partition++) {
      Row row =
          cql.execute(
                  "SELECT sequence_nr FROM "
                      + options.journalKeyspace()
                      + ".messages WHERE persistence_id = ? AND partition_nr = ? ORDER BY sequence_nr DESC LIMIT 1",
                  persistenceId,
                  partition)
              .one();
      if (row == null) break;
      highest = row.getLong(0);
    }
    return highest;
  }

  /** Serialized size, manifest and tags of one journal event. */
  String describeEvent(String persistenceId, long sequenceNr) {
    if (sequenceNr <= 0) return "(none)";
    Row row =
        cql.execute(
                "SELECT event, ser_manifest, tags FROM "
                    + options.journalKeyspace()
                    + ".messages WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = ?",
                persistenceId,
                (sequenceNr - 1) / PEKKO_PARTITION_SIZE,
                sequenceNr)
            .one();
    if (row == null) return "(not found)";
    ByteBuffer event = row.getByteBuffer(0);
    String manifest = row.getString(1);
    String shortName = manifest == null ? "?" : manifest.substring(manifest.lastIndexOf('$') + 1);
    return shortName
        + " "
        + (event == null ? 0 : event.remaining())
        + " bytes, tags "
        + row.getSet(2, String.class);
  }

  Optional<Long> latestSnapshotBytes(String persistenceId) {
    try {
      Row row =
          cql.execute(
                  "SELECT sequence_nr, snapshot, snapshot_data FROM "
                      + options.snapshotKeyspace()
                      + ".snapshots WHERE persistence_id = ? LIMIT 1",
                  persistenceId)
              .one();
      if (row == null) return Optional.empty();
      ByteBuffer a = row.getByteBuffer(1);
      ByteBuffer b = row.getByteBuffer(2);
      return Optional.of((long) (a == null ? 0 : a.remaining()) + (b == null ? 0 : b.remaining()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- the run

  record Round(
      PhaseResult oneFamily,
      PhaseResult manyFamilies,
      PhaseResult describe,
      PhaseResult raw,
      PhaseResult rawSequential,
      long accountEventsOne,
      long accountEventsMany) {}

  void execute() throws Exception {
    Options o = options;
    System.out.printf(Locale.ROOT, "Harbormaster API throughput benchmark, %s%n", Instant.now());
    System.out.printf(
        Locale.ROOT,
        "  endpoint %s (account %s), Cassandra %s:%d, %d cores seen by the JVM%n",
        o.endpoint(),
        accountId,
        o.cassandraHost(),
        o.cassandraPort(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "  concurrency %d, %s per phase (at most %d operations), warm-up %s per kind, "
            + "%d rounds, %d families, %d clusters per DescribeClusters, %d-byte raw rows%n",
        o.concurrency(),
        human(o.duration()),
        o.maxRequests(),
        human(o.warmup()),
        o.rounds(),
        o.families(),
        o.clusters(),
        o.payloadBytes());
    String serverOpts = System.getenv("HARBORMASTER_JAVA_OPTS");
    if (serverOpts != null && !serverOpts.isBlank())
      System.out.println("  server JVM options: " + serverOpts);

    // Scratch keyspace for the raw ceiling: created here, dropped at the end (also after a
    // failure).
    cql.execute("DROP KEYSPACE IF EXISTS " + BENCH_KEYSPACE);
    cql.execute(
        "CREATE KEYSPACE "
            + BENCH_KEYSPACE
            + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cql.execute(
        "CREATE TABLE "
            + BENCH_KEYSPACE
            + ".events (pid text, seq bigint, payload blob, PRIMARY KEY (pid, seq))");
    try {
      List<String> clusters = new ArrayList<>();
      for (int c = 1; c <= o.clusters(); c++) {
        String name = "bench-" + run + "-" + c;
        ecs.createCluster(r -> r.clusterName(name)).join();
        clusters.add(name);
      }
      RegisterTaskDefinitionResponse first =
          ecs.registerTaskDefinition(taskDefinition("bench-" + run + "-check")).join();
      DescribeClustersResponse check = ecs.describeClusters(r -> r.clusters(clusters)).join();
      System.out.printf(
          Locale.ROOT,
          "  set-up: %d clusters created; a check registration answered %s; "
              + "DescribeClusters answered %d clusters%n",
          clusters.size(),
          first.taskDefinition().taskDefinitionArn(),
          check.clusters().size());

      if (!o.warmup().isZero()) {
        List<String> warmFamilies = new ArrayList<>();
        for (int f = 1; f <= o.families(); f++) warmFamilies.add("bench-" + run + "-warmup-" + f);
        PhaseResult w1 = registerPhase("warm-up RegisterTaskDefinition", warmFamilies, o.warmup());
        PhaseResult w2 = describePhase("warm-up DescribeClusters", clusters, o.warmup());
        PhaseResult w3 =
            rawInsertPhase(
                "warm-up raw inserts",
                o.concurrency(),
                o.warmup().compareTo(Duration.ofSeconds(10)) < 0
                    ? o.warmup()
                    : Duration.ofSeconds(10));
        System.out.printf(
            Locale.ROOT,
            "  warm-up: %.0f RegisterTaskDefinition/s, %.0f DescribeClusters/s, "
                + "%.0f raw inserts/s (not counted)%n",
            w1.perSec(),
            w2.perSec(),
            w3.perSec());
      }

      String accountPid = persistenceId(Account.ENTITY_KEY.name(), accountId);
      List<Round> rounds = new ArrayList<>();
      String firstOneFamily = null;
      for (int r = 1; r <= o.rounds(); r++) {
        System.out.printf(Locale.ROOT, "%nRound %d of %d%n", r, o.rounds());
        // A fresh family per round: every round starts at revision 1 (a family's state grows with
        // its revisions).
        String oneFamily = "bench-" + run + "-one-r" + r;
        if (firstOneFamily == null) firstOneFamily = oneFamily;
        List<String> many = new ArrayList<>();
        for (int f = 1; f <= o.families(); f++) many.add("bench-" + run + "-many-r" + r + "-" + f);

        long a0 = highestSequenceNr(accountPid);
        PhaseResult one =
            registerPhase("RegisterTaskDefinition, 1 family", List.of(oneFamily), o.duration());
        long a1 = highestSequenceNr(accountPid);
        printPhase(one);
        PhaseResult manyResult =
            registerPhase(
                "RegisterTaskDefinition, " + o.families() + " families", many, o.duration());
        long a2 = highestSequenceNr(accountPid);
        printPhase(manyResult);
        PhaseResult describe =
            describePhase(
                "DescribeClusters (" + o.clusters() + " clusters each)", clusters, o.duration());
        printPhase(describe);
        PhaseResult raw = rawInsertPhase("raw Cassandra inserts", o.concurrency(), o.duration());
        printPhase(raw);
        Duration shortPhase = Duration.ofMillis(Math.max(1000, o.duration().toMillis() / 3));
        PhaseResult sequential =
            rawInsertPhase("raw Cassandra inserts, 1 in flight", 1, shortPhase);
        printPhase(sequential);
        Round round = new Round(one, manyResult, describe, raw, sequential, a1 - a0, a2 - a1);
        rounds.add(round);
        System.out.printf(
            Locale.ROOT,
            "  Account entity events persisted: %d during the 1-family phase (%d requests "
                + "answered), %d during the %d-families phase (%d answered); an index message overtaken by a later "
                + "revision of its family persists nothing%n",
            round.accountEventsOne(),
            one.ok() + one.errors(),
            round.accountEventsMany(),
            o.families(),
            manyResult.ok() + manyResult.errors());
        if (r == 1) {
          String familyPid =
              persistenceId(TaskDefinitionFamily.ENTITY_KEY.name(), accountId + "/" + oneFamily);
          long familySeq = highestSequenceNr(familyPid);
          System.out.printf(
              Locale.ROOT,
              "  journal events: family entity %s; Account entity %s%n",
              describeEvent(familyPid, familySeq),
              describeEvent(accountPid, highestSequenceNr(accountPid)));
          long revisions = familySeq;
          latestSnapshotBytes(familyPid)
              .ifPresent(
                  bytes ->
                      System.out.printf(
                          Locale.ROOT,
                          "  latest snapshot of the 1-family entity (%d revisions): %d bytes (snapshots every 100 events)%n",
                          revisions,
                          bytes));
        }
      }
      printSummary(rounds);
    } finally {
      cql.execute("DROP KEYSPACE IF EXISTS " + BENCH_KEYSPACE);
      System.out.println("(scratch keyspace " + BENCH_KEYSPACE + " dropped)");
    }
  }

  // ---------------------------------------------------------------- output

  private static final String ROW = "%-40s %8s %6s %8s %8s %8s %8s  %-26s %s%n";

  private static void printHeader() {
    System.out.printf(
        Locale.ROOT,
        ROW,
        "phase",
        "ok",
        "errors",
        "per s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "CPU cores: srv/cas/gen/oth",
        "CPU ms per op: srv/cas");
  }

  private static void printPhase(PhaseResult p) {
    printHeader();
    printRow(p);
    StringBuilder timeline = new StringBuilder();
    for (int s = 0; s < p.perSecond().length; s += 5) {
      long sum = 0;
      int n = 0;
      for (int k = s; k < Math.min(s + 5, p.perSecond().length); k++, n++) sum += p.perSecond()[k];
      timeline.append(timeline.length() == 0 ? "" : " ").append(Math.round((double) sum / n));
    }
    System.out.printf(
        Locale.ROOT,
        "  %s per s by 5-s window: %s%n",
        p.name().startsWith("raw") ? "inserts" : "requests",
        timeline);
    if (!p.errorKinds().isEmpty()) System.out.printf(Locale.ROOT, "  errors: %s%n", p.errorKinds());
    if (!p.tableOps().isEmpty() && p.ok() > 0) {
      StringBuilder ops = new StringBuilder();
      p.tableOps()
          .forEach(
              (table, count) ->
                  ops.append(ops.length() == 0 ? "" : ", ")
                      .append(table)
                      .append(String.format(Locale.ROOT, " %.2f", (double) count / p.ok())));
      System.out.printf(Locale.ROOT, "  Cassandra partition %s per op: %s%n", "writes/reads", ops);
    }
  }

  private static void printRow(PhaseResult p) {
    System.out.printf(
        Locale.ROOT,
        ROW,
        p.name(),
        p.ok(),
        p.errors(),
        String.format(Locale.ROOT, "%.0f", p.perSec()),
        ms(p.percentileMillis(50)),
        ms(p.percentileMillis(99)),
        ms(p.maxMillis()),
        p.cpu().format(),
        perOp(p.cpuMillisPerOp(p.cpu().app()))
            + " / "
            + perOp(p.cpuMillisPerOp(p.cpu().cassandra())));
  }

  private static String perOp(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 0.1 ? "%.3f" : "%.2f", v);
  }

  private static String ms(double v) {
    return Double.isNaN(v)
        ? "-"
        : v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void printSummary(List<Round> rounds) {
    int n = rounds.size();
    System.out.printf(
        Locale.ROOT,
        "%n==== Summary: median of %d rounds (concurrency %d; CPU in cores of %d) ====%n",
        n,
        options.concurrency(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-44s %8s %8s %8s  %-26s %s%n",
        "phase",
        "per s",
        "p50 ms",
        "p99 ms",
        "CPU cores: srv/cas/gen/oth",
        "CPU ms per op: srv/cas");
    List<java.util.function.Function<Round, PhaseResult>> phases =
        List.of(
            Round::oneFamily,
            Round::manyFamilies,
            Round::describe,
            Round::raw,
            Round::rawSequential);
    for (var phase : phases) {
      double[] rate = rounds.stream().mapToDouble(r -> phase.apply(r).perSec()).toArray();
      double[] p50 =
          rounds.stream().mapToDouble(r -> phase.apply(r).percentileMillis(50)).toArray();
      double[] p99 =
          rounds.stream().mapToDouble(r -> phase.apply(r).percentileMillis(99)).toArray();
      CpuMeter.Usage cpuMedian =
          new CpuMeter.Usage(
              median(rounds.stream().mapToDouble(r -> phase.apply(r).cpu().app()).toArray()),
              median(rounds.stream().mapToDouble(r -> phase.apply(r).cpu().cassandra()).toArray()),
              median(rounds.stream().mapToDouble(r -> phase.apply(r).cpu().self()).toArray()),
              median(rounds.stream().mapToDouble(r -> phase.apply(r).cpu().other()).toArray()),
              median(rounds.stream().mapToDouble(r -> phase.apply(r).cpu().machine()).toArray()));
      double[] appMs =
          rounds.stream()
              .mapToDouble(r -> phase.apply(r).cpuMillisPerOp(phase.apply(r).cpu().app()))
              .toArray();
      double[] casMs =
          rounds.stream()
              .mapToDouble(r -> phase.apply(r).cpuMillisPerOp(phase.apply(r).cpu().cassandra()))
              .toArray();
      long errors = rounds.stream().mapToLong(r -> phase.apply(r).errors()).sum();
      String name =
          phase.apply(rounds.get(0)).name() + (errors > 0 ? " [" + errors + " errors]" : "");
      System.out.printf(
          Locale.ROOT,
          "%-44s %8.0f %8s %8s  %-26s %s%n",
          name,
          median(rate),
          ms(median(p50)),
          ms(median(p99)),
          cpuMedian.format(),
          perOp(median(appMs)) + " / " + perOp(median(casMs)));
    }
    Round last = rounds.get(n - 1);
    System.out.println();
    System.out.println(
        "Cassandra partition writes/reads per operation (last round; Cassandra's system_views counters):");
    for (PhaseResult p :
        List.of(last.oneFamily(), last.manyFamilies(), last.describe(), last.raw())) {
      StringBuilder ops = new StringBuilder();
      p.tableOps()
          .forEach(
              (table, count) ->
                  ops.append(ops.length() == 0 ? "" : ", ")
                      .append(table)
                      .append(
                          String.format(
                              Locale.ROOT, " %.2f", (double) count / Math.max(1, p.ok()))));
      System.out.printf(
          Locale.ROOT, "  %-40s %s%n", p.name() + ":", ops.length() == 0 ? "(none)" : ops);
    }
    double[] oneRatio = new double[n], manyRatio = new double[n], describeRatio = new double[n];
    double[] seqRatio = new double[n];
    for (int i = 0; i < n; i++) {
      Round r = rounds.get(i);
      double raw = r.raw().perSec();
      oneRatio[i] = 2 * r.oneFamily().perSec() / raw;
      manyRatio[i] = 2 * r.manyFamilies().perSec() / raw;
      describeRatio[i] = r.describe().perSec() / raw;
      seqRatio[i] = r.manyFamilies().perSec() / r.rawSequential().perSec();
    }
    System.out.println();
    System.out.println(
        "Ratios (each taken within one round, then the median; per-round values in brackets):");
    System.out.println(
        "  Each RegisterTaskDefinition persists 2 events: the revision (TaskDefinitionFamily entity) and");
    System.out.println("  the directory entry (Account entity), so events/s = 2 x requests/s.");
    System.out.printf(
        Locale.ROOT,
        "  RegisterTaskDefinition events/s / raw inserts/s, 1 family:        %.3f %s%n",
        median(oneRatio),
        list(oneRatio));
    System.out.printf(
        Locale.ROOT,
        "  RegisterTaskDefinition events/s / raw inserts/s, %d families:%s %.3f %s%n",
        options.families(),
        " ".repeat(Math.max(0, 7 - Integer.toString(options.families()).length())),
        median(manyRatio),
        list(manyRatio));
    System.out.printf(
        Locale.ROOT,
        "  DescribeClusters requests/s / raw inserts/s:                     %.3f %s%n",
        median(describeRatio),
        list(describeRatio));
    System.out.printf(
        Locale.ROOT,
        "  RegisterTaskDefinition (%d families) requests/s / raw inserts/s with 1 in flight "
            + "(one writer in sequence, as the Account entity is): %.3f %s%n",
        options.families(),
        median(seqRatio),
        list(seqRatio));
  }

  private static String list(double[] values) {
    StringBuilder sb = new StringBuilder("[");
    for (double v : values)
      sb.append(sb.length() == 1 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
    return sb.append("]").toString();
  }

  // ---------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    NettyNioAsyncHttpClient.Builder http =
        NettyNioAsyncHttpClient.builder()
            .maxConcurrency(Math.max(2 * o.concurrency(), 64))
            .maxPendingConnectionAcquires(10_000)
            .connectionAcquisitionTimeout(Duration.ofSeconds(30));
    // The contact point goes into the config, replacing the one of Harbormaster's application.conf
    // (on this
    // classpath): added with addContactPoint, the driver would try both.
    DriverConfigLoader driverConfig =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(
                DefaultDriverOption.CONTACT_POINTS,
                List.of(o.cassandraHost() + ":" + o.cassandraPort()))
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, "datacenter1")
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
            .withDuration(
                DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .build();
    try (EcsAsyncClient ecs =
            EcsAsyncClient.builder()
                .endpointOverride(URI.create(o.endpoint()))
                .region(Region.of(o.region()))
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(o.accessKeyId(), o.secretAccessKey())))
                .httpClientBuilder(http)
                .overrideConfiguration(
                    ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(30))
                        .build())
                .build();
        CqlSession cql = CqlSession.builder().withConfigLoader(driverConfig).build()) {
      new ApiThroughputBenchmark(o, ecs, cql).execute();
    }
  }
}
