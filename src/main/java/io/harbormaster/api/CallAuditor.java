package io.harbormaster.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.audit.AuditEvent;
import io.harbormaster.audit.AuditTrail;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Writes each authenticated call to the audit trail before its answer leaves: a call answered with
 * success is in the trail, even if the node dies right after answering. The endpoints fail a call
 * whose record cannot be written rather than answer it unrecorded.
 */
public final class CallAuditor {
  private final AuditTrail trail;
  private final String region;

  public CallAuditor(AuditTrail trail, String region) {
    this.trail = trail;
    this.region = region;
  }

  /**
   * One authenticated call.
   *
   * @param eventSource the service's CloudTrail source, e.g. {@code ecs.amazonaws.com}
   */
  public record Call(
      HttpRequest request,
      RequestAuthenticator.Caller caller,
      String eventSource,
      String eventName,
      String requestId,
      Instant receivedAt,
      JsonNode input) {}

  public CompletionStage<Done> succeeded(Call call, JsonNode output) {
    boolean readOnly = AuditEvent.isReadOnly(call.eventName());
    JsonNode response = readOnly ? null : AuditEvent.withoutSecrets(output);
    return trail.record(event(call, response, null, null, readOnly, output));
  }

  public CompletionStage<Done> failed(Call call, String errorCode, String errorMessage) {
    return trail.record(
        event(call, null, errorCode, errorMessage, AuditEvent.isReadOnly(call.eventName()), null));
  }

  private AuditEvent event(
      Call call,
      JsonNode responseElements,
      String errorCode,
      String errorMessage,
      boolean readOnly,
      JsonNode output) {
    JsonNode request = AuditEvent.withoutSecrets(call.input());
    return new AuditEvent(
        UUID.randomUUID().toString(),
        call.receivedAt(),
        call.eventSource(),
        call.eventName(),
        region,
        sourceIp(call.request()),
        call.request().getHeader("User-Agent").map(h -> h.value()).orElse(""),
        AuditEvent.Identity.root(call.caller().accountId(), call.caller().accessKeyId()),
        request,
        responseElements,
        errorCode,
        errorMessage,
        call.requestId(),
        readOnly,
        AuditEvent.resourcesNamed(request, readOnly ? null : AuditEvent.withoutSecrets(output)));
  }

  private static String sourceIp(HttpRequest request) {
    return request
        .getAttribute(AttributeKeys.remoteAddress)
        .flatMap(remote -> remote.getAddress())
        .map(address -> address.getHostAddress())
        .orElse("unknown");
  }
}
