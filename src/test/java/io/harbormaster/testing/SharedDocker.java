package io.harbormaster.testing;

import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Docker engine for all integration tests of a test JVM, found or started on first use by
 * {@code scripts/ensure-docker.sh --test-image} (DOCKER_HOST, then /var/run/docker.sock, else a
 * private engine under {@code target/it-docker} with no bridge and no iptables), with the test
 * image {@value #TEST_IMAGE} built in it.
 *
 * <p>At JVM exit, containers carrying {@link #TEST_LABEL} are removed, and a private engine that
 * this JVM started is stopped by its pid ({@code scripts/stop-docker.sh}); an engine that was
 * already running is left running.
 *
 * <p>Containers in tests use {@code host} or {@code none} networking only; bridge mode is checked
 * on created-but-never-started containers.
 */
public final class SharedDocker implements BeforeAllCallback {

  /**
   * Debian's busybox-static: sh, sleep, echo, cat, httpd, wget, nc, ... (see
   * scripts/ensure-docker.sh).
   */
  public static final String TEST_IMAGE = "harbormaster/busybox:test";

  /**
   * Put this label on every container a test creates: whatever a test leaves behind is removed at
   * exit.
   */
  public static final String TEST_LABEL = "io.harbormaster.test";

  private static final long SCRIPT_TIMEOUT_MINUTES = 10;

  private static String dockerHost;
  private static DockerRuntime runtime;
  private static RuntimeException startFailure;

  public static synchronized String dockerHost() {
    if (dockerHost != null) {
      return dockerHost;
    }
    if (startFailure != null) {
      throw startFailure;
    }
    try {
      dockerHost = ensureEngine();
      return dockerHost;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      startFailure =
          new IllegalStateException("no Docker engine for the tests (scripts/ensure-docker.sh)", e);
      throw startFailure;
    }
  }

  /** A runtime on the shared engine, closed at JVM exit. */
  public static synchronized DockerRuntime runtime() {
    if (runtime == null) {
      runtime = DockerRuntime.connect(dockerHost());
    }
    return runtime;
  }

  /** The label map marking a test's container (add the test's own labels to it). */
  public static Map<String, String> testLabels() {
    return Map.of(TEST_LABEL, "true");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    runtime();
  }

  private static String ensureEngine() throws IOException, InterruptedException {
    Path home = ProjectHome.path();
    Path stateDir = home.resolve("target/it-docker");
    Files.createDirectories(stateDir);
    boolean runningBefore = privateEngineRuns(stateDir);

    Process script =
        new ProcessBuilder(
                List.of(
                    home.resolve("scripts/ensure-docker.sh").toString(),
                    "--test-image",
                    stateDir.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    script.getOutputStream().close();
    String output;
    try (InputStream stdout = script.getInputStream()) {
      output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (!script.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      script.destroyForcibly();
      throw new IllegalStateException(
          "scripts/ensure-docker.sh did not finish in " + SCRIPT_TIMEOUT_MINUTES + " min");
    }
    if (script.exitValue() != 0 || output.isEmpty()) {
      throw new IllegalStateException(
          "scripts/ensure-docker.sh failed (exit " + script.exitValue() + ")");
    }
    String host = output.lines().reduce((first, second) -> second).orElseThrow();

    boolean startedHere =
        !runningBefore
            && privateEngineRuns(stateDir)
            && host.equals("unix://" + stateDir.toRealPath().resolve("docker.sock"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutDown(home, stateDir, startedHere), "shared-docker-stop"));
    return host;
  }

  private static void shutDown(Path home, Path stateDir, boolean stopEngine) {
    DockerRuntime current;
    synchronized (SharedDocker.class) {
      current = runtime;
      runtime = null;
    }
    try (DockerRuntime cleaner = current != null ? current : DockerRuntime.connect(dockerHost)) {
      cleaner.listByLabel(TEST_LABEL, "true").forEach(container -> cleaner.remove(container.id()));
      // the agents' containers (awsvpc pause containers carry no test label), then the agents'
      // task network, so that its bridge device leaves the host with it
      cleaner
          .listByLabel(ContainerLabels.MANAGED, "true")
          .forEach(container -> cleaner.remove(container.id()));
      cleaner.removeTaskNetwork();
    } catch (RuntimeException e) {
      System.err.println("shared-docker: could not remove the tests' containers: " + e);
    }
    if (!stopEngine) {
      return;
    }
    try {
      Process stop =
          new ProcessBuilder(home.resolve("scripts/stop-docker.sh").toString(), stateDir.toString())
              .inheritIO()
              .start();
      stop.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println("shared-docker: could not stop the private engine: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The private engine's pid file names a live process. */
  private static boolean privateEngineRuns(Path stateDir) {
    Path pidFile = stateDir.resolve("docker.pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return false;
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return Await.alive(pid);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }
}
