package io.harbormaster.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * What the benchmarks share: the env file `harbormaster up` writes and SDK clients pointed at it,
 * nearest-rank percentiles, and CPU time of processes and of the whole machine from {@code /proc}.
 */
final class BenchmarkSupport {
  private BenchmarkSupport() {}

  // ---------------------------------------------------------------- the env file of `up`

  /**
   * The {@code export NAME=value} lines of the file `harbormaster up` writes (comments and quotes
   * allowed).
   */
  static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      if (l.startsWith("export ")) l = l.substring("export ".length()).strip();
      int eq = l.indexOf('=');
      if (eq <= 0) continue;
      String value = l.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(l.substring(0, eq).strip(), value);
    }
    return out;
  }

  /**
   * Endpoint, region and the admin's key of the `up` whose env file the scripts pass, on any SDK
   * client builder.
   */
  static <B extends AwsClientBuilder<B, ?>> B pointedAt(B builder, Map<String, String> env) {
    return builder
        .endpointOverride(URI.create(env.get("HARBORMASTER_ENDPOINT")))
        .region(Region.of(env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))));
  }

  /** The synchronous SDK client of that `up`. */
  static EcsClient ecsClient(Map<String, String> env) {
    return pointedAt(EcsClient.builder(), env).build();
  }

  /**
   * The asynchronous SDK client of that `up` for many calls in flight: no retries, generous
   * timeouts.
   */
  static EcsAsyncClient ecsAsyncClient(Map<String, String> env) {
    return pointedAt(EcsAsyncClient.builder(), env)
        .httpClientBuilder(
            NettyNioAsyncHttpClient.builder()
                .maxConcurrency(128)
                .connectionTimeout(Duration.ofSeconds(30))
                .connectionAcquisitionTimeout(Duration.ofMinutes(2)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofMinutes(2))
                .retryStrategy(b -> b.maxAttempts(1))
                .build())
        .build();
  }

  // ---------------------------------------------------------------- percentiles

  /** Nearest-rank percentile ({@code percent} in (0, 100]) of ascending, non-empty values. */
  static long percentile(long[] sorted, double percent) {
    return sorted[rankIndex(sorted.length, percent)];
  }

  /** Nearest-rank percentile ({@code percent} in (0, 100]) of ascending, non-empty values. */
  static long percentile(List<Long> sorted, double percent) {
    return sorted.get(rankIndex(sorted.size(), percent));
  }

  private static int rankIndex(int size, double percent) {
    if (size == 0) throw new IllegalArgumentException("no values");
    int rank = (int) Math.ceil(percent / 100.0 * size);
    return Math.max(0, Math.min(size - 1, rank - 1));
  }

  // ---------------------------------------------------------------- CPU from /proc

  /**
   * CPU ticks (USER_HZ = 100) used so far by the server, Cassandra and this JVM, and by the whole
   * machine (busy and total), from {@code /proc}; -1 where not readable (no such pid, not Linux).
   */
  record CpuSample(
      long serverTicks,
      long cassandraTicks,
      long selfTicks,
      long machineBusy,
      long machineTotal,
      long nanos) {
    static final double HZ = 100.0;
    static final int CPUS = Runtime.getRuntime().availableProcessors();
    private static final long SELF = ProcessHandle.current().pid();

    static CpuSample take(long serverPid, long cassandraPid) {
      long[] machine = machineTicks();
      return new CpuSample(
          processTicks(serverPid),
          processTicks(cassandraPid),
          processTicks(SELF),
          machine[0],
          machine[1],
          System.nanoTime());
    }

    /**
     * Cores the server used on average over {@code nanos} since {@code before}; -1 when not
     * measured.
     */
    double server(CpuSample before, long nanos) {
      return cores(before.serverTicks, serverTicks, nanos);
    }

    double cassandra(CpuSample before, long nanos) {
      return cores(before.cassandraTicks, cassandraTicks, nanos);
    }

    double self(CpuSample before, long nanos) {
      return cores(before.selfTicks, selfTicks, nanos);
    }

    /** Cores busy on the whole machine on average since {@code before}; -1 when not measured. */
    double machine(CpuSample before) {
      return before.machineTotal < 0 || machineTotal <= before.machineTotal
          ? -1
          : (double) (machineBusy - before.machineBusy)
              / (machineTotal - before.machineTotal)
              * CPUS;
    }

    private static double cores(long before, long after, long nanos) {
      return before < 0 || after < 0 ? -1 : (after - before) / HZ / (nanos / 1e9);
    }

    /** utime + stime of a process; -1 for no pid (≤ 0) or when not readable. */
    static long processTicks(long pid) {
      if (pid <= 0) return -1;
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 after the command name
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    /**
     * {busy, total} ticks of all CPUs; guest time is already part of user time, iowait counts as
     * idle.
     */
    private static long[] machineTicks() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long user = Long.parseLong(f[1]),
            nice = Long.parseLong(f[2]),
            system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long busy = user + nice + system + irq + softirq + steal;
        return new long[] {busy, busy + idle + iowait};
      } catch (IOException | RuntimeException e) {
        return new long[] {-1, -1};
      }
    }
  }
}
