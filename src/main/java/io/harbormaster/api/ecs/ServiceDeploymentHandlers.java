package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.ecs.ServiceHandlers.ServiceRef;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.service.Service;
import io.harbormaster.service.ServiceDeployments;
import io.harbormaster.views.JsonViews;
import io.harbormaster.views.ServiceDeploymentJson;
import io.harbormaster.views.ServiceDeploymentJson.Owner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
 * StopServiceDeployment, ContinueServiceDeployment: a service's deployment history, which the
 * Service entity keeps ({@link ServiceDeployments}).
 */
public final class ServiceDeploymentHandlers {
  private final Entities entities;
  private final EcsPaging paging;
  private final InstanceHandlers instances;

  public ServiceDeploymentHandlers(
      Entities entities, EcsPaging paging, InstanceHandlers instances) {
    this.entities = entities;
    this.paging = paging;
    this.instances = instances;
  }

  public void register(EcsOperations operations) {
    operations
        .register("ListServiceDeployments", this::listServiceDeployments)
        .register("DescribeServiceDeployments", this::describeServiceDeployments)
        .register("DescribeServiceRevisions", this::describeServiceRevisions)
        .register("StopServiceDeployment", this::stopServiceDeployment)
        .register("ContinueServiceDeployment", this::continueServiceDeployment);
  }

  CompletionStage<JsonNode> listServiceDeployments(RequestContext ctx, JsonNode input) {
    ListServiceDeploymentsRequest request =
        ListServiceDeploymentsRequest.decode(ctx, input, paging);
    ServiceRef service = request.service();
    Owner owner = new Owner(ctx.view(), service.cluster(), service.name());
    return instances
        .requireCluster(ctx, service.cluster())
        .thenCompose(
            info ->
                entities.<Service.Command, ServiceDeployments.Page>ask(
                    Service.ENTITY_KEY,
                    service.entityId(ctx),
                    replyTo -> new Service.ListDeployments(request.query(), replyTo)))
        .thenApply(
            page -> {
              ObjectNode out = JsonViews.object();
              ArrayNode shown = out.putArray("serviceDeployments");
              page.deployments().forEach(r -> shown.add(ServiceDeploymentJson.brief(owner, r)));
              if (page.more()) {
                String last = page.deployments().get(page.deployments().size() - 1).id();
                out.put("nextToken", paging.encode(ctx.accountId(), last));
              }
              return out;
            });
  }

  CompletionStage<JsonNode> describeServiceDeployments(RequestContext ctx, JsonNode input) {
    List<String> arns = DescribeServiceHistoryRequest.decode(input, "serviceDeploymentArns").arns();
    return describe(ctx, arns, "service-deployment", true)
        .thenApply(
            found ->
                answer(
                    "serviceDeployments",
                    arns,
                    found,
                    (owner, answer, id) ->
                        answer.deployments().stream()
                            .filter(d -> d.deployment().id().equals(id))
                            .findFirst()
                            .map(d -> ServiceDeploymentJson.deployment(owner, d))));
  }

  CompletionStage<JsonNode> describeServiceRevisions(RequestContext ctx, JsonNode input) {
    List<String> arns = DescribeServiceHistoryRequest.decode(input, "serviceRevisionArns").arns();
    return describe(ctx, arns, "service-revision", false)
        .thenApply(
            found ->
                answer(
                    "serviceRevisions",
                    arns,
                    found,
                    (owner, answer, id) ->
                        answer.revisions().stream()
                            .filter(r -> r.id().equals(id))
                            .findFirst()
                            .map(r -> ServiceDeploymentJson.revision(owner, r))));
  }

  CompletionStage<JsonNode> stopServiceDeployment(RequestContext ctx, JsonNode input) {
    StopServiceDeploymentRequest request = StopServiceDeploymentRequest.decode(ctx, input);
    ServiceHistoryRef ref = request.deployment();
    return entities
        .<Service.Command, ServiceDeployments.Record>ask(
            Service.ENTITY_KEY,
            ref.service().entityId(ctx),
            replyTo ->
                new Service.StopDeployment(
                    ref.id(), Service.newDeploymentId(), ctx.receivedAt(), replyTo))
        .handle(
            (stopped, failure) -> {
              if (failure != null) throw deploymentNotFoundIfServiceIs(failure);
              return (JsonNode) JsonViews.object().put("serviceDeploymentArn", ref.arn());
            });
  }

  /**
   * Deployments here have no lifecycle hooks (blue/green hooks are not supported), so no hook can
   * be continued.
   */
  CompletionStage<JsonNode> continueServiceDeployment(RequestContext ctx, JsonNode input) {
    ContinueServiceDeploymentRequest request = ContinueServiceDeploymentRequest.decode(ctx, input);
    ServiceHistoryRef ref = request.deployment();
    return entities
        .<Service.Command, Service.HistoryAnswer>ask(
            Service.ENTITY_KEY,
            ref.service().entityId(ctx),
            replyTo -> new Service.DescribeHistory(List.of(ref.id()), List.of(), replyTo))
        .handle(
            (answer, failure) -> {
              if (failure != null) throw deploymentNotFoundIfServiceIs(failure);
              if (answer.deployments().isEmpty()) throw deploymentNotFound();
              throw new EcsException(
                  ErrorType.UNSUPPORTED_FEATURE,
                  "The service deployment has no lifecycle hook "
                      + request.hookId()
                      + ": deployment lifecycle hooks are not supported.");
            });
  }

  // ---- shared steps ----

  /** What one service answered for the ids of it that were asked. */
  private record Asked(Owner owner, Service.HistoryAnswer answer) {}

  /** Each service named by the ARNs is asked once; unparsable ARNs and missing services: none. */
  private CompletionStage<Map<String, Optional<Asked>>> describe(
      RequestContext ctx, List<String> arns, String type, boolean deployments) {
    Map<String, List<ServiceHistoryRef>> byService = new LinkedHashMap<>();
    for (String arn : arns) {
      ServiceHistoryRef.parse(ctx, type, arn)
          .ifPresent(
              ref ->
                  byService
                      .computeIfAbsent(ref.service().entityId(ctx), k -> new ArrayList<>())
                      .add(ref));
    }
    Map<String, CompletableFuture<Optional<Asked>>> asks = new LinkedHashMap<>();
    byService.forEach(
        (entityId, refs) -> {
          List<String> ids = refs.stream().map(ServiceHistoryRef::id).toList();
          ServiceRef service = refs.get(0).service();
          Owner owner = new Owner(ctx.view(), service.cluster(), service.name());
          asks.put(
              entityId,
              entities
                  .<Service.Command, Service.HistoryAnswer>ask(
                      Service.ENTITY_KEY,
                      entityId,
                      replyTo ->
                          deployments
                              ? new Service.DescribeHistory(ids, List.of(), replyTo)
                              : new Service.DescribeHistory(List.of(), ids, replyTo))
                  .thenApply(a -> Optional.of(new Asked(owner, a)))
                  .exceptionally(Entities::<Asked>missingIfRefused)
                  .toCompletableFuture());
        });
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              Map<String, Optional<Asked>> out = new LinkedHashMap<>();
              for (String arn : arns) {
                Optional<Asked> asked =
                    ServiceHistoryRef.parse(ctx, type, arn)
                        .flatMap(ref -> asks.get(ref.service().entityId(ctx)).join());
                out.put(arn, asked);
              }
              return out;
            });
  }

  private interface Shown {
    Optional<JsonNode> of(Owner owner, Service.HistoryAnswer answer, String id);
  }

  private static ObjectNode answer(
      String member, List<String> arns, Map<String, Optional<Asked>> found, Shown shown) {
    ObjectNode out = JsonViews.object();
    ArrayNode items = out.putArray(member);
    ArrayNode failures = out.putArray("failures");
    for (String arn : arns) {
      String id = arn.substring(arn.lastIndexOf('/') + 1);
      Optional<JsonNode> item = found.get(arn).flatMap(a -> shown.of(a.owner(), a.answer(), id));
      if (item.isPresent()) items.add(item.get());
      else failures.addObject().put("arn", arn).put("reason", "MISSING");
    }
    return out;
  }

  private static EcsException deploymentNotFoundIfServiceIs(Throwable failure) {
    EcsException e = Entities.asEcsException(failure);
    return e.type() == ErrorType.SERVICE_NOT_FOUND ? deploymentNotFound() : e;
  }

  private static EcsException deploymentNotFound() {
    return new EcsException(
        ErrorType.SERVICE_DEPLOYMENT_NOT_FOUND, "The service deployment does not exist.");
  }
}
