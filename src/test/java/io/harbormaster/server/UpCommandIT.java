package io.harbormaster.server;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.persistence.FreePorts;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ProjectHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The real {@code ./harbormaster up} script as a user runs it: embedded Cassandra plus a node, an
 * env file with working credentials, SIGTERM stopping both processes, and a second {@code up} on
 * the same data directory finding everything (and the same key) again. Uses its own Cassandra, not
 * the shared test one.
 */
class UpCommandIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  /** The brief: the java process and its Cassandra are gone within about a minute of SIGTERM. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(60);

  private static final Pattern ACCESS_KEY = Pattern.compile("Access key id:\\s+(\\S+)");
  private static final Pattern SECRET = Pattern.compile("Secret access key:\\s+(\\S+)");
  private static final Pattern ACCOUNT = Pattern.compile("Account:\\s+(\\d{12})");

  /** Whatever a failed test left running: the up processes and the Cassandra pids seen. */
  private final List<Process> started = new ArrayList<>();

  private final List<Long> cassandraPids = new ArrayList<>();

  @AfterEach
  void stopLeftovers() {
    started.forEach(Process::destroyForcibly);
    cassandraPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void upWritesWorkingCredentialsStopsCleanlyOnSigtermAndKeepsStateAcrossRestarts()
      throws Exception {
    Path dataDir = freshDataDir();
    Ports ports = Ports.pick();

    // ---- first run ----
    Up first = Up.start(this, dataDir, ports, "up-1");
    System.out.printf("[UpCommandIT] first up ready in %d ms%n", first.readyMillis);
    assertFalse(
        first.output().contains("Building Harbormaster"),
        "in failsafe, package has run: the script must use target/classes, not build again:\n"
            + first.output());

    Map<String, String> env = readEnv(dataDir.resolve("env"));
    assertEquals(
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_DEFAULT_REGION",
            "HARBORMASTER_ENDPOINT"),
        List.copyOf(env.keySet()));
    assertEquals(first.accessKeyId, env.get("AWS_ACCESS_KEY_ID"));
    assertEquals(first.secret, env.get("AWS_SECRET_ACCESS_KEY"));
    assertEquals("us-east-1", env.get("AWS_DEFAULT_REGION"));
    assertEquals("http://127.0.0.1:" + ports.api, env.get("HARBORMASTER_ENDPOINT"));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("env"))));

    Cluster created;
    try (EcsClient ecs =
        EcsClients.sync(
            env.get("HARBORMASTER_ENDPOINT"),
            env.get("AWS_ACCESS_KEY_ID"),
            env.get("AWS_SECRET_ACCESS_KEY"))) {
      created =
          ecs.createCluster(
                  r ->
                      r.clusterName("kept-across-restarts")
                          .tags(Tag.builder().key("made-by").value("UpCommandIT").build()))
              .cluster();
      assertEquals("ACTIVE", created.status());
    }

    // ---- admin create-account, through the script, with the env file ----
    AdminOutput tenant = adminCreateAccount(dataDir.resolve("env"), "x");
    assertTrue(tenant.accountId.matches("\\d{12}"), tenant.toString());
    assertTrue(tenant.accessKeyId.contains(tenant.accountId), tenant.toString());
    try (EcsClient ecs =
        EcsClients.sync(env.get("HARBORMASTER_ENDPOINT"), tenant.accessKeyId, tenant.secret)) {
      assertEquals(
          List.of(), ecs.listClusters(r -> {}).clusterArns(), "a new account has no clusters");
      assertEquals(
          "MISSING",
          ecs.describeClusters(r -> r.clusters("kept-across-restarts")).failures().get(0).reason(),
          "another account's cluster is not visible");
    }

    long cassandraPid = cassandraPid(dataDir);
    assertTrue(Await.alive(cassandraPid), "Cassandra is running");
    long stopMillis = first.sigtermAndAwaitGone(cassandraPid);
    System.out.printf("[UpCommandIT] SIGTERM: up and its Cassandra gone in %d ms%n", stopMillis);
    assertFalse(
        Files.exists(dataDir.resolve("cassandra/cassandra.pid")),
        "the pid file of a stopped Cassandra");

    // ---- second run on the same data dir ----
    Up second = Up.start(this, dataDir, ports, "up-2");
    System.out.printf("[UpCommandIT] second up ready in %d ms%n", second.readyMillis);
    assertEquals(first.accountId, second.accountId);
    assertEquals(first.accessKeyId, second.accessKeyId, "the same default key after a restart");
    assertEquals(first.secret, second.secret);
    try (EcsClient ecs = EcsClients.sync(second.endpoint(), second.accessKeyId, second.secret)) {
      Cluster again =
          ecs.describeClusters(r -> r.clusters("kept-across-restarts").include(ClusterField.TAGS))
              .clusters()
              .get(0);
      assertEquals(created.clusterArn(), again.clusterArn());
      assertEquals("ACTIVE", again.status());
      assertEquals(created.tags(), again.tags());
      assertTrue(ecs.listClusters(r -> {}).clusterArns().contains(created.clusterArn()));
    }
    try (EcsClient ecs = EcsClients.sync(second.endpoint(), tenant.accessKeyId, tenant.secret)) {
      assertEquals(
          List.of(),
          ecs.listClusters(r -> {}).clusterArns(),
          "the tenant's key works after the restart");
    }
    long secondCassandra = cassandraPid(dataDir);
    long secondStop = second.sigtermAndAwaitGone(secondCassandra);
    System.out.printf("[UpCommandIT] second SIGTERM: gone in %d ms%n", secondStop);
    deleteRecursively(dataDir);
  }

  /**
   * `up` owns the private Docker engine under its data dir: after `up` was killed with -9 (the
   * engine and Cassandra run on), the next `up` on that data dir finds the engine, uses it, and
   * stops it when it stops.
   */
  @Test
  void upStopsThePrivateEngineOfItsDataDirAlsoAfterAKill() throws Exception {
    Path dataDir = freshDataDir();
    Ports ports = Ports.pick();
    Up first = Up.start(this, dataDir, ports, "up-killed");
    Path enginePidFile = dataDir.resolve("docker/docker.pid");
    Assumptions.assumeTrue(
        Files.exists(enginePidFile),
        "up used an engine of the machine's, not a private one:\n" + first.output());
    long enginePid = Long.parseLong(Files.readString(enginePidFile).strip());
    cassandraPid(dataDir);
    first.process.destroyForcibly();
    first.process.waitFor(30, TimeUnit.SECONDS);
    assertTrue(Await.alive(enginePid), "the engine runs on after kill -9 of up");

    Up second = Up.start(this, dataDir, ports, "up-after-kill");
    assertEquals(
        enginePid,
        Long.parseLong(Files.readString(enginePidFile).strip()),
        "the same engine is reused");
    second.sigtermAndAwaitGone(cassandraPid(dataDir));
    assertTrue(
        Await.within(STOP_LIMIT, Duration.ofMillis(100), () -> !Await.alive(enginePid)),
        "the private engine (pid "
            + enginePid
            + ") still runs after the second up stopped:\n"
            + second.output());
    deleteRecursively(dataDir);
  }

  /**
   * SIGTERM while `up` is still waiting for its Cassandra: the Cassandra it started must not
   * outlive it.
   */
  @Test
  void sigtermDuringStartupLeavesNoCassandraBehind() throws Exception {
    Path dataDir = freshDataDir();
    Up up = Up.launch(this, dataDir, Ports.pick(), "up-early-stop");
    Path pidFile = dataDir.resolve("cassandra/cassandra.pid");
    Await.within(
        START_TIMEOUT, Duration.ofMillis(50), () -> Files.exists(pidFile) || !up.process.isAlive());
    assertTrue(Files.exists(pidFile), "Cassandra was not started:\n" + up.output());
    long cassandraPid = cassandraPid(dataDir);
    assertFalse(up.output().contains("Harbormaster is up."), "too late: up was already ready");
    long stopMillis = up.sigtermAndAwaitGone(cassandraPid);
    System.out.printf(
        "[UpCommandIT] SIGTERM during start-up: up and its Cassandra gone in %d ms%n", stopMillis);
    deleteRecursively(dataDir);
  }

  // ---- the up process ----

  private static final class Up {
    final Process process;
    final Path log;
    final Ports ports;
    final StringBuffer output = new StringBuffer();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    long readyMillis;
    String accountId;
    String accessKeyId;
    String secret;

    private Up(Process process, Path log, Ports ports) {
      this.process = process;
      this.log = log;
      this.ports = ports;
    }

    static Up start(UpCommandIT test, Path dataDir, Ports ports, String name) throws Exception {
      long t0 = System.nanoTime();
      Up up = launch(test, dataDir, ports, name);
      try {
        up.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(
            "up did not become ready; log " + up.log + ":\n" + up.output(), e);
      }
      up.readyMillis = (System.nanoTime() - t0) / 1_000_000;
      String out = up.output();
      up.accountId = group(ACCOUNT, out);
      up.accessKeyId = group(ACCESS_KEY, out);
      up.secret = group(SECRET, out);
      return up;
    }

    static Up launch(UpCommandIT test, Path dataDir, Ports ports, String name) throws IOException {
      Path home = ProjectHome.path();
      ProcessBuilder builder =
          new ProcessBuilder(
                  home.resolve("harbormaster").toString(),
                  "up",
                  "--data-dir",
                  dataDir.toString(),
                  "--port",
                  Integer.toString(ports.api),
                  "--cassandra-port",
                  Integer.toString(ports.cassandra),
                  "--cluster-port",
                  Integer.toString(ports.cluster))
              .directory(home.toFile())
              .redirectErrorStream(true);
      // The script runs `java` from PATH: the test's own JDK (Cassandra 5 needs 11 or 17).
      builder
          .environment()
          .put(
              "PATH",
              Path.of(System.getProperty("java.home"), "bin")
                  + ":"
                  + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      Path log = ProjectHome.resolve("target/it-servers").resolve(name + "-" + ports.api + ".log");
      Files.createDirectories(log.getParent());
      Process process = builder.start();
      test.started.add(process);
      Up up = new Up(process, log, ports);
      up.pump();
      return up;
    }

    private void pump() {
      Thread pump =
          new Thread(
              () -> {
                try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
                    var in =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    out.write(line);
                    out.newLine();
                    out.flush();
                    // "Harbormaster is up." starts the banner with the endpoint and key; the Ctrl-C
                    // line ends it.
                    if (line.startsWith("Ctrl-C stops Harbormaster")) ready.complete(null);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
                ready.completeExceptionally(
                    new IllegalStateException("up exited before it was ready"));
              },
              "up-output-" + ports.api);
      pump.setDaemon(true);
      pump.start();
    }

    String output() {
      return output.toString();
    }

    String endpoint() {
      return "http://127.0.0.1:" + ports.api;
    }

    /**
     * SIGTERM (what Process.destroy sends); milliseconds until both the up JVM and its Cassandra
     * are gone.
     */
    long sigtermAndAwaitGone(long cassandraPid) throws InterruptedException {
      long t0 = System.nanoTime();
      process.destroy();
      Await.within(
          STOP_LIMIT,
          Duration.ofMillis(100),
          () -> !process.isAlive() && !Await.alive(cassandraPid));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertFalse(
          process.isAlive(), "up still runs " + STOP_LIMIT + " after SIGTERM:\n" + output());
      assertFalse(
          Await.alive(cassandraPid),
          "its Cassandra (pid "
              + cassandraPid
              + ") still runs "
              + millis
              + " ms after SIGTERM to up:\n"
              + output());
      return millis;
    }
  }

  // ---- helpers ----

  private record Ports(int api, int cassandra, int cluster) {
    /** The Cassandra port and the next one (its storage port) must both be free. */
    static Ports pick() {
      int cassandra;
      do {
        cassandra = FreePorts.pick();
      } while (cassandra >= 65535 || !free(cassandra + 1));
      int api = FreePorts.pick();
      int cluster = FreePorts.pick();
      return new Ports(api, cassandra, cluster);
    }

    private static boolean free(int port) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  private record AdminOutput(String accountId, String accessKeyId, String secret) {}

  private AdminOutput adminCreateAccount(Path envFile, String name) throws Exception {
    Path home = ProjectHome.path();
    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("harbormaster").toString(),
                "admin",
                "create-account",
                "--name",
                name,
                "--env",
                envFile.toString())
            .directory(home.toFile());
    builder
        .environment()
        .put(
            "PATH",
            Path.of(System.getProperty("java.home"), "bin")
                + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    // The credentials come from the env file, not from whatever the test's environment has.
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("AWS_") || k.equals("HARBORMASTER_ENDPOINT"));
    Process admin = builder.start();
    started.add(admin);
    CompletableFuture<String> stdout =
        CompletableFuture.supplyAsync(() -> read(admin.getInputStream()));
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> read(admin.getErrorStream()));
    assertTrue(admin.waitFor(2, TimeUnit.MINUTES), "admin create-account did not finish");
    String out = stdout.get(10, TimeUnit.SECONDS);
    assertEquals(
        0,
        admin.exitValue(),
        "admin create-account failed:\n" + out + stderr.get(10, TimeUnit.SECONDS));
    JsonNode json = JSON.readTree(out);
    return new AdminOutput(
        json.path("accountId").asText(),
        json.path("accessKeyId").asText(),
        json.path("secretAccessKey").asText());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private long cassandraPid(Path dataDir) throws IOException {
    long pid = Long.parseLong(Files.readString(dataDir.resolve("cassandra/cassandra.pid")).strip());
    cassandraPids.add(pid);
    return pid;
  }

  private static Map<String, String> readEnv(Path env) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(env)) {
      Matcher m = Pattern.compile("export ([A-Z_]+)=(.*)").matcher(line);
      if (m.matches()) out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return Optional.of(m)
        .filter(Matcher::find)
        .map(x -> x.group(1))
        .orElseThrow(
            () -> new IllegalStateException(pattern + " not in the output of up:\n" + text));
  }

  private static Path freshDataDir() throws IOException {
    Path dir = ProjectHome.resolve("target/it-up").resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(dir);
    return dir;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
