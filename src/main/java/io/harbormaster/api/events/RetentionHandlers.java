package io.harbormaster.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.api.ecs.RequestContext;
import io.harbormaster.common.EcsException;
import io.harbormaster.events.retention.EventRetention;
import io.harbormaster.views.JsonViews;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * HarbormasterEvents.PutRetention {retention: ISO-8601 duration, or null for "forever"},
 * GetRetention, and ApplyRetention (sweep the caller's account now): how long the history of the
 * account's stopped tasks is kept.
 */
public final class RetentionHandlers {
  private final EventRetention retention;

  public RetentionHandlers(EventRetention retention) {
    this.retention = retention;
  }

  public void register(EcsOperations operations) {
    operations
        .registerExtension(HookHandlers.PREFIX, "PutRetention", this::put)
        .registerExtension(HookHandlers.PREFIX, "GetRetention", this::get)
        .registerExtension(HookHandlers.PREFIX, "ApplyRetention", this::apply);
  }

  CompletionStage<JsonNode> put(RequestContext ctx, JsonNode input) {
    Optional<Duration> value =
        JsonViews.text(input, "retention")
            .map(
                text -> {
                  try {
                    Duration d = Duration.parse(text);
                    if (d.isNegative() || d.isZero())
                      throw new DateTimeParseException("not positive", text, 0);
                    return d;
                  } catch (DateTimeParseException e) {
                    throw EcsException.invalidParameter(
                        "retention must be a positive ISO-8601 duration such as P30D, or null.");
                  }
                });
    return retention.put(ctx.accountId(), value).thenApply(done -> view(value));
  }

  CompletionStage<JsonNode> get(RequestContext ctx, JsonNode input) {
    return retention.get(ctx.accountId()).thenApply(RetentionHandlers::view);
  }

  CompletionStage<JsonNode> apply(RequestContext ctx, JsonNode input) {
    return retention
        .sweep(ctx.accountId())
        .thenApply(
            n -> {
              ObjectNode out = JsonViews.object();
              out.put("purgedTasks", n);
              return out;
            });
  }

  private static JsonNode view(Optional<Duration> value) {
    ObjectNode out = JsonViews.object();
    if (value.isPresent()) out.put("retention", value.get().toString());
    else out.putNull("retention");
    return out;
  }
}
