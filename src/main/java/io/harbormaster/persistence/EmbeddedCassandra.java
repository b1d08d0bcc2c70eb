package io.harbormaster.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Cassandra 5.0 running as a child JVM: Harbormaster's embedded database and the
 * integration tests' database.
 *
 * <p>It is a separate JVM, never a library call in ours: cassandra-all's Jackson, agrona, metrics
 * and lz4 clash with Pekko's, and the daemon installs a JVM-wide security manager and calls
 * System.exit. Its classpath comes from {@code persistence/cassandra-server/pom.xml}.
 *
 * <p>Nothing is registered globally: whoever starts it decides whether a shutdown hook stops it. A
 * node left running by a crashed run is found through {@code <dataDir>/cassandra.pid} and stopped
 * by the next {@link #start} on the same data directory.
 */
public final class EmbeddedCassandra implements AutoCloseable {

  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  /** SimpleSnitch puts the node in this datacenter; the driver needs it named. */
  public static final String LOCAL_DATACENTER = "datacenter1";

  /** The first JVM argument, so the pid file can be checked against the process it names. */
  private static final String DATA_DIR_MARKER = "-Dharbormaster.cassandra.dataDir=";

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The module flags of Cassandra 5.0's conf/jvm17-server.options ("JPMS" section): Cassandra
   * reaches into JDK internals (Unsafe, direct buffers, file channels, JMX) and fails on Java 17
   * without them.
   */
  private static final List<String> JDK17_MODULE_FLAGS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          // Same file, "Netty Options": lets Netty allocate direct buffers through Unsafe.
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final CassandraSettings settings;
  private final Process process;

  private EmbeddedCassandra(CassandraSettings settings, Process process) {
    this.settings = settings;
    this.process = process;
  }

  /**
   * Starts a node and returns once it accepts CQL connections.
   *
   * @param projectHome the checkout: holds mvnw, persistence/cassandra.yaml,
   *     persistence/logback-cassandra.xml and persistence/cassandra-server/pom.xml; the classpath
   *     is cached in its target/ folder
   * @throws IOException if the node exits during start-up or does not answer within the start
   *     timeout (the message ends with the tail of its log)
   */
  public static EmbeddedCassandra start(Path projectHome, CassandraSettings settings)
      throws IOException, InterruptedException {
    EmbeddedCassandra cassandra = launch(projectHome, settings);
    try {
      cassandra.awaitCql();
    } catch (IOException | InterruptedException | RuntimeException e) {
      cassandra.close();
      throw e;
    }
    return cassandra;
  }

  /**
   * Starts a node and returns at once, while it boots (5-8 s here): `up` starts its control plane
   * meanwhile, whose session waits for the CQL port ({@link CassandraSessions#connectWhenUp}).
   * {@link #onExit()} tells whether it died on the way.
   */
  public static EmbeddedCassandra launch(Path projectHome, CassandraSettings settings)
      throws IOException, InterruptedException {
    requireSupportedJava();
    Path home = projectHome.toAbsolutePath().normalize();
    Path dataDir = settings.dataDir();
    Files.createDirectories(dataDir.resolve("logs"));
    stopLeftover(dataDir);

    String classpath = CassandraClasspath.resolve(home);
    Path yaml = renderConfig(home.resolve("persistence/cassandra.yaml"), settings);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(DATA_DIR_MARKER + dataDir);
    command.add("-Xms" + settings.heap());
    command.add("-Xmx" + settings.heap());
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.addAll(classDataSharing(dataDir, classpath));
    command.addAll(JDK17_MODULE_FLAGS);
    command.add("-Dcassandra.config=" + yaml.toUri());
    command.add("-Dcassandra-foreground=yes");
    command.add("-Dcassandra.storagedir=" + dataDir);
    command.add("-Dcassandra.logdir=" + dataDir.resolve("logs"));
    command.add("-Dlogback.configurationFile=" + home.resolve("persistence/logback-cassandra.xml"));
    // A lone node has nobody to gossip with; waiting for gossip to settle only adds seconds to
    // start-up.
    command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    // Nor anybody to announce its shutdown to: the default waits 2 s after announcing.
    command.add("-Dcassandra.shutdown_announce_in_ms=0");
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN_CLASS);

    Path out = dataDir.resolve("cassandra.out");
    Process process =
        new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Files.writeString(pidFile(dataDir), Long.toString(process.pid()));
    return new EmbeddedCassandra(settings, process);
  }

  /**
   * An AppCDS archive of the classes Cassandra loads, in its data directory: the first start writes
   * it when the node stops (-XX:ArchiveClassesAtExit, JDK 17's dynamic archive), later ones map it
   * (-XX:SharedArchiveFile) instead of loading and verifying those classes from the jars. Its name
   * holds a hash of the classpath and the JVM, so a new Cassandra or JDK writes a new one; a JVM
   * that cannot use an archive runs without it.
   */
  static List<String> classDataSharing(Path dataDir, String classpath) throws IOException {
    Path dir = dataDir.resolve("cds");
    Files.createDirectories(dir);
    String key =
        Integer.toHexString(
            (classpath + "|" + System.getProperty("java.home") + "|" + Runtime.version())
                .hashCode());
    Path archive = dir.resolve("cassandra-" + key + ".jsa");
    if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
    return List.of("-XX:ArchiveClassesAtExit=" + archive);
  }

  /** Completes with the exit code when the node's process ends, for whatever reason. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** The last lines of the node's console output and system.log, for error messages. */
  public String logTail() {
    return logTail(settings.dataDir());
  }

  public int nativePort() {
    return settings.nativePort();
  }

  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.host(), settings.nativePort());
  }

  public long pid() {
    return process.pid();
  }

  public CassandraSettings settings() {
    return settings;
  }

  /**
   * A new session to this node with {@link CassandraSchema#schemaDriverConfig()}; the caller closes
   * it.
   */
  public CqlSession openSession() {
    return connect(contactPoint(), CassandraSchema.schemaDriverConfig());
  }

  /** SIGTERM, up to 30 s for a clean shutdown (it flushes memtables), then SIGKILL. Idempotent. */
  @Override
  public void close() {
    stop(process.toHandle());
    Path pidFile = pidFile(settings.dataDir());
    try {
      // Only our own: a later start on this data dir may have replaced it after stopping us.
      if (Files.exists(pidFile)
          && parsePid(Files.readString(pidFile)).equals(Optional.of(process.pid()))) {
        Files.delete(pidFile);
      }
    } catch (IOException ignored) {
      // a stale pid file is checked against the live process before it is used
    }
  }

  private void awaitCql() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "Cassandra exited with code "
                + process.exitValue()
                + " during start-up. "
                + logTail(settings.dataDir()));
      }
      // A plain TCP connect first: creating a driver session per attempt is far more expensive.
      if (CassandraSessions.portOpen(contactPoint())) {
        try (CqlSession session = connect(contactPoint(), probeConfig())) {
          return;
        } catch (RuntimeException notReadyYet) {
          // the port opens a moment before the node answers queries
        }
      }
      Thread.sleep(200);
    }
    throw new IOException(
        "Cassandra did not accept CQL connections on "
            + contactPoint()
            + " within "
            + settings.startTimeout()
            + ". "
            + logTail(settings.dataDir()));
  }

  static CqlSession connect(InetSocketAddress contactPoint, DriverConfigLoader config) {
    return CqlSession.builder()
        .addContactPoint(contactPoint)
        .withLocalDatacenter(LOCAL_DATACENTER)
        .withConfigLoader(config)
        .build();
  }

  /**
   * The readiness probe only needs a connection: no schema or token metadata to load. Built from
   * the driver's defaults alone: application.conf may name other contact points or retry forever on
   * init.
   */
  private static DriverConfigLoader probeConfig() {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
    options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    return DriverConfigLoader.fromMap(options);
  }

  /**
   * Replaces the ${...} placeholders of the template and writes {@code <dataDir>/cassandra.yaml}.
   */
  static Path renderConfig(Path template, CassandraSettings settings) throws IOException {
    String yaml = Files.readString(template);
    for (Map.Entry<String, String> value :
        Map.of(
                "host", settings.host(),
                "native_port", Integer.toString(settings.nativePort()),
                "storage_port", Integer.toString(settings.storagePort()),
                "data_dir", settings.dataDir().toString())
            .entrySet()) {
      yaml = yaml.replace("${" + value.getKey() + "}", value.getValue());
    }
    int unfilled = yaml.indexOf("${");
    if (unfilled >= 0) {
      throw new IllegalStateException(
          "unknown placeholder in "
              + template
              + ": "
              + yaml.substring(unfilled, Math.min(yaml.length(), unfilled + 40))
                  .lines()
                  .findFirst()
                  .orElse(""));
    }
    Path rendered = settings.dataDir().resolve("cassandra.yaml");
    Files.writeString(rendered, yaml);
    return rendered;
  }

  /**
   * Stops the node running on this data directory, found through its pid file: for a shutdown that
   * arrives while {@link #start} is still waiting for the node, before there is an instance to
   * {@link #close}. Does nothing when no node runs there.
   */
  public static void stopRunning(Path dataDir) throws IOException {
    stopLeftover(dataDir.toAbsolutePath().normalize());
  }

  /** Stops a node that a previous, crashed run started on this data directory. */
  private static void stopLeftover(Path dataDir) throws IOException {
    Path pidFile = pidFile(dataDir);
    if (!Files.exists(pidFile)) {
      return;
    }
    String marker = DATA_DIR_MARKER + dataDir;
    Optional<ProcessHandle> leftover =
        parsePid(Files.readString(pidFile))
            .flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            // The pid may have been reused by an unrelated process since; the marker tells.
            .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false));
    leftover.ifPresent(EmbeddedCassandra::stop);
    Files.deleteIfExists(pidFile);
  }

  private static Optional<Long> parsePid(String text) {
    try {
      return Optional.of(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void stop(ProcessHandle process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      process.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "waiting for Cassandra (pid " + process.pid() + ") to exit", e);
    }
  }

  private static Path pidFile(Path dataDir) {
    return dataDir.resolve("cassandra.pid");
  }

  /** The last lines of system.log (or of the console output when logging never started). */
  static String logTail(Path dataDir) {
    StringBuilder tail = new StringBuilder();
    for (Path log : List.of(dataDir.resolve("cassandra.out"), dataDir.resolve("logs/system.log"))) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        tail.append("Last lines of ").append(log).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(line -> tail.append("  ").append(line).append('\n'));
      } catch (IOException e) {
        tail.append("(no ").append(log).append(")\n");
      }
    }
    return tail.toString();
  }

  /**
   * Cassandra 5.0 runs on Java 11 and 17 only; from 18 on its security manager cannot be installed.
   */
  private static void requireSupportedJava() {
    int feature = Runtime.version().feature();
    if (feature != 11 && feature != 17) {
      throw new IllegalStateException(
          "Cassandra 5.0 needs Java 11 or 17, but this JVM ("
              + System.getProperty("java.home")
              + ") is Java "
              + feature);
    }
  }

  /** The classpath of the Cassandra JVM, resolved by Maven once and cached under target/. */
  static final class CassandraClasspath {

    private CassandraClasspath() {}

    static String resolve(Path home) throws IOException, InterruptedException {
      Path cached = home.resolve("target/cassandra-classpath.txt");
      if (usable(cached)) {
        return Files.readString(cached).strip();
      }
      Files.createDirectories(cached.getParent());
      // Written aside and moved into place: two test JVMs may resolve at the same time.
      Path fresh =
          cached.resolveSibling("cassandra-classpath-" + ProcessHandle.current().pid() + ".txt");
      Path log = home.resolve("target/cassandra-classpath.log");
      Process maven =
          new ProcessBuilder(
                  home.resolve("mvnw").toString(),
                  "-q",
                  "-f",
                  "persistence/cassandra-server/pom.xml",
                  "dependency:build-classpath",
                  "-Dmdep.outputFile=" + fresh)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!maven.waitFor(10, TimeUnit.MINUTES)) {
        maven.destroyForcibly();
        throw new IOException("resolving Cassandra's classpath took over 10 minutes; see " + log);
      }
      if (maven.exitValue() != 0 || !usable(fresh)) {
        Files.deleteIfExists(fresh);
        throw new IOException(
            "resolving Cassandra's classpath failed (exit "
                + maven.exitValue()
                + "):\n"
                + Files.readString(log));
      }
      Files.move(
          fresh, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Files.readString(cached).strip();
    }

    /** Present, and every jar still in the local repository (someone may have cleaned ~/.m2). */
    private static boolean usable(Path classpathFile) throws IOException {
      if (!Files.isRegularFile(classpathFile)) {
        return false;
      }
      String classpath = Files.readString(classpathFile).strip();
      return !classpath.isEmpty()
          && classpath.contains("cassandra-all")
          && Arrays.stream(classpath.split(File.pathSeparator))
              .allMatch(jar -> Files.isRegularFile(Path.of(jar)));
    }
  }
}
