package io.harbormaster.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container definition's {@code environmentFiles}, read where the agent runs. ECS reads them from
 * S3; here a file's {@code value} is a path on the agent's host, a {@code file:} URL or an {@code
 * http(s):} URL the agent can reach. The format is ECS's (Docker's env-file): {@code NAME=value}
 * lines, {@code #} comments and blank lines ignored.
 */
public final class EnvironmentFiles {

  /** ECS's limit per container. */
  static final int MAX_FILES = 10;

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final java.util.function.Supplier<HttpClient> httpFactory;
  private HttpClient http;

  public EnvironmentFiles(java.util.function.Supplier<HttpClient> httpFactory) {
    this.httpFactory = httpFactory;
  }

  /** Its client (and the client's thread) is made when a file is first fetched over HTTP. */
  public static EnvironmentFiles withDefaultClient() {
    return new EnvironmentFiles(
        () ->
            HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = httpFactory.get();
    }
    return http;
  }

  /**
   * The variables of every file in order ({@code NAME=value}); the caller gives the first one per
   * name precedence ({@link EcsContainerSpecs}).
   *
   * @throws IllegalArgumentException a file that cannot be read: the container would run without
   *     variables it was given
   */
  public List<String> read(JsonNode containerDefinition) {
    JsonNode files = containerDefinition.path("environmentFiles");
    if (!files.isArray() || files.isEmpty()) {
      return List.of();
    }
    if (files.size() > MAX_FILES) {
      throw new IllegalArgumentException(
          "at most " + MAX_FILES + " environmentFiles per container: " + files.size());
    }
    List<String> variables = new ArrayList<>();
    for (JsonNode file : files) {
      variables.addAll(parse(fetch(file.path("value").asText(""))));
    }
    return variables;
  }

  static List<String> parse(String content) {
    List<String> variables = new ArrayList<>();
    for (String line : content.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.indexOf('=') < 1) {
        continue;
      }
      variables.add(trimmed);
    }
    return variables;
  }

  private String fetch(String location) {
    if (location.isBlank()) {
      throw new IllegalArgumentException("an environment file needs a value");
    }
    try {
      if (location.startsWith("http://") || location.startsWith("https://")) {
        HttpResponse<String> response =
            http()
                .send(
                    HttpRequest.newBuilder(URI.create(location)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
          throw new IllegalArgumentException(
              "environment file " + location + ": HTTP " + response.statusCode());
        }
        return response.body();
      }
      if (location.startsWith("file:")) {
        return Files.readString(Path.of(URI.create(location)), StandardCharsets.UTF_8);
      }
      if (location.startsWith("/")) {
        return Files.readString(Path.of(location), StandardCharsets.UTF_8);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "environment file " + location + " cannot be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("environment file " + location + ": interrupted", e);
    }
    throw new IllegalArgumentException(
        "environment file "
            + location
            + ": this agent reads a host path, a file: URL or an http(s): URL (not S3)");
  }
}
