package io.harbormaster.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived tool (a CLI, node, npm) to completion with an exact environment and a time
 * limit.
 */
public final class ChildProcess {
  private ChildProcess() {}

  /** How it ended; both streams as UTF-8 text (malformed bytes replaced, never an exception). */
  public record Output(List<String> command, int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit "
          + exitCode
          + " from "
          + String.join(" ", command)
          + "\nstdout: "
          + stdout
          + "\nstderr: "
          + stderr;
    }
  }

  /**
   * Runs {@code command} in {@code directory} (null: the test JVM's) with exactly {@code
   * environment}, stdin empty. Output goes to temp files, so a chatty process can never block on a
   * full pipe.
   *
   * @throws AssertionError when it outlives {@code timeout}: it and its descendants are killed
   *     first
   */
  public static Output run(
      List<String> command, Map<String, String> environment, Path directory, Duration timeout) {
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      out = Files.createTempFile("child", ".out");
      err = Files.createTempFile("child", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      if (directory != null) builder.directory(directory.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(
            "timed out after "
                + timeout
                + ": "
                + new Output(List.copyOf(command), -1, read(out), read(err)));
      }
      return new Output(List.copyOf(command), process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } finally {
      if (process != null && process.isAlive()) kill(process);
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * The inherited environment without any AWS_* variable: no profile, region, endpoint or key leaks
   * in.
   */
  public static Map<String, String> environmentWithoutAws() {
    Map<String, String> env = new ProcessBuilder().environment();
    env.keySet().removeIf(name -> name.toUpperCase(java.util.Locale.ROOT).startsWith("AWS_"));
    return env;
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
