package io.harbormaster.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Docker engine for the agent: DOCKER_HOST, else the default socket, else (as root) the private engine that
 * scripts/ensure-docker.sh installs and starts. Empty when none can be had.
 */
public final class DockerHosts {
  private DockerHosts() {}

  public static Optional<String> find(Path projectHome) {
    String env = System.getenv("DOCKER_HOST");
    if (env != null && !env.isBlank()) return Optional.of(env);
    if (Files.exists(Path.of("/var/run/docker.sock"))) return Optional.of("unix:///var/run/docker.sock");
    Path script = projectHome.resolve("scripts/ensure-docker.sh");
    if (!Files.isExecutable(script)) return Optional.empty();
    try {
      Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
