package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.account.Account;
import io.harbormaster.account.Account.FamilyIndex;
import io.harbormaster.account.Account.RevisionStatus;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Revision;
import io.harbormaster.views.JsonViews;
import io.harbormaster.views.TaskDefinitionJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies,
 * DeregisterTaskDefinition, DeleteTaskDefinitions.
 */
public final class TaskDefinitionHandlers {
  private static final int MAX_DELETE = 10;
  private final Entities entities;
  private final EcsPaging paging;

  public TaskDefinitionHandlers(Entities entities, EcsPaging paging) {
    this.entities = entities;
    this.paging = paging;
  }

  public void register(EcsOperations operations) {
    operations
        .register("RegisterTaskDefinition", this::register)
        .register("DescribeTaskDefinition", this::describe)
        .register("ListTaskDefinitions", this::list)
        .register("ListTaskDefinitionFamilies", this::listFamilies)
        .register("DeregisterTaskDefinition", this::deregister)
        .register("DeleteTaskDefinitions", this::delete);
  }

  /**
   * A task definition as users name it: family, family:revision or ARN; revision 0 means latest
   * ACTIVE.
   */
  record TaskDefinitionRef(String family, int revision) {
    static TaskDefinitionRef parse(RequestContext ctx, String ref) {
      String familyAndRevision = ref;
      if (ref.startsWith("arn:")) {
        Arns.ParsedArn arn =
            Arns.parse(ref)
                .filter(a -> a.resourceType().equals("task-definition"))
                .orElseThrow(
                    () -> EcsException.invalidParameter("Invalid task definition ARN: " + ref));
        if (!arn.accountId().equals(ctx.accountId()) || !arn.region().equals(ctx.region())) {
          throw EcsException.clientException("Unable to describe task definition.");
        }
        familyAndRevision = arn.resourceId();
      }
      int colon = familyAndRevision.lastIndexOf(':');
      if (colon < 0) return new TaskDefinitionRef(EcsNames.requireFamily(familyAndRevision), 0);
      String family = EcsNames.requireFamily(familyAndRevision.substring(0, colon));
      try {
        int revision = Integer.parseInt(familyAndRevision.substring(colon + 1));
        if (revision < 1) throw new NumberFormatException();
        return new TaskDefinitionRef(family, revision);
      } catch (NumberFormatException e) {
        throw EcsException.clientException(
            "Invalid revision number. Number: " + familyAndRevision.substring(colon + 1));
      }
    }

    TaskDefinitionRef requireRevision() {
      if (revision == 0) {
        throw EcsException.clientException(
            "Invalid revision number. A revision is required: use family:revision.");
      }
      return this;
    }
  }

  CompletionStage<JsonNode> register(RequestContext ctx, JsonNode input) {
    RegisterTaskDefinitionRequest request = RegisterTaskDefinitionRequest.decode(input);
    return entities
        .<TaskDefinitionFamily.Command, Revision>ask(
            TaskDefinitionFamily.ENTITY_KEY,
            TaskDefinitionFamily.entityId(ctx.accountId(), request.family()),
            replyTo ->
                new TaskDefinitionFamily.Register(
                    request.definition(),
                    request.tags(),
                    ctx.callerArn(),
                    ctx.receivedAt(),
                    replyTo))
        // The family answers once the account's directory lists the revision.
        .thenApply(
            revision -> {
              ObjectNode out = JsonViews.object();
              out.set("taskDefinition", TaskDefinitionJson.view(ctx.view(), revision));
              out.set("tags", JsonViews.tags(revision.tags()));
              return out;
            });
  }

  CompletionStage<JsonNode> describe(RequestContext ctx, JsonNode input) {
    TaskDefinitionRef ref =
        TaskDefinitionRef.parse(ctx, JsonViews.text(input, "taskDefinition").orElse(""));
    boolean tags = JsonViews.includes(input, "TAGS");
    return get(ctx, ref)
        .thenApply(
            revision -> {
              ObjectNode out = JsonViews.object();
              out.set("taskDefinition", TaskDefinitionJson.view(ctx.view(), revision));
              if (tags) out.set("tags", JsonViews.tags(revision.tags()));
              return out;
            });
  }

  CompletionStage<JsonNode> list(RequestContext ctx, JsonNode input) {
    ListTaskDefinitionsRequest request = ListTaskDefinitionsRequest.decode(ctx, input, paging);
    int max = request.maxResults();
    Optional<String> family = request.family();
    RevisionStatus status = request.status();
    boolean descending = request.descending();
    Optional<String> after = request.after();
    return directory(ctx)
        .thenApply(
            directory -> {
              List<String> refs = new ArrayList<>();
              for (Map.Entry<String, FamilyIndex> entry : directory.families().entrySet()) {
                if (family.isPresent() && !entry.getKey().equals(family.get())) continue;
                for (int r = 1; r <= entry.getValue().latestRevision(); r++) {
                  if (entry.getValue().statusOf(r) == status) refs.add(entry.getKey() + ":" + r);
                }
              }
              Comparator<String> order =
                  Comparator.comparing((String s) -> s.substring(0, s.lastIndexOf(':')))
                      .thenComparingInt(s -> Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
              Comparator<String> sorted = descending ? order.reversed() : order;
              refs.sort(sorted);
              // Resume after the cursor's place in the order, not at the cursor itself: that
              // revision may have changed
              // status since (deregistered between pages), and starting over would repeat pages
              // forever.
              int start = 0;
              if (after.isPresent()) {
                while (start < refs.size() && sorted.compare(refs.get(start), after.get()) <= 0)
                  start++;
              }
              List<String> page =
                  refs.subList(Math.min(start, refs.size()), Math.min(start + max, refs.size()));
              ObjectNode out = JsonViews.object();
              ArrayNode arns = out.putArray("taskDefinitionArns");
              page.forEach(
                  r -> {
                    int colon = r.lastIndexOf(':');
                    arns.add(
                        Arns.taskDefinition(
                            ctx.region(),
                            ctx.accountId(),
                            r.substring(0, colon),
                            Integer.parseInt(r.substring(colon + 1))));
                  });
              if (start + max < refs.size())
                out.put("nextToken", paging.encode(ctx.accountId(), page.get(page.size() - 1)));
              return out;
            });
  }

  CompletionStage<JsonNode> listFamilies(RequestContext ctx, JsonNode input) {
    ListTaskDefinitionFamiliesRequest request =
        ListTaskDefinitionFamiliesRequest.decode(ctx, input, paging);
    int max = request.maxResults();
    Optional<String> familyPrefix = request.familyPrefix();
    String status = request.status();
    Optional<String> after = request.after();
    return directory(ctx)
        .thenApply(
            directory -> {
              List<String> families =
                  directory.families().entrySet().stream()
                      .filter(f -> familyPrefix.map(p -> f.getKey().startsWith(p)).orElse(true))
                      .filter(f -> after.map(a -> f.getKey().compareTo(a) > 0).orElse(true))
                      .filter(
                          f ->
                              switch (status) {
                                case "ACTIVE" -> f.getValue().hasActive();
                                case "INACTIVE" -> !f.getValue().hasActive();
                                default -> true;
                              })
                      .map(Map.Entry::getKey)
                      .toList();
              ObjectNode out = JsonViews.object();
              out.set("families", JsonViews.strings(families.stream().limit(max).toList()));
              if (families.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), families.get(max - 1)));
              return out;
            });
  }

  CompletionStage<JsonNode> deregister(RequestContext ctx, JsonNode input) {
    TaskDefinitionRef ref =
        TaskDefinitionRef.parse(ctx, JsonViews.text(input, "taskDefinition").orElse(""))
            .requireRevision();
    return entities
        .<TaskDefinitionFamily.Command, Revision>ask(
            TaskDefinitionFamily.ENTITY_KEY,
            TaskDefinitionFamily.entityId(ctx.accountId(), ref.family()),
            replyTo ->
                new TaskDefinitionFamily.Deregister(ref.revision(), ctx.receivedAt(), replyTo))
        // The family answers once the account's directory lists the revision as it is.
        .thenApply(
            revision ->
                JsonViews.wrap("taskDefinition", TaskDefinitionJson.view(ctx.view(), revision)));
  }

  CompletionStage<JsonNode> delete(RequestContext ctx, JsonNode input) {
    List<String> refs = JsonViews.textList(input, "taskDefinitions");
    if (refs.isEmpty() || refs.size() > MAX_DELETE) {
      throw EcsException.invalidParameter(
          "taskDefinitions must name 1 to " + MAX_DELETE + " task definitions.");
    }
    List<CompletableFuture<Object>> results = new ArrayList<>();
    // A failure's arn is the ARN of the revision meant, as the model says, when the reference names
    // one.
    List<String> failureArns = new ArrayList<>();
    for (String r : refs) {
      CompletionStage<Object> result;
      failureArns.add(r);
      try {
        TaskDefinitionRef ref = TaskDefinitionRef.parse(ctx, r).requireRevision();
        failureArns.set(
            failureArns.size() - 1,
            Arns.taskDefinition(ctx.region(), ctx.accountId(), ref.family(), ref.revision()));
        result =
            entities
                .<TaskDefinitionFamily.Command, Revision>ask(
                    TaskDefinitionFamily.ENTITY_KEY,
                    TaskDefinitionFamily.entityId(ctx.accountId(), ref.family()),
                    replyTo ->
                        new TaskDefinitionFamily.Delete(ref.revision(), ctx.receivedAt(), replyTo))
                .thenApply(revision -> (Object) revision);
      } catch (EcsException e) {
        result = CompletableFuture.completedFuture(e);
      }
      results.add(result.exceptionally(Entities::asEcsException).toCompletableFuture());
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              ObjectNode out = JsonViews.object();
              ArrayNode deleted = out.putArray("taskDefinitions");
              ArrayNode failures = out.putArray("failures");
              for (int i = 0; i < refs.size(); i++) {
                Object result = results.get(i).join();
                if (result instanceof Revision revision) {
                  deleted.add(TaskDefinitionJson.view(ctx.view(), revision));
                } else {
                  EcsException e = (EcsException) result;
                  if (e.httpStatus() >= 500) throw e;
                  failures
                      .addObject()
                      .put("arn", failureArns.get(i))
                      .put("reason", e.getMessage())
                      .put("detail", e.errorType());
                }
              }
              return out;
            });
  }

  private CompletionStage<Revision> get(RequestContext ctx, TaskDefinitionRef ref) {
    return entities.ask(
        TaskDefinitionFamily.ENTITY_KEY,
        TaskDefinitionFamily.entityId(ctx.accountId(), ref.family()),
        replyTo -> new TaskDefinitionFamily.Get(ref.revision(), replyTo));
  }

  private CompletionStage<Account.Directory> directory(RequestContext ctx) {
    return entities.ask(Account.ENTITY_KEY, ctx.accountId(), Account.GetDirectory::new);
  }
}
