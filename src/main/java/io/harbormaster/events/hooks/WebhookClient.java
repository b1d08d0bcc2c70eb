package io.harbormaster.events.hooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One POST of one event to a rule's target. The body is the EventBridge event's JSON; the header
 * {@code X-Harbormaster-Signature: sha256=<hex HMAC-SHA256 of the body with the rule's secret>}
 * proves who sent it, {@code X-Harbormaster-Event-Id} repeats the event id (a redelivery carries
 * the same one). Any 2xx is success.
 */
public final class WebhookClient {
  public static final String SIGNATURE_HEADER = "X-Harbormaster-Signature";
  public static final String EVENT_ID_HEADER = "X-Harbormaster-Event-Id";
  public static final String RULE_HEADER = "X-Harbormaster-Rule";

  private final HttpClient http;
  private final Duration timeout;

  public WebhookClient(Duration timeout) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timeout = timeout;
  }

  /** Completes with null on success, else with why it failed (never exceptionally). */
  public CompletionStage<String> post(HookRule rule, String eventId, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(rule.targetUrl()))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header(SIGNATURE_HEADER, signature(rule.secret(), bytes))
              .header(EVENT_ID_HEADER, eventId)
              .header(RULE_HEADER, rule.name())
              .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
              .build();
    } catch (IllegalArgumentException e) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          "bad target URL: " + e.getMessage());
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, failure) -> {
              if (failure != null)
                return failure.getClass().getSimpleName() + ": " + failure.getMessage();
              int status = response.statusCode();
              return status >= 200 && status < 300 ? null : "HTTP " + status;
            });
  }

  /**
   * {@code sha256=} and the lower-case hex HMAC-SHA256 of the body bytes, keyed with the secret's
   * UTF-8 bytes.
   */
  public static String signature(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
