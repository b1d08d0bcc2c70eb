package io.harbormaster.testing;

import static io.harbormaster.testing.Json.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real AWS CLI ({@code aws}) run as a child process against a Harbormaster endpoint.
 *
 * <p>Every run gets a clean environment: all inherited {@code AWS_*} variables are dropped, the
 * credentials and region are set explicitly, and {@code AWS_CONFIG_FILE} / {@code
 * AWS_SHARED_CREDENTIALS_FILE} point at empty files, so nothing from the user's {@code ~/.aws}
 * (profiles, SSO, a default endpoint) can leak in. Every command gets {@code --endpoint-url} and
 * {@code --output json}.
 *
 * <p>Which CLI: {@code aws} on PATH may be a pip-installed CLI v1 ahead of Debian's CLI v2 ({@code
 * apt-get install awscli}); {@link #v2()} and {@link #v1()} find each by the version it reports.
 */
public final class AwsCli {
  private static final Pattern VERSION = Pattern.compile("aws-cli/(\\d+)\\.(\\S+)");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

  /** Where pyenv keeps a pip-installed CLI when its shims are not on the test JVM's PATH. */
  private static final List<Path> EXTRA_V1_CANDIDATES =
      List.of(
          Path.of(System.getProperty("user.home"), ".pyenv", "shims", "aws"),
          Path.of(System.getProperty("user.home"), ".local", "bin", "aws"));

  private static Optional<AwsCli> v1;
  private static Optional<AwsCli> v2;
  private static Path emptyConfig;
  private static Path emptyCredentials;

  private final Path binary;
  private final String version;
  private final String endpoint;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String region;
  private final Duration timeout;

  /**
   * One run: the exit code, stdout parsed as JSON (null when stdout is blank), and both streams as
   * text.
   */
  public record Result(
      List<String> command, int exitCode, JsonNode json, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /**
     * Fails with the command and both streams unless the CLI exited 0; returns the JSON for
     * chaining.
     */
    public JsonNode orFail() {
      if (exitCode != 0) throw new AssertionError("expected success, got " + this);
      return json;
    }

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

  private AwsCli(
      Path binary,
      String version,
      String endpoint,
      String accessKeyId,
      String secretAccessKey,
      String region,
      Duration timeout) {
    this.binary = binary;
    this.version = version;
    this.endpoint = endpoint;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.region = region;
    this.timeout = timeout;
  }

  /**
   * The AWS CLI v2: Debian's {@code /usr/bin/aws} when {@code dpkg -L awscli} lists it, else any
   * {@code aws} on PATH that reports {@code aws-cli/2}.
   */
  public static synchronized Optional<AwsCli> v2() {
    if (v2 == null) {
      List<Path> candidates = new ArrayList<>(debianCli().stream().toList());
      candidates.addAll(onPath());
      v2 = find(candidates, 2);
    }
    return v2;
  }

  /** An AWS CLI v1 (pip-installed, often a pyenv shim first on PATH), if this machine has one. */
  public static synchronized Optional<AwsCli> v1() {
    if (v1 == null) {
      List<Path> candidates = new ArrayList<>(onPath());
      candidates.addAll(EXTRA_V1_CANDIDATES);
      v1 = find(candidates, 1);
    }
    return v1;
  }

  /** A CLI at a known path; its version is what it reports. */
  public static AwsCli at(Path binary) {
    return new AwsCli(
        binary,
        reportedVersion(binary)
            .orElseThrow(
                () -> new IllegalArgumentException(binary + " does not report an aws-cli version")),
        null,
        null,
        null,
        "us-east-1",
        DEFAULT_TIMEOUT);
  }

  public AwsCli endpoint(String url) {
    return new AwsCli(binary, version, url, accessKeyId, secretAccessKey, region, timeout);
  }

  public AwsCli credentials(String keyId, String secret) {
    return new AwsCli(binary, version, endpoint, keyId, secret, region, timeout);
  }

  /** The endpoint and the default account's key of a running node. */
  public AwsCli against(ServerProcess server) {
    ServerProcess.Credentials c = server.credentials();
    return endpoint(server.endpoint()).credentials(c.accessKeyId(), c.secretAccessKey());
  }

  public AwsCli timeout(Duration limit) {
    return new AwsCli(binary, version, endpoint, accessKeyId, secretAccessKey, region, limit);
  }

  public Path binary() {
    return binary;
  }

  /** As reported, e.g. {@code 2.9.19}. */
  public String version() {
    return version;
  }

  public int majorVersion() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  @Override
  public String toString() {
    return "aws-cli/" + version + " (" + binary + ")";
  }

  /**
   * Runs {@code aws <args> --endpoint-url <endpoint> --output json}, e.g. {@code run("ecs",
   * "list-clusters")}.
   *
   * @throws AssertionError when the CLI outlives the timeout (it is killed) or prints non-JSON on
   *     stdout
   */
  public Result run(String... args) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(accessKeyId, "credentials");
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
    Map<String, String> env = isolatedEnvironment();
    env.put("AWS_ACCESS_KEY_ID", accessKeyId);
    env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    env.put("AWS_DEFAULT_REGION", region);
    Result raw = exec(command, env, timeout);
    String out = raw.stdout().strip();
    JsonNode json = null;
    if (!out.isEmpty()) {
      try {
        json = JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON: " + raw, e);
      }
    }
    return new Result(raw.command(), raw.exitCode(), json, raw.stdout(), raw.stderr());
  }

  /**
   * Runs {@code aws <args> --endpoint-url <endpoint>} for a command that prints text, such as
   * {@code logs tail}; {@link Result#json()} is null.
   */
  public Result runText(String... args) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(accessKeyId, "credentials");
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", endpoint));
    Map<String, String> env = isolatedEnvironment();
    env.put("AWS_ACCESS_KEY_ID", accessKeyId);
    env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    env.put("AWS_DEFAULT_REGION", region);
    return exec(command, env, timeout);
  }

  // ---- discovery ----

  private static Optional<AwsCli> find(List<Path> candidates, int major) {
    Set<Path> seen = new LinkedHashSet<>();
    for (Path candidate : candidates) {
      if (!Files.isExecutable(candidate) || !seen.add(candidate)) continue;
      Optional<String> reported = reportedVersion(candidate);
      if (reported.isPresent() && reported.get().startsWith(major + ".")) {
        return Optional.of(
            new AwsCli(candidate, reported.get(), null, null, null, "us-east-1", DEFAULT_TIMEOUT));
      }
    }
    return Optional.empty();
  }

  /** {@code /usr/bin/aws} if the Debian package {@code awscli} installed it. */
  private static Optional<Path> debianCli() {
    try {
      Result listing =
          exec(List.of("dpkg", "-L", "awscli"), isolatedEnvironment(), VERSION_TIMEOUT);
      if (listing.exitCode() != 0) return Optional.empty();
      return listing
          .stdout()
          .lines()
          .map(String::strip)
          .filter(line -> line.equals("/usr/bin/aws"))
          .map(Path::of)
          .findFirst();
    } catch (RuntimeException | AssertionError e) {
      return Optional.empty(); // no dpkg: not a Debian machine
    }
  }

  private static List<Path> onPath() {
    List<Path> found = new ArrayList<>();
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) found.add(Path.of(dir, "aws"));
    }
    return found;
  }

  /**
   * v2 prints its version on stdout, older v1 releases on stderr; a pyenv shim without the CLI
   * prints neither.
   */
  private static Optional<String> reportedVersion(Path binary) {
    try {
      Result result =
          exec(List.of(binary.toString(), "--version"), isolatedEnvironment(), VERSION_TIMEOUT);
      if (result.exitCode() != 0) return Optional.empty();
      Matcher m = VERSION.matcher(result.stdout() + "\n" + result.stderr());
      return m.find() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
    } catch (RuntimeException | AssertionError e) {
      return Optional.empty();
    }
  }

  // ---- processes ----

  /**
   * The inherited environment without any AWS_* variable, with {@code AWS_CONFIG_FILE} and {@code
   * AWS_SHARED_CREDENTIALS_FILE} pointing at empty files, no pager and no instance metadata
   * lookups: what any AWS client (CLI or SDK) should run with in a test. The caller adds
   * credentials and region.
   */
  public static Map<String, String> isolatedEnvironment() {
    Map<String, String> env = ChildProcess.environmentWithoutAws();
    env.put("AWS_CONFIG_FILE", emptyFile("config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", emptyFile("credentials").toString());
    env.put("AWS_PAGER", "");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  private static synchronized Path emptyFile(String kind) {
    try {
      if (emptyConfig == null) {
        Path dir = Files.createTempDirectory("harbormaster-aws");
        emptyConfig = Files.createFile(dir.resolve("config"));
        emptyCredentials = Files.createFile(dir.resolve("credentials"));
        // deleteOnExit runs in reverse order: the files first, then their directory
        dir.toFile().deleteOnExit();
        emptyConfig.toFile().deleteOnExit();
        emptyCredentials.toFile().deleteOnExit();
      }
      return kind.equals("config") ? emptyConfig : emptyCredentials;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result exec(List<String> command, Map<String, String> env, Duration timeout) {
    ChildProcess.Output out = ChildProcess.run(command, env, null, timeout);
    return new Result(out.command(), out.exitCode(), null, out.stdout(), out.stderr());
  }
}
