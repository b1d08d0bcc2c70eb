package io.harbormaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.auth.SigV4Signer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed JSON action (X-Amz-Target) to the server, with the credentials of the env file or AWS_*
 * variables.
 */
final class SignedCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Credentials(URI endpoint, String accessKeyId, String secret, String region) {}

  private SignedCalls() {}

  static Credentials credentials(Path envFile, String endpoint) throws Exception {
    Map<String, String> env = EnvFile.credentials(envFile);
    String url = endpoint != null ? endpoint : env.get("HARBORMASTER_ENDPOINT");
    if (url == null
        || env.get("AWS_ACCESS_KEY_ID") == null
        || env.get("AWS_SECRET_ACCESS_KEY") == null) {
      System.err.println(
          "No credentials: run `harbormaster up` first, or set AWS_ACCESS_KEY_ID, "
              + "AWS_SECRET_ACCESS_KEY and HARBORMASTER_ENDPOINT.");
      return null;
    }
    return new Credentials(
        URI.create(url.endsWith("/") ? url : url + "/"),
        env.get("AWS_ACCESS_KEY_ID"),
        env.get("AWS_SECRET_ACCESS_KEY"),
        env.getOrDefault("AWS_DEFAULT_REGION", env.getOrDefault("AWS_REGION", "us-east-1")));
  }

  /**
   * Prints the pretty JSON answer; 0 on success, 1 on an error answer (printed to stderr), 2
   * without credentials.
   */
  static int callAndPrint(Path envFile, String endpoint, String target, JsonNode input)
      throws Exception {
    Credentials c = credentials(envFile, endpoint);
    if (c == null) return 2;
    byte[] body = JSON.writeValueAsBytes(input);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.1");
    headers.put("X-Amz-Target", target);
    URI uri = c.endpoint();
    Map<String, String> signed =
        SigV4Signer.sign(
            uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""),
            headers,
            body,
            c.accessKeyId(),
            c.secret(),
            c.region(),
            "ecs",
            Instant.now());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("Host")) request.header(k, v);
        });
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      System.err.println(response.body());
      return 1;
    }
    System.out.println(
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(response.body())));
    return 0;
  }
}
