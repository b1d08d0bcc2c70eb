package io.harbormaster.api.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.aws.AwsCall;
import io.harbormaster.api.aws.AwsService;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.api.aws.Timestamps;
import io.harbormaster.audit.AuditLookup;
import io.harbormaster.audit.AuditTrail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * CloudTrail's LookupEvents ({@code aws cloudtrail lookup-events}, JSON 1.1) over the audit trail:
 * the calling account's events, newest first, by one lookup attribute and a time range.
 */
public final class CloudTrailHandlers {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** CloudTrail looks back 90 days when no StartTime is given. */
  static final Duration DEFAULT_LOOKBACK = Duration.ofDays(90);

  private static final int DEFAULT_MAX_RESULTS = 50;

  private final AuditTrail trail;
  private final Clock clock;

  public CloudTrailHandlers(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  public AwsService service() {
    return AwsService.of(
            "cloudtrail", "/aws/cloudtrail-service-2.json", "InvalidParameterException")
        .register("LookupEvents", this::lookupEvents);
  }

  /** The decoded LookupEvents request. */
  record LookupEventsRequest(
      AuditLookup lookup,
      Instant start,
      Instant end,
      int maxResults,
      String nextToken,
      boolean insightsOnly) {
    static LookupEventsRequest of(JsonNode in, Instant now) {
      JsonNode attributes = in.path("LookupAttributes");
      if (attributes.size() > 1) {
        throw refused(
            "InvalidLookupAttributesException",
            "You cannot specify more than one lookup attribute.");
      }
      AuditLookup lookup = AuditLookup.ALL;
      if (attributes.size() == 1) {
        String key = attributes.get(0).path("AttributeKey").asText();
        String value = attributes.get(0).path("AttributeValue").asText();
        AuditLookup.Attribute attribute =
            AuditLookup.Attribute.ofWireName(key)
                .orElseThrow(
                    () ->
                        refused(
                            "InvalidLookupAttributesException",
                            "Invalid lookup attribute key " + key + "."));
        lookup = new AuditLookup(attribute, value);
      }
      boolean insightsOnly = in.hasNonNull("EventCategory");
      if (insightsOnly && !in.get("EventCategory").asText().equals("insight")) {
        throw refused("InvalidEventCategoryException", "Invalid event category.");
      }
      Instant end = in.hasNonNull("EndTime") ? Timestamps.instant(in.get("EndTime")) : now;
      Instant start =
          in.hasNonNull("StartTime")
              ? Timestamps.instant(in.get("StartTime"))
              : end.minus(DEFAULT_LOOKBACK);
      if (start.isAfter(end)) {
        throw refused(
            "InvalidTimeRangeException", "Start time must be before or equal to end time.");
      }
      int max = in.hasNonNull("MaxResults") ? in.get("MaxResults").asInt() : DEFAULT_MAX_RESULTS;
      return new LookupEventsRequest(
          lookup,
          start,
          end,
          max,
          in.hasNonNull("NextToken") ? in.get("NextToken").asText() : null,
          insightsOnly);
    }
  }

  private CompletionStage<JsonNode> lookupEvents(AwsCall call, JsonNode in) {
    LookupEventsRequest request = LookupEventsRequest.of(in, clock.instant());
    if (request.insightsOnly()) {
      // The trail records API calls only; Insights events (unusual activity) are not produced here.
      return java.util.concurrent.CompletableFuture.completedFuture(
          encode(new AuditTrail.Page(java.util.List.of(), java.util.Optional.empty())));
    }
    CompletionStage<AuditTrail.Page> page;
    try {
      page =
          trail.lookup(
              call.accountId(),
              request.start(),
              request.end(),
              request.lookup(),
              request.maxResults(),
              request.nextToken());
    } catch (AuditTrail.InvalidToken e) {
      throw refused("InvalidNextTokenException", "Invalid NextToken.");
    }
    return page.<JsonNode>thenApply(CloudTrailHandlers::encode)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof AuditTrail.InvalidToken) {
                throw refused("InvalidNextTokenException", "Invalid NextToken.");
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            });
  }

  static ObjectNode encode(AuditTrail.Page page) {
    ObjectNode out = NODES.objectNode();
    ArrayNode events = out.putArray("Events");
    for (AuditTrail.Stored e : page.events()) {
      ObjectNode event = events.addObject();
      event.put("EventId", e.eventId());
      event.put("EventName", e.eventName());
      event.put("ReadOnly", Boolean.toString(e.readOnly()));
      event.put("AccessKeyId", e.accessKeyId());
      event.set("EventTime", Timestamps.epochSeconds(e.eventTime()));
      event.put("EventSource", e.eventSource());
      event.put("Username", e.username());
      ArrayNode resources = event.putArray("Resources");
      e.resources()
          .forEach(
              r ->
                  resources
                      .addObject()
                      .put("ResourceType", r.type())
                      .put("ResourceName", r.name()));
      event.put("CloudTrailEvent", e.record().toString());
    }
    page.nextToken().ifPresent(token -> out.put("NextToken", token));
    return out;
  }

  private static AwsServiceException refused(String code, String message) {
    return AwsServiceException.badRequest(code, message);
  }
}
