package io.harbormaster.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.ecs.EcsNames;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.api.ecs.RequestContext;
import io.harbormaster.common.EcsException;
import io.harbormaster.events.hooks.DeadLetters;
import io.harbormaster.events.hooks.HookDelivery;
import io.harbormaster.events.hooks.HookRule;
import io.harbormaster.events.hooks.HookRules;
import io.harbormaster.events.pattern.EventPattern;
import io.harbormaster.views.JsonViews;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * HarbormasterEvents.PutRule / ListRules / DeleteRule / ListDeadLetters / RedriveDeadLetters: an
 * account's webhook rules and what could not be delivered. Rules and dead letters are the caller's
 * account's only.
 */
public final class HookHandlers {
  public static final String PREFIX = "HarbormasterEvents";
  private static final int REDRIVE_BATCH = 100;

  private final HookRules rules;
  private final DeadLetters deadLetters;
  private final HookDelivery delivery;

  public HookHandlers(HookRules rules, DeadLetters deadLetters, HookDelivery delivery) {
    this.rules = rules;
    this.deadLetters = deadLetters;
    this.delivery = delivery;
  }

  public void register(EcsOperations operations) {
    operations
        .registerExtension(PREFIX, "PutRule", this::putRule)
        .registerExtension(PREFIX, "ListRules", this::listRules)
        .registerExtension(PREFIX, "DeleteRule", this::deleteRule)
        .registerExtension(PREFIX, "ListDeadLetters", this::listDeadLetters)
        .registerExtension(PREFIX, "RedriveDeadLetters", this::redriveDeadLetters);
  }

  CompletionStage<JsonNode> putRule(RequestContext ctx, JsonNode input) {
    String name = name(input);
    JsonNode patternInput = input.get("eventPattern");
    if (patternInput == null || patternInput.isNull())
      throw EcsException.invalidParameter("eventPattern is required.");
    String pattern = patternInput.isTextual() ? patternInput.asText() : patternInput.toString();
    try {
      EventPattern.parse(pattern);
    } catch (IllegalArgumentException e) {
      throw EcsException.invalidParameter(
          "eventPattern is not a valid event pattern: " + e.getMessage());
    }
    String target =
        JsonViews.text(input, "targetUrl")
            .orElseThrow(() -> EcsException.invalidParameter("targetUrl is required."));
    try {
      URI uri = URI.create(target);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw EcsException.invalidParameter("targetUrl must be an http or https URL.");
    }
    String secret =
        JsonViews.text(input, "secret")
            .orElseThrow(
                () ->
                    EcsException.invalidParameter(
                        "secret is required (it keys the HMAC signature)."));
    if (secret.length() < 8)
      throw EcsException.invalidParameter("secret must have at least 8 characters.");
    HookRule rule = new HookRule(ctx.accountId(), name, pattern, target, secret, ctx.receivedAt());
    return rules.put(rule).thenApply(done -> view(rule));
  }

  CompletionStage<JsonNode> listRules(RequestContext ctx, JsonNode input) {
    return rules
        .list(ctx.accountId())
        .thenApply(
            list -> {
              ObjectNode out = JsonViews.object();
              ArrayNode array = out.putArray("rules");
              list.forEach(r -> array.add(view(r)));
              return out;
            });
  }

  CompletionStage<JsonNode> deleteRule(RequestContext ctx, JsonNode input) {
    String name = name(input);
    return existing(ctx, name)
        .thenCompose(rule -> rules.delete(ctx.accountId(), name))
        .thenCompose(done -> deadLetters.removeAll(ctx.accountId(), name))
        .thenApply(done -> JsonViews.object());
  }

  CompletionStage<JsonNode> listDeadLetters(RequestContext ctx, JsonNode input) {
    String name = name(input);
    int max = input.path("maxResults").asInt(100);
    if (max < 1 || max > 1000)
      throw EcsException.invalidParameter("maxResults must be between 1 and 1000.");
    UUID after = JsonViews.text(input, "nextToken").map(HookHandlers::token).orElse(null);
    return existing(ctx, name)
        .thenCompose(rule -> deadLetters.list(ctx.accountId(), name, after, max + 1))
        .thenApply(
            list -> {
              ObjectNode out = JsonViews.object();
              ArrayNode array = out.putArray("deadLetters");
              for (DeadLetters.DeadLetter d : list.subList(0, Math.min(max, list.size()))) {
                ObjectNode n = array.addObject();
                n.put("eventId", d.eventId());
                n.put("resource", d.resource());
                n.put("version", d.version());
                n.put("attempts", d.attempts());
                n.put("lastError", d.lastError());
                n.put("deadLetteredAt", d.deadAtInstant().toString());
                try {
                  n.set("event", JsonViews.MAPPER.readTree(d.body()));
                } catch (Exception e) {
                  n.put("event", d.body());
                }
              }
              if (list.size() > max) out.put("nextToken", list.get(max - 1).deadAt().toString());
              return out;
            });
  }

  /**
   * Sends the dead letters again, oldest first; stops at the first that fails again so the order
   * holds.
   */
  CompletionStage<JsonNode> redriveDeadLetters(RequestContext ctx, JsonNode input) {
    String name = name(input);
    return existing(ctx, name)
        .thenCompose(rule -> redrive(rule, 0))
        .thenCompose(
            redriven ->
                deadLetters
                    .list(ctx.accountId(), name, null, 1001)
                    .thenApply(
                        left -> {
                          ObjectNode out = JsonViews.object();
                          out.put("redriven", redriven);
                          out.put("remaining", left.size());
                          return out;
                        }));
  }

  private CompletionStage<Integer> redrive(HookRule rule, int done) {
    return deadLetters
        .list(rule.accountId(), rule.name(), null, REDRIVE_BATCH)
        .thenCompose(
            batch ->
                redriveEach(rule, batch, 0, done)
                    .thenCompose(
                        result ->
                            result.stopped() || batch.size() < REDRIVE_BATCH
                                ? CompletableFuture.completedFuture(result.count())
                                : redrive(rule, result.count())));
  }

  private record Redriven(int count, boolean stopped) {}

  private CompletionStage<Redriven> redriveEach(
      HookRule rule, List<DeadLetters.DeadLetter> batch, int i, int count) {
    if (i == batch.size()) return CompletableFuture.completedFuture(new Redriven(count, false));
    return delivery
        .redrive(rule, batch.get(i))
        .thenCompose(
            ok ->
                ok
                    ? redriveEach(rule, batch, i + 1, count + 1)
                    : CompletableFuture.completedFuture(new Redriven(count, true)));
  }

  private CompletionStage<HookRule> existing(RequestContext ctx, String name) {
    return rules
        .find(ctx.accountId(), name)
        .thenApply(
            found ->
                found.orElseThrow(
                    () -> EcsException.resourceNotFound("The rule " + name + " was not found.")));
  }

  private static String name(JsonNode input) {
    String name =
        JsonViews.text(input, "name")
            .orElseThrow(() -> EcsException.invalidParameter("name is required."));
    if (!EcsNames.isValidName(name)) {
      throw EcsException.invalidParameter(
          "A rule name has 1 to 255 letters, digits, hyphens and underscores.");
    }
    return name;
  }

  private static UUID token(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw EcsException.invalidParameter("nextToken is not valid.");
    }
  }

  private static ObjectNode view(HookRule r) {
    ObjectNode n = JsonViews.object();
    n.put("name", r.name());
    n.put("eventPattern", r.pattern());
    n.put("targetUrl", r.targetUrl());
    n.put("createdAt", r.createdAt().toString());
    n.put("signatureHeader", io.harbormaster.events.hooks.WebhookClient.SIGNATURE_HEADER);
    return n;
  }
}
