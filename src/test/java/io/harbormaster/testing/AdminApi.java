package io.harbormaster.testing;

import static io.harbormaster.testing.Json.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.auth.SigV4Signer;
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
 * HarbormasterAdmin actions over HTTP, signed like {@code harbormaster admin} signs them: tests
 * give themselves a fresh account so that List* answers hold exactly what the test created (the
 * test Cassandra outlives runs).
 */
public final class AdminApi {

  private AdminApi() {}

  /**
   * A new account and its first key, created with an administrator's key (the default account's).
   */
  public static ServerProcess.Credentials createAccount(
      String endpoint, ServerProcess.Credentials admin, String name) throws Exception {
    JsonNode out =
        call(endpoint, admin, "CreateAccount", JSON.createObjectNode().put("name", name));
    return new ServerProcess.Credentials(
        out.get("accountId").asText(),
        out.get("accessKeyId").asText(),
        out.get("secretAccessKey").asText());
  }

  static JsonNode call(
      String endpoint, ServerProcess.Credentials admin, String action, JsonNode input)
      throws Exception {
    URI uri = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
    byte[] body = JSON.writeValueAsBytes(input);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.1");
    headers.put("X-Amz-Target", "HarbormasterAdmin." + action);
    Map<String, String> signed =
        SigV4Signer.sign(
            uri.getHost() + ":" + uri.getPort(),
            headers,
            body,
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "us-east-1",
            "ecs",
            Instant.now());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("Host")) request.header(k, v);
        });
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "HarbormasterAdmin."
              + action
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return JSON.readTree(response.body());
  }
}
