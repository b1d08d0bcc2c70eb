package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.account.AccountSettings;
import io.harbormaster.account.AccountSettings.SettingName;
import io.harbormaster.account.AccountSettings.Settings;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** PutAccountSetting, PutAccountSettingDefault, ListAccountSettings, DeleteAccountSetting. */
public final class AccountSettingHandlers {
  private static final int PAGE = 10;

  private final Entities entities;
  private final EcsPaging paging;

  public AccountSettingHandlers(Entities entities, EcsPaging paging) {
    this.entities = entities;
    this.paging = paging;
  }

  public void register(EcsOperations operations) {
    operations
        .register("PutAccountSetting", this::put)
        .register("PutAccountSettingDefault", this::putDefault)
        .register("ListAccountSettings", this::list)
        .register("DeleteAccountSetting", this::delete);
  }

  /** A setting name and value checked as ECS checks them, for a principal of the caller's. */
  record SettingRequest(String principalArn, SettingName name, String value) {
    static SettingRequest decode(RequestContext ctx, JsonNode input, boolean withPrincipal) {
      SettingName name = settingName(JsonViews.text(input, "name").orElse(""));
      String value = JsonViews.text(input, "value").orElse(null);
      if (value != null && !name.accepts(value)) {
        // ECS's words (guardDutyActivate, which only AWS sets, included).
        throw EcsException.invalidParameter("Invalid setting 'value'");
      }
      String principal =
          withPrincipal ? principal(ctx, JsonViews.text(input, "principalArn")) : ctx.callerArn();
      return new SettingRequest(principal, name, value);
    }
  }

  CompletionStage<JsonNode> put(RequestContext ctx, JsonNode input) {
    return put(ctx, SettingRequest.decode(ctx, input, true));
  }

  CompletionStage<JsonNode> putDefault(RequestContext ctx, JsonNode input) {
    return put(ctx, SettingRequest.decode(ctx, input, false));
  }

  private CompletionStage<JsonNode> put(RequestContext ctx, SettingRequest request) {
    return entities
        .<AccountSettings.Command, Settings>ask(
            AccountSettings.ENTITY_KEY,
            ctx.accountId(),
            replyTo ->
                new AccountSettings.Put(
                    request.principalArn(),
                    request.name(),
                    request.value(),
                    ctx.receivedAt(),
                    replyTo))
        .thenApply(
            s ->
                JsonViews.wrap(
                    "setting", setting(request.name(), request.value(), request.principalArn())));
  }

  CompletionStage<JsonNode> delete(RequestContext ctx, JsonNode input) {
    SettingRequest request = SettingRequest.decode(ctx, input, true);
    return entities
        .<AccountSettings.Command, Settings>ask(
            AccountSettings.ENTITY_KEY, ctx.accountId(), AccountSettings.Get::new)
        .thenCompose(
            before ->
                entities
                    .<AccountSettings.Command, Settings>ask(
                        AccountSettings.ENTITY_KEY,
                        ctx.accountId(),
                        replyTo ->
                            new AccountSettings.Delete(
                                request.principalArn(), request.name(), ctx.receivedAt(), replyTo))
                    // The setting as it was set (what applies now when nothing was).
                    .thenApply(
                        after ->
                            JsonViews.wrap(
                                "setting",
                                setting(
                                    request.name(),
                                    before
                                        .explicit(request.principalArn(), request.name())
                                        .orElseGet(
                                            () ->
                                                AccountSettings.effective(
                                                    after,
                                                    ctx.callerArn(),
                                                    request.principalArn(),
                                                    request.name())),
                                    request.principalArn()))));
  }

  CompletionStage<JsonNode> list(RequestContext ctx, JsonNode input) {
    Optional<SettingName> name =
        JsonViews.text(input, "name").map(AccountSettingHandlers::settingName);
    Optional<String> value = JsonViews.text(input, "value");
    if (value.isPresent() && name.isEmpty()) {
      throw EcsException.invalidParameter("The value filter requires a setting name.");
    }
    String principal = principal(ctx, JsonViews.text(input, "principalArn"));
    boolean effective = input.path("effectiveSettings").asBoolean(false);
    int max = EcsPaging.maxResults(input, PAGE, PAGE);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return entities
        .<AccountSettings.Command, Settings>ask(
            AccountSettings.ENTITY_KEY, ctx.accountId(), AccountSettings.Get::new)
        .thenApply(
            settings -> {
              List<ObjectNode> shown = new ArrayList<>();
              for (SettingName n : SettingName.values()) {
                if (name.isPresent() && name.get() != n) continue;
                Optional<String> v =
                    effective
                        ? Optional.of(
                            AccountSettings.effective(settings, ctx.callerArn(), principal, n))
                        : settings.explicit(principal, n);
                if (v.isEmpty() || (value.isPresent() && !value.get().equals(v.get()))) continue;
                shown.add(setting(n, v.get(), principal));
              }
              int from = 0;
              if (after.isPresent()) {
                for (int i = 0; i < shown.size(); i++)
                  if (shown.get(i).path("name").asText().equals(after.get())) from = i + 1;
              }
              List<ObjectNode> page = shown.subList(Math.min(from, shown.size()), shown.size());
              ObjectNode out = JsonViews.object();
              ArrayNode array = out.putArray("settings");
              page.stream().limit(max).forEach(array::add);
              if (page.size() > max)
                out.put(
                    "nextToken",
                    paging.encode(ctx.accountId(), page.get(max - 1).path("name").asText()));
              return out;
            });
  }

  private static ObjectNode setting(SettingName name, String value, String principalArn) {
    ObjectNode o = JsonViews.object();
    o.put("name", name.wireName());
    o.put("value", value);
    o.put("principalArn", principalArn);
    o.put("type", name.type());
    return o;
  }

  private static SettingName settingName(String text) {
    // The API model refuses a name outside ECS's enum before this is reached.
    return SettingName.of(text)
        .orElseThrow(() -> EcsException.invalidParameter("Invalid setting 'name'"));
  }

  /**
   * The principal a request names, or the caller. It must be the account's root user, or a user or
   * role of the account.
   */
  private static String principal(RequestContext ctx, Optional<String> given) {
    if (given.isEmpty()) return ctx.callerArn();
    String arn = given.get();
    String prefix = "arn:aws:iam::" + ctx.accountId() + ":";
    boolean ofAccount =
        arn.equals(prefix + "root")
            || (arn.startsWith(prefix + "user/") || arn.startsWith(prefix + "role/"))
                && arn.length() > prefix.length() + 5;
    if (!ofAccount) {
      throw EcsException.invalidParameter(
          "Invalid principalArn: it must be the root user, a user or a role of account "
              + ctx.accountId()
              + ".");
    }
    return arn;
  }
}
