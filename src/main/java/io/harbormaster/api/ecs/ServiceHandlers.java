package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.TaskDemands;
import io.harbormaster.service.Service;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceChange;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
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
  private static final int MAX_DESCRIBE = 10;
  private static final int MAX_CONSTRAINTS = 10;
  private static final int MAX_STRATEGIES = 5;
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
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String name = JsonViews.text(input, "serviceName").orElse("");
    if (!EcsNames.isValidName(name)) {
      throw EcsException.invalidParameter(
          "Invalid service name '"
              + name
              + "': up to 255 letters (uppercase and "
              + "lowercase), numbers, underscores, and hyphens are allowed.");
    }
    SchedulingStrategy scheduling =
        scheduling(JsonViews.text(input, "schedulingStrategy").orElse("REPLICA"));
    String launchType = launchType(JsonViews.text(input, "launchType").orElse("EC2"));
    String taskDefinitionRef =
        JsonViews.text(input, "taskDefinition")
            .orElseThrow(
                () -> EcsException.invalidParameter("A task definition must be specified."));
    int desiredCount;
    if (scheduling == SchedulingStrategy.REPLICA) {
      if (!input.hasNonNull("desiredCount")) {
        throw EcsException.invalidParameter(
            "The desired count must be specified for the REPLICA scheduling " + "strategy.");
      }
      desiredCount = desiredCount(input);
    } else {
      desiredCount = 0;
    }
    DeploymentSettings deployment =
        deploymentSettings(input.path("deploymentConfiguration"), defaults(scheduling));
    List<ConstraintSpec> constraints = constraints(input.path("placementConstraints"));
    List<StrategySpec> strategies = strategies(input.path("placementStrategy"), scheduling);
    Integer grace = gracePeriod(input);
    List<Tag> tags = ResourceRefs.tags(input, "tags");
    String group = Service.group(name);
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(info -> activeRevision(ctx, taskDefinitionRef))
        .thenCompose(
            revision -> {
              checkPlacement(revision, group, constraints, strategies);
              ServiceSpec spec =
                  new ServiceSpec(
                      name,
                      arnOf(ctx, revision),
                      desiredCount,
                      scheduling,
                      launchType,
                      deployment,
                      constraints,
                      strategies,
                      grace,
                      tags);
              // The cluster's membership first: a crash in between leaves a name a retried request
              // fills in.
              return entities
                  .<Cluster.Command, Cluster.ClusterInfo>ask(
                      Cluster.ENTITY_KEY,
                      Cluster.entityId(ctx.accountId(), cluster),
                      replyTo -> new Cluster.AddService(name, ctx.receivedAt(), replyTo))
                  .thenCompose(
                      info ->
                          entities.<Service.Command, ServiceView>ask(
                              Service.ENTITY_KEY,
                              Service.entityId(ctx.accountId(), cluster, name),
                              replyTo ->
                                  new Service.Create(
                                      spec, Service.newDeploymentId(), ctx.receivedAt(), replyTo)));
            })
        .thenCompose(view -> respond(ctx, view, true));
  }

  CompletionStage<JsonNode> updateService(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    ServiceRef ref = ServiceRef.require(ctx, cluster, JsonViews.text(input, "service").orElse(""));
    Integer desiredCount = input.hasNonNull("desiredCount") ? desiredCount(input) : null;
    Integer grace = gracePeriod(input);
    boolean force = input.path("forceNewDeployment").asBoolean(false);
    Optional<String> taskDefinitionRef = JsonViews.text(input, "taskDefinition");
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                entities.<Service.Command, ServiceView>ask(
                    Service.ENTITY_KEY, ref.entityId(ctx), Service.Get::new))
        .thenCompose(
            current -> {
              SchedulingStrategy scheduling = current.spec().scheduling();
              DeploymentSettings deployment =
                  input.hasNonNull("deploymentConfiguration")
                      ? deploymentSettings(
                          input.get("deploymentConfiguration"),
                          current.spec().deploymentConfiguration())
                      : null;
              List<ConstraintSpec> constraints =
                  input.hasNonNull("placementConstraints")
                      ? constraints(input.get("placementConstraints"))
                      : null;
              List<StrategySpec> strategies =
                  input.hasNonNull("placementStrategy")
                      ? strategies(input.get("placementStrategy"), scheduling)
                      : null;
              if (desiredCount != null && scheduling == SchedulingStrategy.DAEMON) {
                throw EcsException.invalidParameter(
                    "The desired count cannot be set for a service with the DAEMON "
                        + "scheduling strategy.");
              }
              CompletionStage<Optional<TaskDefinitionFamily.Revision>> revision =
                  taskDefinitionRef.isPresent()
                      ? activeRevision(ctx, taskDefinitionRef.get()).thenApply(Optional::of)
                      : CompletableFuture.completedFuture(Optional.empty());
              return revision.thenCompose(
                  r -> {
                    checkPlacement(
                        r.orElse(null),
                        Service.group(ref.name()),
                        constraints != null ? constraints : current.spec().placementConstraints(),
                        strategies != null ? strategies : current.spec().placementStrategy());
                    ServiceChange change =
                        new ServiceChange(
                            desiredCount,
                            r.map(rev -> arnOf(ctx, rev)).orElse(null),
                            deployment,
                            constraints,
                            strategies,
                            grace,
                            force);
                    return entities.<Service.Command, ServiceView>ask(
                        Service.ENTITY_KEY,
                        ref.entityId(ctx),
                        replyTo ->
                            new Service.Update(
                                change, Service.newDeploymentId(), ctx.receivedAt(), replyTo));
                  });
            })
        .thenCompose(view -> respond(ctx, view, true));
  }

  CompletionStage<JsonNode> deleteService(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    ServiceRef ref = ServiceRef.require(ctx, cluster, JsonViews.text(input, "service").orElse(""));
    boolean force = input.path("force").asBoolean(false);
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info ->
                entities.<Service.Command, ServiceView>ask(
                    Service.ENTITY_KEY,
                    ref.entityId(ctx),
                    replyTo -> new Service.Delete(force, ctx.receivedAt(), replyTo)))
        .thenCompose(view -> respond(ctx, view, true));
  }

  CompletionStage<JsonNode> describeServices(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<String> refs = JsonViews.textList(input, "services");
    if (refs.isEmpty() || refs.size() > MAX_DESCRIBE) {
      throw EcsException.invalidParameter("services must name 1 to " + MAX_DESCRIBE + " services.");
    }
    boolean tags = JsonViews.includes(input, "TAGS");
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
                                v -> ServiceJson.view(ctx.view(), v, tags, daemonDesired),
                                name ->
                                    Arns.service(ctx.region(), ctx.accountId(), cluster, name))));
  }

  CompletionStage<JsonNode> listServices(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    int max = EcsPaging.maxResults(input, 10, 100);
    Optional<String> launchType = JsonViews.text(input, "launchType");
    Optional<SchedulingStrategy> scheduling =
        JsonViews.text(input, "schedulingStrategy").map(ServiceHandlers::scheduling);
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return instances
        .requireCluster(ctx, cluster)
        .thenCompose(
            info -> {
              List<String> names =
                  info.services().stream()
                      .filter(n -> after.map(a -> n.compareTo(a) > 0).orElse(true))
                      .toList();
              if (launchType.isEmpty() && scheduling.isEmpty())
                return CompletableFuture.completedFuture(names);
              List<CompletableFuture<Optional<ServiceView>>> views =
                  names.stream()
                      .map(
                          n ->
                              entities
                                  .<Service.Command, ServiceView>ask(
                                      Service.ENTITY_KEY,
                                      Service.entityId(ctx.accountId(), cluster, n),
                                      Service.Get::new)
                                  .thenApply(Optional::of)
                                  .exceptionally(Entities::<ServiceView>missingIfRefused)
                                  .toCompletableFuture())
                      .toList();
              return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x ->
                          views.stream()
                              .map(CompletableFuture::join)
                              .flatMap(Optional::stream)
                              .filter(
                                  v ->
                                      launchType
                                          .map(l -> l.equals(v.spec().launchType()))
                                          .orElse(true))
                              .filter(
                                  v -> scheduling.map(s -> s == v.spec().scheduling()).orElse(true))
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
      all.addAll(constraints(revision.definition().path("placementConstraints")));
    try {
      TaskDemands.of(new Demand(0, 0, Set.of(), Set.of()), group, all, strategies);
    } catch (IllegalArgumentException e) { // QueryLanguageException is one too
      throw EcsException.invalidParameter(e.getMessage());
    }
  }

  private static SchedulingStrategy scheduling(String text) {
    try {
      return SchedulingStrategy.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw EcsException.invalidParameter(
          "schedulingStrategy must be REPLICA or DAEMON, not '" + text + "'.");
    }
  }

  private static String launchType(String text) {
    if (text.equals("EC2") || text.equals("EXTERNAL")) return text;
    throw EcsException.invalidParameter(
        "launchType "
            + text
            + " is not supported here: services run on the "
            + "cluster's container instances (EC2 or EXTERNAL).");
  }

  private static int desiredCount(JsonNode input) {
    JsonNode n = input.get("desiredCount");
    if (!n.canConvertToInt() || n.asInt() < 0) {
      throw EcsException.invalidParameter("The desired count must be zero or more.");
    }
    return n.asInt();
  }

  private static Integer gracePeriod(JsonNode input) {
    if (!input.hasNonNull("healthCheckGracePeriodSeconds")) return null;
    int seconds = input.get("healthCheckGracePeriodSeconds").asInt();
    if (seconds < 0)
      throw EcsException.invalidParameter("healthCheckGracePeriodSeconds must be zero or more.");
    return seconds;
  }

  private static DeploymentSettings defaults(SchedulingStrategy scheduling) {
    return scheduling == SchedulingStrategy.DAEMON
        ? new DeploymentSettings(0, 100, false, false)
        : new DeploymentSettings(100, 200, false, false);
  }

  /** Members the request leaves out keep their value from {@code base}. */
  private static DeploymentSettings deploymentSettings(JsonNode node, DeploymentSettings base) {
    if (node == null || node.isMissingNode() || node.isNull()) return base;
    int min =
        node.hasNonNull("minimumHealthyPercent")
            ? node.get("minimumHealthyPercent").asInt()
            : base.minimumHealthyPercent();
    int max =
        node.hasNonNull("maximumPercent")
            ? node.get("maximumPercent").asInt()
            : base.maximumPercent();
    JsonNode breaker = node.path("deploymentCircuitBreaker");
    boolean enable =
        breaker.hasNonNull("enable")
            ? breaker.get("enable").asBoolean()
            : base.circuitBreakerEnabled();
    boolean rollback =
        breaker.hasNonNull("rollback") ? breaker.get("rollback").asBoolean() : base.rollback();
    if (min < 0 || min > 100) {
      throw EcsException.invalidParameter(
          "minimumHealthyPercent must be between 0 and 100, not " + min + ".");
    }
    if (max < 100) {
      throw EcsException.invalidParameter("maximumPercent must be at least 100, not " + max + ".");
    }
    return new DeploymentSettings(min, max, enable, rollback);
  }

  private static List<ConstraintSpec> constraints(JsonNode node) {
    List<ConstraintSpec> out = PlacementSpecs.constraints(node);
    if (out.size() > MAX_CONSTRAINTS) {
      throw EcsException.invalidParameter(
          "A service can have at most " + MAX_CONSTRAINTS + " placement constraints.");
    }
    return out;
  }

  private static List<StrategySpec> strategies(JsonNode node, SchedulingStrategy scheduling) {
    List<StrategySpec> out = PlacementSpecs.strategies(node);
    if (out.size() > MAX_STRATEGIES) {
      throw EcsException.invalidParameter(
          "A service can have at most " + MAX_STRATEGIES + " placement strategies.");
    }
    if (!out.isEmpty() && scheduling == SchedulingStrategy.DAEMON) {
      throw EcsException.invalidParameter(
          "Placement strategies are not supported with the DAEMON scheduling " + "strategy.");
    }
    return out;
  }
}
