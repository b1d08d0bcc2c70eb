package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.capacity.CapacityProviders.Provider;
import io.harbormaster.capacity.CapacityProviders.Providers;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.cluster.Cluster.ClusterInfo;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.views.CapacityProviderJson;
import io.harbormaster.views.ClusterJson;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider,
 * DeleteCapacityProvider, PutClusterCapacityProviders.
 */
public final class CapacityProviderHandlers {
  private static final int PAGE = 10;

  private final Entities entities;
  private final EcsPaging paging;

  public CapacityProviderHandlers(Entities entities, EcsPaging paging) {
    this.entities = entities;
    this.paging = paging;
  }

  public void register(EcsOperations operations) {
    operations
        .register("CreateCapacityProvider", this::create)
        .register("DescribeCapacityProviders", this::describe)
        .register("UpdateCapacityProvider", this::update)
        .register("DeleteCapacityProvider", this::delete)
        .register("PutClusterCapacityProviders", this::putClusterCapacityProviders);
  }

  CompletionStage<JsonNode> create(RequestContext ctx, JsonNode input) {
    String name = JsonViews.text(input, "name").orElse("");
    if (!name.matches("[A-Za-z0-9_-]{1,255}")) {
      throw EcsException.invalidParameter(
          "The capacity provider name has up to 255 letters, numbers, underscores and hyphens.");
    }
    unsupportedManagedInstances(input);
    JsonNode asg =
        JsonViews.member(input, "autoScalingGroupProvider")
            .orElseThrow(
                () ->
                    EcsException.invalidParameter(
                        "autoScalingGroupProvider is required: here a capacity provider is a group"
                            + " of container instances."));
    return entities
        .<CapacityProviders.Command, Provider>ask(
            CapacityProviders.ENTITY_KEY,
            ctx.accountId(),
            replyTo ->
                new CapacityProviders.Create(
                    name,
                    withDefaults(asg),
                    ResourceRefs.tags(input, "tags"),
                    ctx.receivedAt(),
                    replyTo))
        .thenApply(
            p ->
                JsonViews.wrap("capacityProvider", CapacityProviderJson.view(ctx.view(), p, true)));
  }

  CompletionStage<JsonNode> update(RequestContext ctx, JsonNode input) {
    String name = providerName(JsonViews.text(input, "name").orElse(""));
    unsupportedManagedInstances(input);
    JsonNode asg = JsonViews.member(input, "autoScalingGroupProvider").orElse(null);
    return entities
        .<CapacityProviders.Command, Provider>ask(
            CapacityProviders.ENTITY_KEY,
            ctx.accountId(),
            replyTo -> new CapacityProviders.Update(name, asg, ctx.receivedAt(), replyTo))
        .thenApply(
            p ->
                JsonViews.wrap("capacityProvider", CapacityProviderJson.view(ctx.view(), p, true)));
  }

  CompletionStage<JsonNode> delete(RequestContext ctx, JsonNode input) {
    String name = providerName(JsonViews.text(input, "capacityProvider").orElse(""));
    return entities
        .<CapacityProviders.Command, Provider>ask(
            CapacityProviders.ENTITY_KEY,
            ctx.accountId(),
            replyTo -> new CapacityProviders.Delete(name, ctx.receivedAt(), replyTo))
        .thenApply(
            p ->
                JsonViews.wrap("capacityProvider", CapacityProviderJson.view(ctx.view(), p, true)));
  }

  CompletionStage<JsonNode> describe(RequestContext ctx, JsonNode input) {
    List<String> refs = JsonViews.textList(input, "capacityProviders");
    boolean tags = JsonViews.includes(input, "TAGS");
    int max = EcsPaging.maxResults(input, PAGE, PAGE);
    Optional<String> after =
        refs.isEmpty() ? paging.cursor(ctx.accountId(), input) : Optional.empty();
    return providers(ctx)
        .thenApply(
            all -> {
              ObjectNode out = JsonViews.object();
              ArrayNode shown = out.putArray("capacityProviders");
              ArrayNode failures = out.putArray("failures");
              if (!refs.isEmpty()) {
                for (String ref : refs) {
                  String name = ref.startsWith("arn:") ? nameOfArn(ctx, ref).orElse(null) : ref;
                  if (name != null
                      && (CapacityProviders.isFargate(name) || all.byName().containsKey(name))) {
                    shown.add(CapacityProviderJson.view(ctx.view(), name, all, tags));
                  } else {
                    failures
                        .addObject()
                        .put(
                            "arn",
                            ref.startsWith("arn:")
                                ? ref
                                : Arns.capacityProvider(ctx.region(), ctx.accountId(), ref))
                        .put("reason", "MISSING");
                  }
                }
                return out;
              }
              // Every ACTIVE provider, FARGATE and FARGATE_SPOT first, a page at a time.
              List<String> names = new ArrayList<>();
              for (String name : CapacityProviders.listed(all)) {
                if (all.isActive(name)) names.add(name);
              }
              int from = after.map(a -> names.indexOf(a) + 1).orElse(0);
              List<String> page = names.subList(Math.min(from, names.size()), names.size());
              page.stream()
                  .limit(max)
                  .forEach(n -> shown.add(CapacityProviderJson.view(ctx.view(), n, all, tags)));
              if (page.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), page.get(max - 1)));
              return out;
            });
  }

  CompletionStage<JsonNode> putClusterCapacityProviders(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> providers =
        List.copyOf(new LinkedHashSet<>(JsonViews.textList(input, "capacityProviders")));
    List<CapacityProviderStrategyItem> strategy =
        CapacityProviderStrategies.decode(input, "defaultCapacityProviderStrategy");
    for (CapacityProviderStrategyItem item : strategy) {
      if (!providers.contains(item.capacityProvider()))
        throw EcsException.invalidParameter(CapacityProviderStrategies.NOT_ASSOCIATED);
    }
    String clusterId = Cluster.entityId(ctx.accountId(), cluster);
    // The cluster must exist before the providers record it; then the cluster keeps the new set.
    return entities
        .<Cluster.Command, ClusterInfo>ask(Cluster.ENTITY_KEY, clusterId, Cluster.Get::new)
        .thenCompose(
            info -> {
              if (info.status() != Cluster.Status.ACTIVE)
                throw EcsException.clusterNotFound("Cluster not found.");
              List<String> removed = new ArrayList<>(info.spec().capacityProviders());
              removed.removeAll(providers);
              return removed.isEmpty()
                  ? CompletableFuture.completedFuture(info)
                  : refuseInUse(ctx, cluster, removed).thenApply(x -> info);
            })
        .thenCompose(
            info -> {
              return entities.<CapacityProviders.Command, Done>ask(
                  CapacityProviders.ENTITY_KEY,
                  ctx.accountId(),
                  replyTo ->
                      new CapacityProviders.Associate(
                          cluster, providers, ctx.receivedAt(), replyTo));
            })
        .thenCompose(
            done ->
                entities.<Cluster.Command, ClusterInfo>ask(
                    Cluster.ENTITY_KEY,
                    clusterId,
                    replyTo ->
                        new Cluster.PutCapacityProviders(
                            providers,
                            CapacityProviderStrategyItem.toJson(strategy),
                            ctx.receivedAt(),
                            replyTo)))
        .thenApply(
            info ->
                JsonViews.wrap("cluster", ClusterJson.view(ctx.view(), info, true, true, false)));
  }

  /**
   * ECS disassociates a provider only when no task of the cluster runs on it: {@code
   * ResourceInUseException} otherwise.
   */
  private CompletionStage<Done> refuseInUse(
      RequestContext ctx, String cluster, List<String> removed) {
    return entities
        .<ClusterPlacement.Command, ClusterPlacement.Instances>askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(ctx.accountId(), cluster),
            ClusterPlacement.GetInstances::new)
        .thenApply(
            instances -> {
              boolean inUse =
                  instances.instances().stream()
                      .flatMap(i -> i.reservations().values().stream())
                      .anyMatch(
                          r ->
                              r.phase() != ContainerInstance.TaskPhase.STOPPED
                                  && removed.contains(r.summary().capacityProvider()));
              if (inUse) {
                throw new EcsException(
                    ErrorType.RESOURCE_IN_USE,
                    "The specified capacity provider is in use and cannot be removed.");
              }
              return Done.getInstance();
            });
  }

  private CompletionStage<Providers> providers(RequestContext ctx) {
    return entities.<CapacityProviders.Command, Providers>ask(
        CapacityProviders.ENTITY_KEY, ctx.accountId(), CapacityProviders.Get::new);
  }

  /** The name of a name or an ARN of the caller's. */
  private static String providerName(String nameOrArn) {
    if (!nameOrArn.startsWith("arn:")) return nameOrArn;
    return nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
  }

  private static Optional<String> nameOfArn(RequestContext ctx, String arn) {
    return Arns.parse(arn)
        .filter(p -> p.accountId().equals(ctx.accountId()))
        .filter(p -> p.resourceType().equals("capacity-provider"))
        .map(Arns.ParsedArn::resourceId);
  }

  private static void unsupportedManagedInstances(JsonNode input) {
    if (input.hasNonNull("managedInstancesProvider") || input.hasNonNull("cluster")) {
      throw new EcsException(
          ErrorType.UNSUPPORTED_FEATURE,
          "Amazon ECS Managed Instances capacity providers are not supported here.");
    }
  }

  /**
   * ECS's defaults for what CreateCapacityProvider leaves out, as DescribeCapacityProviders shows
   * them.
   */
  private static JsonNode withDefaults(JsonNode asg) {
    ObjectNode out = asg.deepCopy();
    if (!out.has("managedTerminationProtection"))
      out.put("managedTerminationProtection", "DISABLED");
    if (!out.has("managedDraining")) out.put("managedDraining", "ENABLED");
    ObjectNode scaling =
        out.get("managedScaling") instanceof ObjectNode given
            ? given
            : out.putObject("managedScaling");
    if (!scaling.has("status")) scaling.put("status", "DISABLED");
    if (!scaling.has("targetCapacity")) scaling.put("targetCapacity", 100);
    if (!scaling.has("minimumScalingStepSize")) scaling.put("minimumScalingStepSize", 1);
    if (!scaling.has("maximumScalingStepSize")) scaling.put("maximumScalingStepSize", 10000);
    if (!scaling.has("instanceWarmupPeriod")) scaling.put("instanceWarmupPeriod", 300);
    return out;
  }
}
