package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskDemands;
import io.harbormaster.service.Service;
import io.harbormaster.service.Service.ServiceChange;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.task.TaskNetworkConfiguration;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.views.JsonViews;
import io.harbormaster.views.ServiceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** CreateService, UpdateService, DeleteService, DescribeServices, ListServices. */
public final class ServiceHandlers {
  private final Entities entities;
  private final EcsPaging paging;
  private final InstanceHandlers instances;

  public ServiceHandlers(Entities entities, EcsPaging paging, InstanceHandlers instances) {
    this.entities = entities;
    this.paging = paging;
    this.instances = instances;
  }

  public void register(EcsOperations operations) {
    operations
        .register("CreateService", this::createService)
        .register("UpdateService", this::updateService)
        .register("DeleteService", this::deleteService)
        .register("DescribeServices", this::describeServices)
        .register("ListServices", this::listServices);
  }

  /**
   * A service as a request names it: a name, or an ARN (long format service/cluster/name, or short
   * service/name).
   */
  record ServiceRef(String cluster, String name) {
    static Optional<ServiceRef> parse(RequestContext ctx, String cluster, String ref) {
      if (ref == null || ref.isEmpty()) return Optional.empty();
      if (!ref.startsWith("arn:")) {
        return EcsNames.isValidName(ref)
            ? Optional.of(new ServiceRef(cluster, ref))
            : Optional.empty();
      }
      return Arns.parse(ref)
          .filter(a -> a.resourceType().equals("service"))
          .filter(a -> a.accountId().equals(ctx.accountId()) && a.region().equals(ctx.region()))
          .map(
              a -> {
                String id = a.resourceId();
                int slash = id.indexOf('/');
                return slash < 0
                    ? new ServiceRef(cluster, id)
                    : new ServiceRef(id.substring(0, slash), id.substring(slash + 1));
              })
          .filter(r -> r.cluster().equals(cluster) && EcsNames.isValidName(r.name()));
    }

    static ServiceRef require(RequestContext ctx, String cluster, String ref) {
      return parse(ctx, cluster, ref)
          .orElseThrow(() -> new EcsException(ErrorType.SERVICE_NOT_FOUND, "Service not found."));
    }

    String entityId(RequestContext ctx) {
      return Service.entityId(ctx.accountId(), cluster, name);
    }
  }

  CompletionStage<JsonNode> createService(RequestContext ctx, JsonNode input) {
    CreateServiceRequest request = CreateServiceRequest.decode(ctx, input);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(
            info ->
                activeRevision(ctx, request.taskDefinition())
                    .thenCompose(revision -> create(ctx, request, info, revision)))
        .thenCompose(view -> respond(ctx, view, true));
  }

  private CompletionStage<ServiceView> create(
      RequestContext ctx,
      CreateServiceRequest request,
      Cluster.ClusterInfo cluster,
      TaskDefinitionFamily.Revision revision) {
    checkPlacement(
        revision,
        Service.group(request.serviceName()),
        request.constraints(),
        request.strategies());
    // ECS decides once, at creation: the strategy given, else the launch type given, else the
    // cluster's default strategy, else EC2.
    List<CapacityProviderStrategyItem> strategy =
        associated(cluster, request.capacityProviderStrategy());
    List<CapacityProviderStrategyItem> clusterDefault =
        CapacityProviderStrategyItem.listOf(cluster.spec().defaultCapacityProviderStrategy());
    if (strategy.isEmpty()
        && request.launchType() == null
        && request.scheduling() == SchedulingStrategy.REPLICA) strategy = clusterDefault;
    String launchType =
        request.launchType() != null ? request.launchType() : strategy.isEmpty() ? "EC2" : null;
    ServiceSpec spec =
        new ServiceSpec(
            request.serviceName(),
            arnOf(ctx, revision),
            request.desiredCount(),
            request.scheduling(),
            launchType,
            request.deployment(),
            request.constraints(),
            request.strategies(),
            request.healthCheckGracePeriodSeconds(),
            request.tags(),
            TaskNetworkConfiguration.checked(
                revision.definition().path("networkMode").asText("bridge"),
                request.networkConfiguration()),
            strategy);
    // The service answers once its cluster lists it (ListServices right after shows it).
    return entities.<Service.Command, ServiceView>ask(
        Service.ENTITY_KEY,
        Service.entityId(ctx.accountId(), request.cluster(), request.serviceName()),
        replyTo -> new Service.Create(spec, Service.newDeploymentId(), ctx.receivedAt(), replyTo));
  }

  CompletionStage<JsonNode> updateService(RequestContext ctx, JsonNode input) {
    UpdateServiceRequest request = UpdateServiceRequest.decode(ctx, input);
    String entityId = request.service().entityId(ctx);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(
            info -> {
              if (request.capacityProviderStrategy() != null)
                associated(info, request.capacityProviderStrategy());
              return entities.<Service.Command, ServiceView>ask(
                  Service.ENTITY_KEY, entityId, Service.Get::new);
            })
        .thenCompose(current -> update(ctx, request, current.spec()))
        .thenCompose(view -> respond(ctx, view, true));
  }

  private CompletionStage<ServiceView> update(
      RequestContext ctx, UpdateServiceRequest request, ServiceSpec current) {
    UpdateServiceRequest.Checked checked = request.checkedAgainst(current);
    CompletionStage<Optional<TaskDefinitionFamily.Revision>> revision =
        request.taskDefinition() != null
            ? activeRevision(ctx, request.taskDefinition()).thenApply(Optional::of)
            : CompletableFuture.completedFuture(Optional.empty());
    return revision.thenCompose(
        r -> {
          checkPlacement(
              r.orElse(null),
              Service.group(request.service().name()),
              checked.constraints() != null
                  ? checked.constraints()
                  : current.placementConstraints(),
              checked.strategies() != null ? checked.strategies() : current.placementStrategy());
          ServiceChange change =
              new ServiceChange(
                  request.desiredCount(),
                  r.map(rev -> arnOf(ctx, rev)).orElse(null),
                  checked.deployment(),
                  checked.constraints(),
                  checked.strategies(),
                  request.healthCheckGracePeriodSeconds(),
                  request.forceNewDeployment(),
                  request.capacityProviderStrategy());
          return entities.<Service.Command, ServiceView>ask(
              Service.ENTITY_KEY,
              request.service().entityId(ctx),
              replyTo ->
                  new Service.Update(change, Service.newDeploymentId(), ctx.receivedAt(), replyTo));
        });
  }

  CompletionStage<JsonNode> deleteService(RequestContext ctx, JsonNode input) {
    DeleteServiceRequest request = DeleteServiceRequest.decode(ctx, input);
    return instances
        .requireCluster(ctx, request.cluster())
        .thenCompose(
            info ->
                entities.<Service.Command, ServiceView>ask(
                    Service.ENTITY_KEY,
                    request.service().entityId(ctx),
                    replyTo -> new Service.Delete(request.force(), ctx.receivedAt(), replyTo)))
        .thenCompose(view -> respond(ctx, view, true));
  }

  CompletionStage<JsonNode> describeServices(RequestContext ctx, JsonNode input) {
    DescribeServicesRequest request = DescribeServicesRequest.decode(ctx, input);
    String cluster = request.cluster();
    List<String> refs = request.services();
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                DescribeFanOut.lookUp(
                    refs,
                    r ->
                        ServiceRef.parse(ctx, cluster, r)
                            .map(
                                ref ->
                                    entities.<Service.Command, ServiceView>ask(
                                        Service.ENTITY_KEY, ref.entityId(ctx), Service.Get::new))))
        .thenCompose(
            lookups ->
                daemonTargets(ctx, cluster, DescribeFanOut.found(lookups))
                    .thenApply(
                        daemonDesired ->
                            DescribeFanOut.answer(
                                "services",
                                refs,
                                lookups,
                                v -> ServiceJson.view(ctx.view(), v, request.tags(), daemonDesired),
                                name ->
                                    Arns.service(ctx.region(), ctx.accountId(), cluster, name))));
  }

  CompletionStage<JsonNode> listServices(RequestContext ctx, JsonNode input) {
    ListServicesRequest request = ListServicesRequest.decode(ctx, input, paging);
    String cluster = request.cluster();
    int max = request.maxResults();
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info -> {
              List<String> names =
                  info.services().stream()
                      .filter(n -> request.after().map(a -> n.compareTo(a) > 0).orElse(true))
                      .toList();
              if (!request.filtered()) return CompletableFuture.completedFuture(names);
              return DescribeFanOut.lookUp(
                      names,
                      n ->
                          Optional.of(
                              entities.<Service.Command, ServiceView>ask(
                                  Service.ENTITY_KEY,
                                  Service.entityId(ctx.accountId(), cluster, n),
                                  Service.Get::new)))
                  .thenApply(
                      lookups ->
                          DescribeFanOut.found(lookups).stream()
                              .filter(
                                  v ->
                                      request
                                          .launchType()
                                          .map(l -> l.equals(v.spec().launchType()))
                                          .orElse(true))
                              .filter(
                                  v ->
                                      request
                                          .scheduling()
                                          .map(s -> s == v.spec().scheduling())
                                          .orElse(true))
                              .map(ServiceView::serviceName)
                              .toList());
            })
        .thenApply(
            names -> {
              ObjectNode out = JsonViews.object();
              ArrayNode arns = out.putArray("serviceArns");
              names.stream()
                  .limit(max)
                  .forEach(n -> arns.add(Arns.service(ctx.region(), ctx.accountId(), cluster, n)));
              if (names.size() > max)
                out.put("nextToken", paging.encode(ctx.accountId(), names.get(max - 1)));
              return out;
            });
  }

  // ---- shared steps ----
  private CompletionStage<JsonNode> respond(RequestContext ctx, ServiceView view, boolean tags) {
    return daemonTargets(ctx, view.clusterName(), List.of(view))
        .thenApply(
            daemon -> JsonViews.wrap("service", ServiceJson.view(ctx.view(), view, tags, daemon)));
  }

  /**
   * The ACTIVE instances of the cluster, when a DAEMON service is among those shown (ECS's desired
   * count). A placement that cannot answer fails the call (a ServerException) rather than showing a
   * desired count of 0.
   */
  private CompletionStage<Integer> daemonTargets(
      RequestContext ctx, String cluster, List<ServiceView> views) {
    if (views.stream().noneMatch(v -> v.spec().scheduling() == SchedulingStrategy.DAEMON)) {
      return CompletableFuture.completedFuture(0);
    }
    return instances
        .instances(ctx, cluster)
        .thenApply(
            all ->
                (int)
                    all.stream()
                        .filter(v -> v.status() == ContainerInstance.Status.ACTIVE)
                        .count());
  }

  private CompletionStage<TaskDefinitionFamily.Revision> activeRevision(
      RequestContext ctx, String ref) {
    var parsed = TaskDefinitionHandlers.TaskDefinitionRef.parse(ctx, ref);
    return entities
        .<TaskDefinitionFamily.Command, TaskDefinitionFamily.Revision>ask(
            TaskDefinitionFamily.ENTITY_KEY,
            TaskDefinitionFamily.entityId(ctx.accountId(), parsed.family()),
            replyTo -> new TaskDefinitionFamily.Get(parsed.revision(), replyTo))
        .thenApply(
            revision -> {
              if (revision.status() != TaskDefinitionFamily.Status.ACTIVE) {
                throw EcsException.clientException("TaskDefinition is inactive");
              }
              return revision;
            });
  }

  private static String arnOf(RequestContext ctx, TaskDefinitionFamily.Revision revision) {
    return Arns.taskDefinition(
        ctx.region(), ctx.accountId(), revision.family(), revision.revision());
  }

  /**
   * Constraints and strategies are parsed once here to report mistakes; the service's placement
   * parses them again.
   */
  private static void checkPlacement(
      TaskDefinitionFamily.Revision revision,
      String group,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies) {
    List<ConstraintSpec> all = new ArrayList<>(constraints);
    if (revision != null)
      all.addAll(
          ServiceMembers.checkedConstraints(
              PlacementSpecs.constraints(revision.definition().path("placementConstraints"))));
    try {
      TaskDemands.of(new Demand(0, 0, Set.of(), Set.of()), group, all, strategies);
    } catch (IllegalArgumentException e) { // QueryLanguageException is one too
      throw EcsException.invalidParameter(e.getMessage());
    }
  }

  /**
   * The strategy, checked to name only providers the cluster uses.
   *
   * @throws EcsException InvalidParameterException in ECS's words otherwise
   */
  private static List<CapacityProviderStrategyItem> associated(
      Cluster.ClusterInfo cluster, List<CapacityProviderStrategyItem> strategy) {
    List<String> providers =
        cluster.spec().capacityProviders() == null ? List.of() : cluster.spec().capacityProviders();
    for (CapacityProviderStrategyItem item : strategy) {
      if (!providers.contains(item.capacityProvider()))
        throw EcsException.invalidParameter(CapacityProviderStrategies.NOT_ASSOCIATED);
    }
    return strategy;
  }
}
