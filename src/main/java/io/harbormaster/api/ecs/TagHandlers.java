package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.Tag;
import io.harbormaster.service.Service;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.views.JsonViews;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * TagResource, UntagResource, ListTagsForResource: routed by the ARN's resource type to its entity.
 */
public final class TagHandlers {
  private final Entities entities;

  public TagHandlers(Entities entities) {
    this.entities = entities;
  }

  public void register(EcsOperations operations) {
    operations
        .register("TagResource", this::tagResource)
        .register("UntagResource", this::untagResource)
        .register("ListTagsForResource", this::listTagsForResource);
  }

  private sealed interface Target {}

  private record ClusterTarget(String clusterName) implements Target {}

  private record TaskDefinitionTarget(String family, int revision) implements Target {}

  private record ServiceTarget(String clusterName, String serviceName) implements Target {}

  private static Target target(RequestContext ctx, JsonNode input) {
    String arn = JsonViews.text(input, "resourceArn").orElse("");
    Arns.ParsedArn parsed =
        Arns.parse(arn)
            .orElseThrow(
                () ->
                    EcsException.invalidParameter(
                        "Invalid resourceArn: "
                            + arn
                            + ". Give the ARN of a cluster, service or task definition."));
    return switch (parsed.resourceType()) {
      case "cluster" -> new ClusterTarget(ResourceRefs.clusterName(ctx, arn));
      case "service" -> {
        // Long format service/<cluster>/<name>; the short, old format service/<name> means the
        // default cluster.
        String id = parsed.resourceId();
        int slash = id.indexOf('/');
        String cluster = slash < 0 ? "default" : id.substring(0, slash);
        var ref = ServiceHandlers.ServiceRef.require(ctx, cluster, arn);
        yield new ServiceTarget(ref.cluster(), ref.name());
      }
      case "task-definition" -> {
        var ref = TaskDefinitionHandlers.TaskDefinitionRef.parse(ctx, arn).requireRevision();
        yield new TaskDefinitionTarget(ref.family(), ref.revision());
      }
      default ->
          throw EcsException.invalidParameter(
              "Tagging " + parsed.resourceType() + " resources is not supported yet: " + arn);
    };
  }

  CompletionStage<JsonNode> tagResource(RequestContext ctx, JsonNode input) {
    Target target = target(ctx, input);
    List<Tag> tags = ResourceRefs.tags(input, "tags");
    if (tags.isEmpty()) throw EcsException.invalidParameter("tags must contain at least one tag.");
    return tagsAfter(ctx, target, tags, null).thenApply(x -> JsonViews.object());
  }

  CompletionStage<JsonNode> untagResource(RequestContext ctx, JsonNode input) {
    Target target = target(ctx, input);
    List<String> keys = JsonViews.textList(input, "tagKeys");
    if (keys.isEmpty())
      throw EcsException.invalidParameter("tagKeys must contain at least one key.");
    return tagsAfter(ctx, target, null, keys).thenApply(x -> JsonViews.object());
  }

  CompletionStage<JsonNode> listTagsForResource(RequestContext ctx, JsonNode input) {
    return tagsAfter(ctx, target(ctx, input), null, null)
        .thenApply(
            tags -> {
              ObjectNode out = JsonViews.object();
              out.set("tags", JsonViews.tags(tags));
              return out;
            });
  }

  /** Adds or removes tags (or neither, to read them) and answers with the resource's tags after. */
  private CompletionStage<List<Tag>> tagsAfter(
      RequestContext ctx, Target target, List<Tag> add, List<String> remove) {
    if (target instanceof ClusterTarget c) {
      return entities
          .<Cluster.Command, Cluster.ClusterInfo>ask(
              Cluster.ENTITY_KEY,
              Cluster.entityId(ctx.accountId(), c.clusterName()),
              replyTo ->
                  add != null
                      ? new Cluster.TagResource(add, replyTo)
                      : remove != null
                          ? new Cluster.UntagResource(remove, replyTo)
                          : new Cluster.Get(replyTo))
          .thenApply(info -> info.spec().tags());
    }
    if (target instanceof ServiceTarget s) {
      return entities
          .<Service.Command, Service.ServiceView>ask(
              Service.ENTITY_KEY,
              Service.entityId(ctx.accountId(), s.clusterName(), s.serviceName()),
              replyTo ->
                  add != null
                      ? new Service.TagResource(add, replyTo)
                      : remove != null
                          ? new Service.UntagResource(remove, replyTo)
                          : new Service.Get(replyTo))
          .thenApply(view -> view.spec().tags());
    }
    TaskDefinitionTarget t = (TaskDefinitionTarget) target;
    return entities
        .<TaskDefinitionFamily.Command, TaskDefinitionFamily.Revision>ask(
            TaskDefinitionFamily.ENTITY_KEY,
            TaskDefinitionFamily.entityId(ctx.accountId(), t.family()),
            replyTo ->
                add != null
                    ? new TaskDefinitionFamily.TagRevision(t.revision(), add, replyTo)
                    : remove != null
                        ? new TaskDefinitionFamily.UntagRevision(t.revision(), remove, replyTo)
                        : new TaskDefinitionFamily.Get(t.revision(), replyTo))
        .thenApply(TaskDefinitionFamily.Revision::tags);
  }
}
