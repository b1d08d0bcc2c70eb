package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Attribute;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.InstanceSnapshots;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.scheduler.query.ClusterQuery;
import io.harbormaster.scheduler.query.ClusterQueryLanguage;
import io.harbormaster.scheduler.query.QueryLanguageException;
import io.harbormaster.service.Service;
import io.harbormaster.views.InstanceJson;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * RegisterContainerInstance, DeregisterContainerInstance, DescribeContainerInstances,
 * ListContainerInstances, UpdateContainerInstancesState, PutAttributes, DeleteAttributes,
 * ListAttributes.
 */
public final class InstanceHandlers {
  private final Entities entities;
  private final EcsPaging paging;

  public InstanceHandlers(Entities entities, EcsPaging paging) {
    this.entities = entities;
    this.paging = paging;
  }

  public void register(EcsOperations operations) {
    operations
        .register("RegisterContainerInstance", this::registerInstance)
        .register("DeregisterContainerInstance", this::deregisterInstance)
        .register("DescribeContainerInstances", this::describeInstances)
        .register("ListContainerInstances", this::listInstances)
        .register("UpdateContainerInstancesState", this::updateState)
        .register("PutAttributes", this::putAttributes)
        .register("DeleteAttributes", this::deleteAttributes)
        .register("ListAttributes", this::listAttributes);
  }

  CompletionStage<JsonNode> registerInstance(RequestContext ctx, JsonNode input) {
    RegisterContainerInstanceRequest request = RegisterContainerInstanceRequest.decode(ctx, input);
    // A cluster that is not ACTIVE refuses before anything is written; the instance answers once
    // its
    // cluster lists it.
    return requireCluster(ctx, request.cluster())
        .thenCompose(
            info ->
                instance(
                    ctx,
                    request.cluster(),
                    request.instanceId(),
                    replyTo ->
                        new ContainerInstance.Register(
                            request.registration(), ctx.receivedAt(), replyTo)))
        .thenApply(
            view -> JsonViews.wrap("containerInstance", InstanceJson.view(ctx.view(), view, true)));
  }

  CompletionStage<JsonNode> deregisterInstance(RequestContext ctx, JsonNode input) {
    DeregisterContainerInstanceRequest request =
        DeregisterContainerInstanceRequest.decode(ctx, input);
    String cluster = request.cluster();
    String instanceId = request.instanceId();
    boolean force = request.force();
    // The instance answers once its cluster no longer lists it.
    return instance(
            ctx,
            cluster,
            instanceId,
            replyTo -> new ContainerInstance.Deregister(force, ctx.receivedAt(), replyTo))
        .thenApply(
            view -> JsonViews.wrap("containerInstance", InstanceJson.view(ctx.view(), view, true)));
  }

  CompletionStage<JsonNode> describeInstances(RequestContext ctx, JsonNode input) {
    DescribeContainerInstancesRequest request =
        DescribeContainerInstancesRequest.decode(ctx, input);
    String cluster = request.cluster();
    List<String> refs = request.instances();
    boolean tags = request.tags();
    return requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                DescribeFanOut.lookUp(
                    refs,
                    ref ->
                        instanceIdIfValid(ctx, cluster, ref)
                            .map(id -> instance(ctx, cluster, id, ContainerInstance.Get::new))))
        .thenApply(
            lookups ->
                DescribeFanOut.answer(
                    "containerInstances",
                    refs,
                    lookups,
                    view -> InstanceJson.view(ctx.view(), view, tags),
                    id -> Arns.containerInstance(ctx.region(), ctx.accountId(), cluster, id)));
  }

  CompletionStage<JsonNode> listInstances(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> status = JsonViews.text(input, "status");
    Optional<ClusterQuery> filter = JsonViews.text(input, "filter").map(InstanceHandlers::query);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return requireCluster(ctx, cluster)
        .thenCompose(info -> instances(ctx, cluster))
        .thenApply(
            views -> {
              List<String> arns =
                  views.stream()
                      .filter(
                          v ->
                              status
                                  .map(s -> v.status().name().equals(s))
                                  .orElse(v.status() != ContainerInstance.Status.INACTIVE))
                      .filter(
                          v ->
                              filter
                                  .map(
                                      q ->
                                          q.matches(
                                              InstanceSnapshots.of(ctx.region(), v, List.of())))
                                  .orElse(true))
                      .map(v -> v.registration().instanceId())
                      .sorted()
                      .filter(id -> after.map(a -> id.compareTo(a) > 0).orElse(true))
                      .toList();
              ObjectNode out = JsonViews.object();
              ArrayNode page = out.putArray("containerInstanceArns");
              arns.stream()
                  .limit(max)
                  .forEach(
                      id ->
                          page.add(
                              Arns.containerInstance(ctx.region(), ctx.accountId(), cluster, id)));
              if (arns.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), arns.get(max - 1)));
              return out;
            });
  }

  CompletionStage<JsonNode> updateState(RequestContext ctx, JsonNode input) {
    UpdateContainerInstancesStateRequest request =
        UpdateContainerInstancesStateRequest.decode(ctx, input);
    String cluster = request.cluster();
    List<String> refs = request.instances();
    ContainerInstance.Status status = request.status();
    return requireCluster(ctx, cluster)
        .thenCompose(
            info -> {
              List<CompletableFuture<Object>> results = new ArrayList<>();
              for (String ref : refs) {
                CompletionStage<Object> r =
                    instanceIdIfValid(ctx, cluster, ref)
                        .map(
                            id ->
                                instance(
                                        ctx,
                                        cluster,
                                        id,
                                        replyTo ->
                                            new ContainerInstance.ChangeStatus(
                                                status, ctx.receivedAt(), replyTo))
                                    .<Object>thenApply(v -> v))
                        .orElseGet(
                            () ->
                                CompletableFuture.completedFuture(
                                    EcsException.invalidParameter("MISSING")));
                results.add(r.exceptionally(Entities::asEcsException).toCompletableFuture());
              }
              return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        // A draining instance's service tasks move now, not at the services' next
                        // timer.
                        info.services()
                            .forEach(
                                name ->
                                    entities.tell(
                                        Service.ENTITY_KEY,
                                        Service.entityId(ctx.accountId(), cluster, name),
                                        new Service.Reconcile()));
                        ObjectNode out = JsonViews.object();
                        ArrayNode done = out.putArray("containerInstances");
                        ArrayNode failures = out.putArray("failures");
                        for (int i = 0; i < refs.size(); i++) {
                          Object r = results.get(i).join();
                          if (r instanceof InstanceView v) {
                            done.add(InstanceJson.view(ctx.view(), v, false));
                          } else {
                            failures
                                .addObject()
                                .put("arn", arnOf(ctx, cluster, refs.get(i)))
                                .put("reason", "MISSING")
                                .put("detail", ((EcsException) r).getMessage());
                          }
                        }
                        return out;
                      });
            });
  }

  CompletionStage<JsonNode> putAttributes(RequestContext ctx, JsonNode input) {
    return changeAttributes(ctx, input, true);
  }

  CompletionStage<JsonNode> deleteAttributes(RequestContext ctx, JsonNode input) {
    return changeAttributes(ctx, input, false);
  }

  /**
   * Attributes name their instance (targetId); each instance's attributes change in one command.
   */
  private CompletionStage<JsonNode> changeAttributes(
      RequestContext ctx, JsonNode input, boolean put) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    JsonNode attrs = input.path("attributes");
    if (!attrs.isArray() || attrs.isEmpty() || attrs.size() > 10) {
      throw EcsException.invalidParameter("attributes must hold 1 to 10 attributes.");
    }
    java.util.Map<String, List<Attribute>> byInstance = new java.util.LinkedHashMap<>();
    for (JsonNode a : attrs) {
      String targetType = JsonViews.text(a, "targetType").orElse("container-instance");
      if (!targetType.equals("container-instance")) {
        throw EcsException.invalidParameter("targetType must be container-instance.");
      }
      String target =
          JsonViews.text(a, "targetId")
              .orElseThrow(
                  () ->
                      EcsException.invalidParameter(
                          "An attribute needs a targetId (the container instance)."));
      String name = JsonViews.text(a, "name").orElse("");
      validateAttribute(name, JsonViews.text(a, "value").orElse(null), put);
      byInstance
          .computeIfAbsent(instanceId(ctx, cluster, target), k -> new ArrayList<>())
          .add(new Attribute(name, JsonViews.text(a, "value").orElse(null)));
    }
    List<CompletableFuture<InstanceView>> all = new ArrayList<>();
    byInstance.forEach(
        (id, list) ->
            all.add(
                instance(
                        ctx,
                        cluster,
                        id,
                        replyTo ->
                            put
                                ? new ContainerInstance.PutAttributes(list, replyTo)
                                : new ContainerInstance.DeleteAttributes(
                                    list.stream().map(Attribute::name).toList(), replyTo))
                    .toCompletableFuture()));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              ObjectNode out = JsonViews.object();
              ArrayNode echoed = out.putArray("attributes");
              attrs.forEach(echoed::add);
              return out;
            });
  }

  CompletionStage<JsonNode> listAttributes(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String targetType = JsonViews.text(input, "targetType").orElse("");
    if (!targetType.equals("container-instance")) {
      throw EcsException.invalidParameter("targetType must be container-instance.");
    }
    Optional<String> name = JsonViews.text(input, "attributeName");
    Optional<String> value = JsonViews.text(input, "attributeValue");
    if (value.isPresent() && name.isEmpty()) {
      throw EcsException.invalidParameter("attributeValue needs attributeName.");
    }
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return requireCluster(ctx, cluster)
        .thenCompose(info -> instances(ctx, cluster))
        .thenApply(
            views -> {
              List<ObjectNode> found = new ArrayList<>();
              views.stream()
                  .filter(v -> v.status() != ContainerInstance.Status.INACTIVE)
                  .sorted(Comparator.comparing(v -> v.registration().instanceId()))
                  .forEach(
                      v ->
                          v.attributes().values().stream()
                              .filter(a -> name.map(n -> n.equals(a.name())).orElse(true))
                              .filter(a -> value.map(val -> val.equals(a.value())).orElse(true))
                              .forEach(
                                  a -> {
                                    ObjectNode o = JsonViews.object().put("name", a.name());
                                    if (a.value() != null) o.put("value", a.value());
                                    o.put("targetType", "container-instance");
                                    o.put(
                                        "targetId",
                                        Arns.containerInstance(
                                            ctx.region(),
                                            ctx.accountId(),
                                            cluster,
                                            v.registration().instanceId()));
                                    found.add(o);
                                  }));
              int start = after.map(Integer::parseInt).orElse(0);
              ObjectNode out = JsonViews.object();
              ArrayNode page = out.putArray("attributes");
              found.stream().skip(start).limit(max).forEach(page::add);
              if (start + max < found.size())
                out.put("nextToken", paging.encode(ctx.accountId(), Integer.toString(start + max)));
              return out;
            });
  }

  // ---- helpers ----

  private CompletionStage<InstanceView> instance(
      RequestContext ctx,
      String cluster,
      String instanceId,
      java.util.function.Function<
              org.apache.pekko.actor.typed.ActorRef<
                  org.apache.pekko.pattern.StatusReply<InstanceView>>,
              ContainerInstance.Command>
          command) {
    return entities.ask(
        ContainerInstance.ENTITY_KEY,
        ContainerInstance.entityId(ctx.accountId(), cluster, instanceId),
        command);
  }

  CompletionStage<Cluster.ClusterInfo> requireCluster(RequestContext ctx, String cluster) {
    return entities
        .<Cluster.Command, Cluster.ClusterInfo>ask(
            Cluster.ENTITY_KEY, Cluster.entityId(ctx.accountId(), cluster), Cluster.Get::new)
        .thenApply(
            info -> {
              if (info.status() != Cluster.Status.ACTIVE)
                throw EcsException.clusterNotFound("Cluster not found.");
              return info;
            });
  }

  CompletionStage<List<InstanceView>> instances(RequestContext ctx, String cluster) {
    return entities
        .askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(ctx.accountId(), cluster),
            ClusterPlacement.GetInstances::new)
        .thenApply(ClusterPlacement.Instances::instances);
  }

  static ClusterQuery query(String expression) {
    try {
      return ClusterQueryLanguage.parse(expression);
    } catch (QueryLanguageException e) {
      throw EcsException.invalidParameter("Invalid filter expression: " + e.getMessage());
    }
  }

  /** An instance named by id or ARN; an ARN of another cluster or account is refused. */
  static String instanceId(RequestContext ctx, String cluster, String ref) {
    return instanceIdIfValid(ctx, cluster, ref)
        .orElseThrow(
            () ->
                EcsException.invalidParameter(
                    "The referenced container instance " + ref + " was not found."));
  }

  static Optional<String> instanceIdIfValid(RequestContext ctx, String cluster, String ref) {
    if (ref == null || ref.isEmpty()) return Optional.empty();
    if (!ref.startsWith("arn:"))
      return ref.matches("[A-Za-z0-9-]{1,64}") ? Optional.of(ref) : Optional.empty();
    return Arns.parse(ref)
        .filter(a -> a.resourceType().equals("container-instance"))
        .filter(a -> a.accountId().equals(ctx.accountId()) && a.region().equals(ctx.region()))
        .map(a -> a.resourceId())
        .filter(id -> id.startsWith(cluster + "/"))
        .map(id -> id.substring(cluster.length() + 1));
  }

  private static String arnOf(RequestContext ctx, String cluster, String ref) {
    return ref.startsWith("arn:")
        ? ref
        : Arns.containerInstance(ctx.region(), ctx.accountId(), cluster, ref);
  }

  static void validateAttribute(String name, String value, boolean put) {
    if (!name.matches("[A-Za-z0-9_.\\-/]{1,128}")) {
      throw EcsException.invalidParameter(
          "Attribute names are 1-128 letters, digits, hyphens, underscores, "
              + "periods and slashes: '"
              + name
              + "'.");
    }
    if (put && value != null && !value.matches("[A-Za-z0-9_.\\-/@:  ]{1,128}")) {
      throw EcsException.invalidParameter(
          "Attribute values are 1-128 letters, digits, hyphens, underscores, "
              + "periods, at signs, colons, slashes and spaces: '"
              + value
              + "'.");
    }
  }
}
