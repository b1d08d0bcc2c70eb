package io.harbormaster.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Docker engine for the agent: DOCKER_HOST, else the default socket, else (as root) a private engine that
 * scripts/ensure-docker.sh installs and starts under a state folder. Empty when none can be had.
 */
public final class DockerHosts {
  private DockerHosts() {}

  /** @param startedHere true when this call started the private engine: its owner stops it again */
  public record Found(String dockerHost, boolean startedHere, Path stateDir) {}

  public static Optional<Found> find(Path projectHome, Path privateStateDir) {
    String env = System.getenv("DOCKER_HOST");
    if (env != null && !env.isBlank()) return Optional.of(new Found(env, false, null));
    if (Files.exists(Path.of("/var/run/docker.sock"))) {
      return Optional.of(new Found("unix:///var/run/docker.sock", false, null));
    }
    boolean runningBefore = alive(privateStateDir.resolve("docker.pid"));
    Optional<String> host = run(projectHome.resolve("scripts/ensure-docker.sh"), privateStateDir.toString());
    return host.map(h -> new Found(h, !runningBefore, privateStateDir));
  }

  /** Stops a private engine this process started (its containers stop with it). */
  public static void stop(Path projectHome, Found found) {
    if (found.startedHere()) run(projectHome.resolve("scripts/stop-docker.sh"), found.stateDir().toString());
  }

  private static boolean alive(Path pidFile) {
    try {
      if (!Files.exists(pidFile)) return false;
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static Optional<String> run(Path script, String argument) {
    if (!Files.isExecutable(script)) return Optional.empty();
    try {
      Process p = new ProcessBuilder(script.toString(), argument).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) return Optional.empty();
      String[] lines = out.split("\n");
      return Optional.of(lines[lines.length - 1].strip());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
