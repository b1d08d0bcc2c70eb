package io.harbormaster.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.api.ecs.RequestContext;
import io.harbormaster.common.EcsException;
import io.harbormaster.events.EcsEvent;
import io.harbormaster.events.ResourceKinds;
import io.harbormaster.events.ResourceKinds.ResourceRef;
import io.harbormaster.events.history.ResourceHistory;
import io.harbormaster.views.JsonViews;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletionStage;

/**
 * HarbormasterHistory.ListResourceEvents {arn, nextToken?, maxResults?}: every event of a resource,
 * oldest first, each with the EventBridge events it published.
 * HarbormasterHistory.DescribeResourceAt {arn, at}: the resource as its Describe* action showed it
 * at that instant (ISO-8601 string or epoch seconds).
 */
public final class HistoryHandlers {
  public static final String PREFIX = "HarbormasterHistory";

  private final ResourceHistory history;
  private final ResourceKinds kinds;
  private final int defaultPageSize;

  public HistoryHandlers(ResourceHistory history, ResourceKinds kinds, int defaultPageSize) {
    this.history = history;
    this.kinds = kinds;
    this.defaultPageSize = defaultPageSize;
  }

  public void register(EcsOperations operations) {
    operations
        .registerExtension(PREFIX, "ListResourceEvents", this::listResourceEvents)
        .registerExtension(PREFIX, "DescribeResourceAt", this::describeResourceAt);
  }

  CompletionStage<JsonNode> listResourceEvents(RequestContext ctx, JsonNode input) {
    ResourceRef ref = resource(ctx, input);
    int max = input.path("maxResults").asInt(defaultPageSize);
    if (max < 1 || max > 1000)
      throw EcsException.invalidParameter("maxResults must be between 1 and 1000.");
    long from = 1;
    String token = JsonViews.text(input, "nextToken").orElse(null);
    if (token != null) {
      if (!token.matches("\\d{1,18}"))
        throw EcsException.invalidParameter("nextToken is not valid.");
      from = Long.parseLong(token);
    }
    return history
        .events(ref, from, max)
        .thenApply(
            page -> {
              ObjectNode out = JsonViews.object();
              out.put("resourceArn", input.path("arn").asText());
              ArrayNode entries = out.putArray("events");
              for (ResourceHistory.Entry e : page.entries()) {
                ObjectNode n = entries.addObject();
                n.put("sequenceNr", e.sequenceNr());
                n.put("time", e.at().toString());
                n.put("type", e.type());
                n.set("event", e.event());
                ArrayNode published = n.putArray("published");
                for (EcsEvent p : e.published()) published.add(p.toJson());
              }
              page.nextSequenceNr().ifPresent(next -> out.put("nextToken", Long.toString(next)));
              return out;
            });
  }

  CompletionStage<JsonNode> describeResourceAt(RequestContext ctx, JsonNode input) {
    ResourceRef ref = resource(ctx, input);
    Instant at = instant(input.get("at"));
    return history
        .stateAt(ref, at)
        .thenApply(
            found -> {
              var state =
                  found.orElseThrow(
                      () ->
                          EcsException.resourceNotFound(
                              "The resource did not exist at " + at + "."));
              ObjectNode out = JsonViews.object();
              out.put("resourceArn", input.path("arn").asText());
              out.put("at", at.toString());
              out.put("sequenceNr", state.sequenceNr());
              out.put("updatedAt", state.updatedAt().toString());
              out.set("resource", state.resource());
              return out;
            });
  }

  private ResourceRef resource(RequestContext ctx, JsonNode input) {
    String arn =
        JsonViews.text(input, "arn")
            .orElseThrow(() -> EcsException.invalidParameter("arn is required."));
    ResourceRef ref =
        kinds
            .resolve(arn)
            .orElseThrow(
                () ->
                    EcsException.invalidParameter(
                        "arn is not the ARN of a task, container instance, service, cluster or task definition revision: "
                            + arn));
    // another account's resource is as absent as one that never existed
    if (!ref.accountId().equals(ctx.accountId())) {
      throw EcsException.resourceNotFound("The resource " + arn + " was not found.");
    }
    return ref;
  }

  private static Instant instant(JsonNode at) {
    if (at == null || at.isNull()) throw EcsException.invalidParameter("at is required.");
    if (at.isNumber()) return Instant.ofEpochMilli(at.decimalValue().movePointRight(3).longValue());
    try {
      return Instant.parse(at.asText());
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(new BigDecimal(at.asText()).movePointRight(3).longValue());
      } catch (NumberFormatException n) {
        throw EcsException.invalidParameter("at must be an ISO-8601 instant or epoch seconds.");
      }
    }
  }
}
