package io.harbormaster.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Docker engine for the agent: DOCKER_HOST, else the default socket, else (as root) a
 * private engine that scripts/ensure-docker.sh installs and starts under a state folder. Empty when
 * none can be had.
 */
public final class DockerHosts {
  private DockerHosts() {}

  /**
   * @param privateStateDir the state folder of the private engine found or started there, whose
   *     owner (the process that asked for that folder, e.g. `up` for its data dir) stops it again,
   *     whichever start created it; null for an engine of the machine's (DOCKER_HOST, the default
   *     socket)
   */
  public record Found(String dockerHost, Path privateStateDir) {}

  public static Optional<Found> find(Path projectHome, Path privateStateDir) {
    String env = System.getenv("DOCKER_HOST");
    if (env != null && !env.isBlank()) return Optional.of(new Found(env, null));
    if (Files.exists(Path.of("/var/run/docker.sock"))) {
      return Optional.of(new Found("unix:///var/run/docker.sock", null));
    }
    // The private engine of this state folder, started now or by an earlier owner that died (kill
    // -9) without
    // stopping it: either way it is the caller's now.
    Optional<String> host =
        run(projectHome.resolve("scripts/ensure-docker.sh"), privateStateDir.toString());
    return host.map(h -> new Found(h, privateStateDir));
  }

  /**
   * Stops the private engine of the caller's state folder (its containers stop with it); nothing
   * for another.
   */
  public static void stop(Path projectHome, Found found) {
    if (found.privateStateDir() != null) {
      run(projectHome.resolve("scripts/stop-docker.sh"), found.privateStateDir().toString());
    }
  }

  private static Optional<String> run(Path script, String argument) {
    if (!Files.isExecutable(script)) return Optional.empty();
    try {
      Process p =
          new ProcessBuilder(script.toString(), argument)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty())
        return Optional.empty();
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
