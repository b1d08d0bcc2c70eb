package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.account.Account;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.views.JsonViews;
import java.util.concurrent.CompletionStage;

/**
 * HarbormasterAdmin.CreateAccount and .CreateAccessKey: tenants and their keys, for administrators
 * only.
 */
public final class AdminHandlers {
  private final Entities entities;

  public AdminHandlers(Entities entities) {
    this.entities = entities;
  }

  public void register(EcsOperations operations) {
    operations
        .registerAdmin("CreateAccount", this::createAccount)
        .registerAdmin("CreateAccessKey", this::createAccessKey);
  }

  CompletionStage<JsonNode> createAccount(RequestContext ctx, JsonNode input) {
    String name =
        JsonViews.text(input, "name")
            .orElseThrow(() -> EcsException.invalidParameter("name is required."));
    if (!EcsNames.isValidName(name)) {
      throw EcsException.invalidParameter(
          "An account name has 1 to 255 letters, digits, hyphens and underscores.");
    }
    String accountId = JsonViews.text(input, "accountId").orElseGet(Account::newAccountId);
    if (!accountId.matches("\\d{12}"))
      throw EcsException.invalidParameter("accountId must be 12 digits.");
    boolean admin = input.path("admin").asBoolean(false);
    return entities
        .<Account.Command, Account.Summary>ask(
            Account.ENTITY_KEY,
            accountId,
            replyTo -> new Account.Create(name, admin, ctx.receivedAt(), replyTo))
        .thenCompose(
            summary ->
                entities.<Account.Command, Account.AccessKey>ask(
                    Account.ENTITY_KEY,
                    accountId,
                    replyTo -> new Account.IssueAccessKey(ctx.receivedAt(), replyTo)))
        .thenApply(AdminHandlers::keyView);
  }

  CompletionStage<JsonNode> createAccessKey(RequestContext ctx, JsonNode input) {
    String accountId =
        JsonViews.text(input, "accountId")
            .orElseThrow(() -> EcsException.invalidParameter("accountId is required."));
    return entities
        .<Account.Command, Account.AccessKey>ask(
            Account.ENTITY_KEY,
            accountId,
            replyTo -> new Account.IssueAccessKey(ctx.receivedAt(), replyTo))
        .thenApply(AdminHandlers::keyView);
  }

  private static JsonNode keyView(Account.AccessKey key) {
    ObjectNode out = JsonViews.object();
    out.put("accountId", key.accountId());
    out.put("accessKeyId", key.accessKeyId());
    out.put("secretAccessKey", key.secretAccessKey());
    return out;
  }
}
