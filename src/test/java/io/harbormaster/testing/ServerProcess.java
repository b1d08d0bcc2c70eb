package io.harbormaster.testing;

import io.harbormaster.persistence.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A control-plane node as a real child process ({@code harbormaster server}) on the test's
 * classpath, against the shared test Cassandra. {@link #kill()} is a real SIGKILL; {@link #close()}
 * a SIGTERM.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern DEFAULT_KEY =
      Pattern.compile("default account (\\d{12}) key (\\S+) (\\S+)");

  private final Process process;
  private final int apiPort;
  private final int clusterPort;
  private final Path log;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile Credentials credentials;

  /** The default account's key, when the node was started with bootstrap. */
  public record Credentials(String accountId, String accessKeyId, String secretAccessKey) {}

  private ServerProcess(Process process, int apiPort, int clusterPort, Path log) {
    this.process = process;
    this.apiPort = apiPort;
    this.clusterPort = clusterPort;
    this.log = log;
  }

  /** A first node of a new cluster, which also creates (or finds) the default account. */
  public static ServerProcess startFirst(String name) throws Exception {
    return start(name, FreePorts.pick(), FreePorts.pick(), List.of(), true);
  }

  /**
   * A first node with settings of its own, e.g. {@code harbormaster.service.lost-host-timeout} for
   * a test.
   */
  public static ServerProcess startFirst(String name, java.util.Map<String, String> settings)
      throws Exception {
    return start(name, FreePorts.pick(), FreePorts.pick(), List.of(), true, settings);
  }

  public static ServerProcess start(
      String name,
      int apiPort,
      int clusterPort,
      List<String> seeds,
      boolean bootstrapDefaultAccount)
      throws Exception {
    return start(name, apiPort, clusterPort, seeds, bootstrapDefaultAccount, java.util.Map.of());
  }

  /**
   * @param settings configuration values, passed as system properties (they override
   *     application.conf)
   */
  public static ServerProcess start(
      String name,
      int apiPort,
      int clusterPort,
      List<String> seeds,
      boolean bootstrapDefaultAccount,
      java.util.Map<String, String> settings)
      throws Exception {
    return start(name, apiPort, clusterPort, seeds, bootstrapDefaultAccount, settings, List.of());
  }

  /**
   * @param arguments further arguments of {@code harbormaster server}, e.g. {@code --new-cluster}
   */
  public static ServerProcess start(
      String name,
      int apiPort,
      int clusterPort,
      List<String> seeds,
      boolean bootstrapDefaultAccount,
      java.util.Map<String, String> settings,
      List<String> arguments)
      throws Exception {
    return start(
        name,
        apiPort,
        clusterPort,
        seeds,
        bootstrapDefaultAccount,
        settings,
        arguments,
        SharedCassandra.nativePort());
  }

  /**
   * A node on a Cassandra of the test's own (on 127.0.0.1 at {@code cassandraPort}), not the shared
   * one.
   */
  public static ServerProcess start(
      String name,
      int apiPort,
      int clusterPort,
      List<String> seeds,
      boolean bootstrapDefaultAccount,
      java.util.Map<String, String> settings,
      int cassandraPort)
      throws Exception {
    return start(
        name,
        apiPort,
        clusterPort,
        seeds,
        bootstrapDefaultAccount,
        settings,
        List.of(),
        cassandraPort);
  }

  private static ServerProcess start(
      String name,
      int apiPort,
      int clusterPort,
      List<String> seeds,
      boolean bootstrapDefaultAccount,
      java.util.Map<String, String> settings,
      List<String> arguments,
      int cassandraPort)
      throws Exception {
    Path dir = ProjectHome.resolve("target/it-servers");
    Files.createDirectories(dir);
    Path log = dir.resolve(name + "-" + apiPort + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dharbormaster.home=" + ProjectHome.path()));
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"),
            "io.harbormaster.Main", "server",
            "--port", Integer.toString(apiPort),
            "--cluster-port", Integer.toString(clusterPort),
            "--cassandra", "127.0.0.1:" + cassandraPort));
    for (String seed : seeds) {
      command.add("--seed");
      command.add(seed);
    }
    if (bootstrapDefaultAccount) command.add("--bootstrap-default-account");
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ServerProcess server = new ServerProcess(process, apiPort, clusterPort, log);
    server.pumpOutput();
    try {
      server.ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.kill();
      throw new IllegalStateException("node did not start; log: " + log + "\n" + server.tail(), e);
    }
    return server;
  }

  private void pumpOutput() {
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
                  out.write(line);
                  out.newLine();
                  out.flush();
                  Matcher m = DEFAULT_KEY.matcher(line);
                  if (m.find()) credentials = new Credentials(m.group(1), m.group(2), m.group(3));
                  if (line.startsWith("Harbormaster node ready")) ready.complete(null);
                }
              } catch (IOException ignored) {
                // the process ended
              }
              // The output closes a moment before the process is reaped: exitValue() would throw.
              ready.completeExceptionally(
                  new IllegalStateException("node exited with " + exitCode()));
            },
            "server-output-" + apiPort);
    pump.setDaemon(true);
    pump.start();
  }

  private String exitCode() {
    try {
      return process.waitFor(10, TimeUnit.SECONDS)
          ? Integer.toString(process.exitValue())
          : "(still running)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /**
   * A node that joins the cluster of the nodes at {@code seeds} (their {@link #clusterAddress()}).
   */
  public static ServerProcess startJoining(String name, String... seeds) throws Exception {
    return start(name, FreePorts.pick(), FreePorts.pick(), List.of(seeds), false);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + apiPort;
  }

  public int apiPort() {
    return apiPort;
  }

  public int clusterPort() {
    return clusterPort;
  }

  /** Waits for the process to end by itself; whether it did within {@code timeout}. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** host:port of this node's cluster port, to seed another node with. */
  public String clusterAddress() {
    return "127.0.0.1:" + clusterPort;
  }

  public Credentials credentials() {
    if (credentials == null)
      throw new IllegalStateException("started without --bootstrap-default-account");
    return credentials;
  }

  /** Whether this node's log has a line containing {@code fragment} yet. */
  public boolean logContains(String fragment) {
    try {
      return Files.readString(log).contains(fragment);
    } catch (IOException e) {
      return false;
    }
  }

  /** This node's address as Pekko prints it, e.g. in "Leader is moving node [...] to [Up]". */
  public String pekkoAddress() {
    return "pekko://harbormaster@" + clusterAddress();
  }

  /**
   * Waits until the cluster's leader has moved {@code joining} to Up: only the leader logs it, so
   * every given node's log is read.
   */
  public static void awaitUp(ServerProcess joining, Duration timeout, ServerProcess... members)
      throws InterruptedException {
    String line = "Leader is moving node [" + joining.pekkoAddress() + "] to [Up]";
    boolean up =
        Await.within(
            timeout,
            Duration.ofMillis(200),
            () ->
                joining.logContains(line)
                    || Arrays.stream(members).anyMatch(member -> member.logContains(line)));
    if (up) return;
    throw new IllegalStateException(
        joining.pekkoAddress() + " was not Up within " + timeout + "\n" + joining.tail());
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  /** The exit status; the process must have ended. */
  public int exitValue() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: no shutdown hooks, no flushing, no leaving the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(Duration.ofSeconds(40).toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
