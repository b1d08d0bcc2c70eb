package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.account.Account;
import io.harbormaster.account.AccountSettings;
import io.harbormaster.account.AccountSettings.SettingName;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.cluster.Cluster.ClusterInfo;
import io.harbormaster.cluster.Cluster.ClusterSpec;
import io.harbormaster.cluster.Cluster.Setting;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.placement.ClusterPlacement;
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
 * CreateCluster, DescribeClusters, ListClusters, UpdateCluster, UpdateClusterSettings,
 * DeleteCluster.
 */
public final class ClusterHandlers {
  private final Entities entities;
  private final EcsPaging paging;

  public ClusterHandlers(Entities entities, EcsPaging paging) {
    this.entities = entities;
    this.paging = paging;
  }

  public void register(EcsOperations operations) {
    operations
        .register("CreateCluster", this::createCluster)
        .register("DescribeClusters", this::describeClusters)
        .register("ListClusters", this::listClusters)
        .register("UpdateCluster", this::updateCluster)
        .register("UpdateClusterSettings", this::updateClusterSettings)
        .register("DeleteCluster", this::deleteCluster);
  }

  CompletionStage<JsonNode> createCluster(RequestContext ctx, JsonNode input) {
    String name =
        EcsNames.requireClusterName(JsonViews.text(input, "clusterName").orElse("default"));
    List<Setting> given = settings(input);
    boolean insightsGiven = given.stream().anyMatch(s -> s.name().equals(CONTAINER_INSIGHTS));
    // A cluster created without containerInsights takes the account's containerInsights setting
    // when the account (or the caller) set one, as ECS does.
    CompletionStage<List<Setting>> withDefaults =
        insightsGiven
            ? CompletableFuture.completedFuture(given)
            : entities
                .<AccountSettings.Command, AccountSettings.Settings>ask(
                    AccountSettings.ENTITY_KEY, ctx.accountId(), AccountSettings.Get::new)
                .thenApply(
                    account -> {
                      Optional<String> chosen =
                          account
                              .explicit(ctx.callerArn(), SettingName.CONTAINER_INSIGHTS)
                              .or(
                                  () ->
                                      account.explicit(
                                          Arns.accountRoot(ctx.accountId()),
                                          SettingName.CONTAINER_INSIGHTS));
                      if (chosen.isEmpty()) return given;
                      List<Setting> out = new ArrayList<>(given);
                      out.add(new Setting(CONTAINER_INSIGHTS, chosen.get()));
                      return out;
                    });
    return withDefaults.thenCompose(settings -> create(ctx, input, name, settings));
  }

  private static final String CONTAINER_INSIGHTS = "containerInsights";

  private CompletionStage<JsonNode> create(
      RequestContext ctx, JsonNode input, String name, List<Setting> settings) {
    List<String> providers =
        List.copyOf(new LinkedHashSet<>(JsonViews.textList(input, "capacityProviders")));
    List<CapacityProviderStrategyItem> strategy =
        CapacityProviderStrategies.decode(input, "defaultCapacityProviderStrategy");
    for (CapacityProviderStrategyItem item : strategy) {
      if (!providers.contains(item.capacityProvider()))
        throw EcsException.invalidParameter(CapacityProviderStrategies.NOT_ASSOCIATED);
    }
    ClusterSpec spec =
        new ClusterSpec(
            name,
            settings,
            JsonViews.member(input, "configuration").orElse(null),
            JsonViews.member(input, "serviceConnectDefaults").orElse(null),
            providers,
            input.has("defaultCapacityProviderStrategy")
                ? CapacityProviderStrategyItem.toJson(strategy)
                : null,
            ResourceRefs.tags(input, "tags"));
    // The providers must exist, and then know the cluster uses them (a provider in use is not
    // deleted).
    CompletionStage<Done> associated =
        providers.isEmpty()
            ? CompletableFuture.completedFuture(Done.getInstance())
            : entities.<CapacityProviders.Command, Done>ask(
                CapacityProviders.ENTITY_KEY,
                ctx.accountId(),
                replyTo ->
                    new CapacityProviders.Associate(name, providers, ctx.receivedAt(), replyTo));
    // The cluster answers once the account's directory lists it (ListClusters right after shows
    // it).
    return associated
        .thenCompose(
            done ->
                entities.<Cluster.Command, ClusterInfo>ask(
                    Cluster.ENTITY_KEY,
                    Cluster.entityId(ctx.accountId(), name),
                    replyTo -> new Cluster.Create(spec, ctx.receivedAt(), replyTo)))
        .thenApply(
            info ->
                JsonViews.wrap("cluster", ClusterJson.view(ctx.view(), info, true, true, false)));
  }

  CompletionStage<JsonNode> describeClusters(RequestContext ctx, JsonNode input) {
    DescribeClustersRequest request = DescribeClustersRequest.decode(input);
    List<String> refs = request.clusters();
    return DescribeFanOut.lookUp(
            refs,
            ref ->
                ResourceRefs.clusterNameIfValid(ctx, ref)
                    .map(
                        name ->
                            entities
                                .<Cluster.Command, ClusterInfo>ask(
                                    Cluster.ENTITY_KEY,
                                    Cluster.entityId(ctx.accountId(), name),
                                    Cluster.Get::new)
                                .thenCombine(taskCounts(ctx, name), CountedCluster::new)))
        .thenApply(
            lookups ->
                DescribeFanOut.answer(
                    "clusters",
                    refs,
                    lookups,
                    c ->
                        ClusterJson.view(
                            ctx.view(),
                            c.info(),
                            request.tags(),
                            request.settings(),
                            request.statistics(),
                            c.counts()),
                    name -> Arns.cluster(ctx.region(), ctx.accountId(), name)));
  }

  /** A cluster with its task counts, asked at the same time. */
  private record CountedCluster(ClusterInfo info, ClusterJson.TaskCounts counts) {}

  CompletionStage<JsonNode> listClusters(RequestContext ctx, JsonNode input) {
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return entities
        .<Account.Command, Account.Directory>ask(
            Account.ENTITY_KEY, ctx.accountId(), Account.GetDirectory::new)
        .thenApply(
            directory -> {
              List<String> names =
                  after
                      .map(a -> List.copyOf(directory.clusters().tailSet(a + "\0")))
                      .orElseGet(() -> List.copyOf(directory.clusters()));
              ObjectNode out = JsonViews.object();
              ArrayNode arns = out.putArray("clusterArns");
              names.stream()
                  .limit(max)
                  .forEach(n -> arns.add(Arns.cluster(ctx.region(), ctx.accountId(), n)));
              if (names.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), names.get(max - 1)));
              return out;
            });
  }

  CompletionStage<JsonNode> updateCluster(RequestContext ctx, JsonNode input) {
    return update(ctx, UpdateClusterRequest.decode(ctx, input));
  }

  CompletionStage<JsonNode> updateClusterSettings(RequestContext ctx, JsonNode input) {
    return update(ctx, UpdateClusterRequest.decodeSettings(ctx, input));
  }

  private CompletionStage<JsonNode> update(RequestContext ctx, UpdateClusterRequest request) {
    return entities
        .<Cluster.Command, ClusterInfo>ask(
            Cluster.ENTITY_KEY,
            Cluster.entityId(ctx.accountId(), request.cluster()),
            replyTo ->
                new Cluster.Update(
                    request.settings(),
                    request.configuration(),
                    request.serviceConnectDefaults(),
                    ctx.receivedAt(),
                    replyTo))
        .thenApply(
            info ->
                JsonViews.wrap("cluster", ClusterJson.view(ctx.view(), info, true, true, false)));
  }

  CompletionStage<JsonNode> deleteCluster(RequestContext ctx, JsonNode input) {
    String name = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    return entities
        .<Cluster.Command, ClusterInfo>ask(
            Cluster.ENTITY_KEY,
            Cluster.entityId(ctx.accountId(), name),
            replyTo -> new Cluster.Delete(ctx.receivedAt(), replyTo))
        // A deleted cluster no longer uses its capacity providers.
        .thenCompose(
            info ->
                info.spec().capacityProviders() == null || info.spec().capacityProviders().isEmpty()
                    ? CompletableFuture.completedFuture(info)
                    : entities
                        .<CapacityProviders.Command, Done>ask(
                            CapacityProviders.ENTITY_KEY,
                            ctx.accountId(),
                            replyTo ->
                                new CapacityProviders.Associate(
                                    name, List.of(), ctx.receivedAt(), replyTo))
                        .thenApply(done -> info))
        // The cluster answers once the account's directory no longer lists it.
        .thenApply(
            info ->
                JsonViews.wrap("cluster", ClusterJson.view(ctx.view(), info, true, true, false)));
  }

  /**
   * Running and pending tasks over the cluster's instances. A placement that cannot answer fails
   * the call (a ServerException) rather than showing 0 tasks.
   */
  private CompletableFuture<ClusterJson.TaskCounts> taskCounts(RequestContext ctx, String cluster) {
    return entities
        .<ClusterPlacement.Command, ClusterPlacement.Instances>askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(ctx.accountId(), cluster),
            ClusterPlacement.GetInstances::new)
        .thenApply(
            instances ->
                new ClusterJson.TaskCounts(
                    instances.instances().stream().mapToInt(InstanceView::runningTasksCount).sum(),
                    instances.instances().stream().mapToInt(InstanceView::pendingTasksCount).sum()))
        .toCompletableFuture();
  }

  static List<Setting> settings(JsonNode input) {
    List<Setting> out = new ArrayList<>();
    JsonNode node = input.get("settings");
    if (node == null || node.isNull()) return out;
    for (JsonNode s : node) {
      String name =
          JsonViews.text(s, "name")
              .orElseThrow(() -> EcsException.invalidParameter("A cluster setting needs a name."));
      String value =
          JsonViews.text(s, "value")
              .orElseThrow(
                  () ->
                      EcsException.invalidParameter(
                          "The cluster setting " + name + " needs a value."));
      if (name.equals("containerInsights")
          && !List.of("enabled", "disabled", "enhanced").contains(value)) {
        throw EcsException.invalidParameter(
            "containerInsights must be enabled, disabled or enhanced, not '" + value + "'.");
      }
      out.add(new Setting(name, value));
    }
    return out;
  }
}
