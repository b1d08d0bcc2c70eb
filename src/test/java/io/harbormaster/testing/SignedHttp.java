package io.harbormaster.testing;

import static io.harbormaster.testing.Json.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.auth.SigV4Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests the SDK cannot send (malformed bodies, wrong types, unknown targets, old signatures,
 * Harbormaster's admin actions), over java.net.http and signed with the project's own {@link
 * SigV4Signer}, as the CLI signs.
 */
public final class SignedHttp {
  public static final String ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
  public static final String ADMIN_TARGET_PREFIX = "HarbormasterAdmin.";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private SignedHttp() {}

  /** The answer: status, body as text, and the body as JSON (a missing node if it is not JSON). */
  public record Response(
      int status, String body, JsonNode json, Map<String, java.util.List<String>> headers) {
    public String errorType() {
      return json.path("__type").asText(null);
    }

    public String message() {
      return json.path("message").asText(null);
    }
  }

  /** An ECS or admin call with the given credentials, signed at {@code signedAt}. */
  public static Response post(
      ServerProcess server,
      String target,
      byte[] body,
      String accessKeyId,
      String secret,
      Instant signedAt) {
    URI uri = URI.create(server.endpoint() + "/");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.1");
    headers.put("X-Amz-Target", target);
    Map<String, String> signed =
        SigV4Signer.sign(
            uri.getHost() + ":" + uri.getPort(),
            headers,
            body,
            accessKeyId,
            secret,
            "us-east-1",
            "ecs",
            signedAt);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(request::header);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(
          response.statusCode(), response.body(), parse(response.body()), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An ECS or admin call signed now with the given credentials. */
  public static Response post(
      ServerProcess server, String target, String body, ServerProcess.Credentials as) {
    return post(
        server,
        target,
        body.getBytes(StandardCharsets.UTF_8),
        as.accessKeyId(),
        as.secretAccessKey(),
        Instant.now());
  }

  /** An ECS or admin call signed now with the default (administrator) account's key. */
  public static Response post(ServerProcess server, String target, String body) {
    return post(server, target, body, server.credentials());
  }

  /**
   * {@code HarbormasterAdmin.CreateAccount} as the default account: a fresh tenant and its first
   * key.
   */
  public static ServerProcess.Credentials createAccount(ServerProcess server, String name) {
    Response response =
        post(
            server,
            ADMIN_TARGET_PREFIX + "CreateAccount",
            JSON.createObjectNode().put("name", name).toString());
    if (response.status() != 200) {
      throw new IllegalStateException(
          "CreateAccount " + name + " failed: " + response.status() + " " + response.body());
    }
    return new ServerProcess.Credentials(
        response.json().path("accountId").asText(),
        response.json().path("accessKeyId").asText(),
        response.json().path("secretAccessKey").asText());
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.missingNode() : node;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }
}
