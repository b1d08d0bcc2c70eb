package io.harbormaster.events.stream;

import io.harbormaster.auth.SigV4Signer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A client of {@code GET /events/v1/stream}: signs the request with SigV4, reads server-sent
 * events, and (in {@link #follow}) reconnects with Last-Event-ID after a disconnect, so the caller
 * sees every event exactly once.
 */
public final class EventStreamClient {
  private final URI endpoint;
  private final String accessKeyId;
  private final String secret;
  private final String region;
  private final HttpClient http = HttpClient.newHttpClient();

  public record Received(String id, String type, String data) {}

  public EventStreamClient(URI endpoint, String accessKeyId, String secret, String region) {
    this.endpoint = endpoint;
    this.accessKeyId = accessKeyId;
    this.secret = secret;
    this.region = region;
  }

  /**
   * Reads one connection until it ends or {@code consumer} throws; returns the last id received (or
   * lastEventId).
   */
  public String readOnce(
      String pattern, String since, String lastEventId, Consumer<Received> consumer)
      throws IOException, InterruptedException {
    Map<String, String> params = new TreeMap<>();
    if (pattern != null) params.put("pattern", pattern);
    if (since != null) params.put("since", since);
    StringBuilder query = new StringBuilder();
    params.forEach(
        (k, v) -> {
          if (query.length() > 0) query.append('&');
          query.append(encode(k)).append('=').append(encode(v));
        });
    String path = "/events/v1/stream";
    Map<String, String> headers = new LinkedHashMap<>();
    if (lastEventId != null) headers.put("Last-Event-ID", lastEventId);
    String host = endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
    Map<String, String> signed =
        SigV4Signer.sign(
            "GET",
            path,
            query.toString(),
            host,
            headers,
            new byte[0],
            accessKeyId,
            secret,
            region,
            "ecs",
            Instant.now());
    URI uri = endpoint.resolve(path + (query.length() > 0 ? "?" + query : ""));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
    signed.forEach(request::header);
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new IOException("HTTP " + response.statusCode() + ": " + body);
    }
    String last = lastEventId;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String type = null;
      StringBuilder data = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            consumer.accept(new Received(id, type, data.toString()));
            if (id != null) last = id;
          }
          id = null;
          type = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) data.append('\n');
          data.append(line.substring(5).stripLeading());
        }
      }
    }
    return last;
  }

  /** Reads for ever, reconnecting (after a pause) with the last id received. */
  public void follow(String pattern, String since, Consumer<Received> consumer)
      throws InterruptedException {
    String last = null;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        last = readOnce(pattern, last == null ? since : null, last, consumer);
      } catch (IOException e) {
        System.err.println("event stream: " + e.getMessage() + "; reconnecting");
        if (e.getMessage() != null && e.getMessage().startsWith("HTTP 4"))
          throw new IllegalStateException(e);
      }
      Thread.sleep(1000);
    }
  }

  /** RFC 3986 encoding, as SigV4's canonical query wants it. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}
