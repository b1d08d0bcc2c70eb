package io.harbormaster.api.elbv2;

import static io.harbormaster.api.elbv2.ElbInput.integer;
import static io.harbormaster.api.elbv2.ElbInput.listenerArn;
import static io.harbormaster.api.elbv2.ElbInput.loadBalancerArn;
import static io.harbormaster.api.elbv2.ElbInput.required;
import static io.harbormaster.api.elbv2.ElbInput.ruleArn;
import static io.harbormaster.api.elbv2.ElbInput.strings;
import static io.harbormaster.api.elbv2.ElbInput.text;
import static io.harbormaster.api.elbv2.ElbInput.validation;
import static io.harbormaster.api.elbv2.ElbViews.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.aws.AwsCall;
import io.harbormaster.api.aws.AwsOperation;
import io.harbormaster.api.aws.AwsService;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.loadbalancing.ElbArns;
import io.harbormaster.loadbalancing.ElbError;
import io.harbormaster.loadbalancing.ElbRejection;
import io.harbormaster.loadbalancing.LoadBalancer;
import io.harbormaster.loadbalancing.LoadBalancer.Listener;
import io.harbormaster.loadbalancing.LoadBalancing;
import io.harbormaster.loadbalancing.LoadBalancingIndex;
import io.harbormaster.loadbalancing.TargetGroup;
import io.harbormaster.loadbalancing.TargetHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Elastic Load Balancing v2 (signing name {@code elasticloadbalancing}, the query protocol): each
 * handler decodes its input, makes one call to the load balancing control plane, and encodes the
 * answer; the entities' refusals become ELBv2's error codes.
 */
public final class ElbHandlers {
  /** ELBv2's largest and default page. */
  static final int MAX_PAGE = 400;

  private final LoadBalancing lb;
  private final ElbViews views;

  public ElbHandlers(LoadBalancing lb) {
    this.lb = lb;
    this.views = new ElbViews(lb);
  }

  /** The service as the AWS endpoint serves it. */
  public AwsService service() {
    AwsService service =
        AwsService.of(
            "elasticloadbalancing", "/aws/elasticloadbalancing-service-2.json", "ValidationError");
    Map<String, AwsOperation> ops = new LinkedHashMap<>();
    ops.put("CreateLoadBalancer", this::createLoadBalancer);
    ops.put("DescribeLoadBalancers", this::describeLoadBalancers);
    ops.put("DeleteLoadBalancer", this::deleteLoadBalancer);
    ops.put("CreateTargetGroup", this::createTargetGroup);
    ops.put("DescribeTargetGroups", this::describeTargetGroups);
    ops.put("ModifyTargetGroup", this::modifyTargetGroup);
    ops.put("DeleteTargetGroup", this::deleteTargetGroup);
    ops.put("DescribeTargetGroupAttributes", this::describeTargetGroupAttributes);
    ops.put("ModifyTargetGroupAttributes", this::modifyTargetGroupAttributes);
    ops.put("CreateListener", this::createListener);
    ops.put("DescribeListeners", this::describeListeners);
    ops.put("ModifyListener", this::modifyListener);
    ops.put("DeleteListener", this::deleteListener);
    ops.put("CreateRule", this::createRule);
    ops.put("DescribeRules", this::describeRules);
    ops.put("ModifyRule", this::modifyRule);
    ops.put("DeleteRule", this::deleteRule);
    ops.put("SetRulePriorities", this::setRulePriorities);
    ops.put("RegisterTargets", this::registerTargets);
    ops.put("DeregisterTargets", this::deregisterTargets);
    ops.put("DescribeTargetHealth", this::describeTargetHealth);
    ops.put("AddTags", this::addTags);
    ops.put("RemoveTags", this::removeTags);
    ops.put("DescribeTags", this::describeTags);
    ops.forEach((name, op) -> service.register(name, answered(op)));
    return service;
  }

  /** Refusals of the control plane in ELBv2's terms; everything else as it is. */
  private static AwsOperation answered(AwsOperation op) {
    return (call, input) -> {
      CompletionStage<? extends JsonNode> answer;
      try {
        answer = op.handle(call, input);
      } catch (ElbRejection e) {
        answer = CompletableFuture.failedFuture(e);
      }
      return answer.handle(
          (output, failure) -> {
            if (failure == null) return (JsonNode) output;
            throw ElbRejection.of(failure)
                .<RuntimeException>map(
                    r ->
                        new AwsServiceException(
                            r.error().code(), r.error().httpStatus(), r.getMessage()))
                .orElseGet(
                    () ->
                        failure instanceof CompletionException c
                            ? c
                            : new CompletionException(failure));
          });
    };
  }

  // ---- load balancers ----

  private CompletionStage<JsonNode> createLoadBalancer(AwsCall call, JsonNode in) {
    var request = ElbRequests.CreateLoadBalancer.decode(in);
    return lb.createLoadBalancer(
            call.accountId(), request.spec(), request.tags(), call.receivedAt())
        .thenApply(
            created -> {
              ObjectNode out = object();
              out.putArray("LoadBalancers").add(views.loadBalancer(created));
              return out;
            });
  }

  private CompletionStage<JsonNode> describeLoadBalancers(AwsCall call, JsonNode in) {
    List<String> arns = strings(in, "LoadBalancerArns");
    List<String> names = strings(in, "Names");
    if (!arns.isEmpty() && !names.isEmpty()) {
      throw validation(
          "Load balancer names and load balancer ARNs cannot be specified at the same time");
    }
    CompletionStage<List<LoadBalancer.Info>> found;
    String nextMarker = null;
    if (!arns.isEmpty()) {
      found = all(arns, arn -> lb.loadBalancer(ownRef(call, loadBalancerArn(arn))));
    } else if (!names.isEmpty()) {
      found = all(names, name -> lb.loadBalancerNamed(call.accountId(), name));
    } else {
      return lb.index(call.accountId())
          .thenCompose(
              index -> {
                Page page = page(index.of(LoadBalancingIndex.Kind.LOAD_BALANCER), in);
                return present(
                        page.arns(),
                        arn -> lb.loadBalancer(ElbArns.parseLoadBalancer(arn).orElseThrow()))
                    .thenApply(list -> loadBalancers(list, page.nextMarker()));
              });
    }
    return found.thenApply(list -> loadBalancers(list, nextMarker));
  }

  private JsonNode loadBalancers(List<LoadBalancer.Info> list, String nextMarker) {
    ObjectNode out = object();
    ArrayNode items = out.putArray("LoadBalancers");
    list.forEach(l -> items.add(views.loadBalancer(l)));
    if (nextMarker != null) out.put("NextMarker", nextMarker);
    return out;
  }

  private CompletionStage<JsonNode> deleteLoadBalancer(AwsCall call, JsonNode in) {
    var ref = ownRef(call, loadBalancerArn(required(in, "LoadBalancerArn")));
    // ELBv2: deleting a load balancer that does not exist (any more) succeeds.
    return lb.deleteLoadBalancer(ref, call.receivedAt())
        .handle(
            (deleted, failure) -> {
              boolean gone =
                  failure == null
                      || ElbRejection.of(failure)
                          .filter(r -> r.error() == ElbError.LOAD_BALANCER_NOT_FOUND)
                          .isPresent();
              if (!gone) throw new CompletionException(failure);
              return object();
            });
  }

  // ---- target groups ----

  private CompletionStage<JsonNode> createTargetGroup(AwsCall call, JsonNode in) {
    var request = ElbRequests.CreateTargetGroup.decode(in);
    return lb.createTargetGroup(call.accountId(), request.spec(), request.tags(), call.receivedAt())
        .thenApply(
            created -> {
              ObjectNode out = object();
              out.putArray("TargetGroups").add(views.targetGroup(created));
              return out;
            });
  }

  private CompletionStage<JsonNode> describeTargetGroups(AwsCall call, JsonNode in) {
    List<String> arns = strings(in, "TargetGroupArns");
    List<String> names = strings(in, "Names");
    Optional<String> loadBalancerArn = text(in, "LoadBalancerArn");
    if (!arns.isEmpty()) {
      return all(arns, arn -> lb.targetGroup(ownTargetGroup(call, arn)))
          .thenApply(list -> targetGroups(list, null));
    }
    if (!names.isEmpty()) {
      return all(names, name -> lb.targetGroupNamed(call.accountId(), name))
          .thenApply(list -> targetGroups(list, null));
    }
    if (loadBalancerArn.isPresent()) {
      return lb.loadBalancer(ownRef(call, loadBalancerArn(loadBalancerArn.get())))
          .thenCompose(
              balancer -> {
                List<String> used = new ArrayList<>();
                for (Listener l : balancer.listeners().values()) {
                  used.addAll(
                      io.harbormaster.loadbalancing.Routing.targetGroupArns(l.defaultActions()));
                  l.rules()
                      .values()
                      .forEach(
                          r ->
                              used.addAll(
                                  io.harbormaster.loadbalancing.Routing.targetGroupArns(
                                      r.actions())));
                }
                return present(used.stream().distinct().sorted().toList(), lb::targetGroup);
              })
          .thenApply(list -> targetGroups(list, null));
    }
    return lb.index(call.accountId())
        .thenCompose(
            index -> {
              Page page = page(index.of(LoadBalancingIndex.Kind.TARGET_GROUP), in);
              return present(page.arns(), lb::targetGroup)
                  .thenApply(list -> targetGroups(list, page.nextMarker()));
            });
  }

  private JsonNode targetGroups(List<TargetGroup.Info> list, String nextMarker) {
    ObjectNode out = object();
    ArrayNode items = out.putArray("TargetGroups");
    list.forEach(t -> items.add(views.targetGroup(t)));
    if (nextMarker != null) out.put("NextMarker", nextMarker);
    return out;
  }

  private CompletionStage<JsonNode> modifyTargetGroup(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.modifyTargetGroup(arn, ElbRequests.healthCheckChange(in), call.receivedAt())
        .thenApply(tg -> targetGroups(List.of(tg), null));
  }

  private CompletionStage<JsonNode> deleteTargetGroup(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.deleteTargetGroup(arn, call.receivedAt()).thenApply(tg -> object());
  }

  private CompletionStage<JsonNode> describeTargetGroupAttributes(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.targetGroup(arn).thenApply(ElbHandlers::attributes);
  }

  private static JsonNode attributes(TargetGroup.Info tg) {
    ObjectNode out = object();
    out.set("Attributes", ElbViews.attributes(tg.attributes()));
    return out;
  }

  private CompletionStage<JsonNode> modifyTargetGroupAttributes(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    Map<String, String> attributes = new LinkedHashMap<>();
    for (JsonNode a : in.path("Attributes")) {
      attributes.put(a.path("Key").asText(), a.path("Value").asText());
    }
    return lb.modifyTargetGroupAttributes(arn, attributes, call.receivedAt())
        .thenApply(ElbHandlers::attributes);
  }

  // ---- targets ----

  private CompletionStage<JsonNode> registerTargets(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.targetGroup(arn)
        .thenCompose(
            tg ->
                lb.registerTargets(
                    arn, ElbRequests.targets(in, tg.spec().port()), call.receivedAt()))
        .thenApply(tg -> object());
  }

  private CompletionStage<JsonNode> deregisterTargets(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.targetGroup(arn)
        .thenCompose(
            tg -> {
              List<TargetGroup.Target> targets = ElbRequests.targets(in, tg.spec().port());
              for (TargetGroup.Target t : targets) {
                var current = tg.targets().get(t.id() + ":" + t.port());
                if (current == null || tg.health(current, call.receivedAt()).isEmpty()) {
                  throw AwsServiceException.badRequest(
                      "InvalidTarget",
                      "The following targets are not registered in target group '"
                          + tg.name()
                          + "': '"
                          + t.id()
                          + "'");
                }
              }
              return lb.deregisterTargets(arn, targets, call.receivedAt());
            })
        .thenApply(tg -> object());
  }

  private CompletionStage<JsonNode> describeTargetHealth(AwsCall call, JsonNode in) {
    String arn = ownTargetGroup(call, required(in, "TargetGroupArn"));
    return lb.targetGroup(arn)
        .thenApply(
            tg -> {
              ObjectNode out = object();
              if (!in.path("Targets").isArray() || in.path("Targets").isEmpty()) {
                out.set("TargetHealthDescriptions", ElbViews.targetHealths(tg, call.receivedAt()));
                return out;
              }
              ArrayNode items = out.putArray("TargetHealthDescriptions");
              for (TargetGroup.Target t : ElbRequests.targets(in, tg.spec().port())) {
                var registered = tg.targets().get(t.id() + ":" + t.port());
                TargetHealth health =
                    registered == null
                        ? TargetHealth.NOT_REGISTERED
                        : tg.health(registered, call.receivedAt())
                            .orElse(TargetHealth.NOT_REGISTERED);
                items.add(
                    ElbViews.targetHealth(
                        tg, registered == null ? t : registered.target(), health));
              }
              return out;
            });
  }

  // ---- listeners ----

  private CompletionStage<JsonNode> createListener(AwsCall call, JsonNode in) {
    var ref = ownRef(call, loadBalancerArn(required(in, "LoadBalancerArn")));
    Integer port = integer(in, "Port");
    String protocolText = text(in, "Protocol").orElse(null);
    if (port == null || protocolText == null) {
      throw validation("A listener needs a port and a protocol");
    }
    var actions = ElbInput.actions(in, "DefaultActions");
    return lb.createListener(ref, port, ElbInput.protocol(protocolText), actions, call.receivedAt())
        .thenCompose(listener -> listeners(ref, List.of(listener.id())));
  }

  private CompletionStage<JsonNode> listeners(ElbArns.LoadBalancerRef ref, List<String> ids) {
    return lb.loadBalancer(ref)
        .thenApply(
            balancer -> {
              ObjectNode out = object();
              ArrayNode items = out.putArray("Listeners");
              for (String id : ids) {
                Listener l =
                    balancer
                        .listener(id)
                        .orElseThrow(
                            () ->
                                AwsServiceException.badRequest(
                                    "ListenerNotFound", "One or more listeners not found"));
                items.add(views.listener(balancer, l));
              }
              return out;
            });
  }

  private CompletionStage<JsonNode> describeListeners(AwsCall call, JsonNode in) {
    List<String> arns = strings(in, "ListenerArns");
    Optional<String> loadBalancerArn = text(in, "LoadBalancerArn");
    if (!arns.isEmpty()) {
      List<ElbArns.ListenerRef> refs = arns.stream().map(ElbInput::listenerArn).toList();
      ElbArns.LoadBalancerRef owner = ownRef(call, refs.get(0).loadBalancer());
      if (refs.stream().anyMatch(r -> !r.loadBalancer().equals(owner))) {
        throw validation("The listeners must belong to the same load balancer");
      }
      return listeners(owner, refs.stream().map(ElbArns.ListenerRef::listenerId).toList())
          .handle(
              (out, failure) -> {
                if (failure == null) return out;
                throw ElbRejection.of(failure)
                    .<RuntimeException>map(
                        r ->
                            AwsServiceException.badRequest(
                                "ListenerNotFound", "One or more listeners not found"))
                    .orElseGet(() -> new CompletionException(failure));
              });
    }
    var ref =
        ownRef(
            call,
            loadBalancerArn(
                loadBalancerArn.orElseThrow(
                    () -> validation("A load balancer ARN or listener ARNs must be specified"))));
    return lb.loadBalancer(ref)
        .thenApply(
            balancer -> {
              ObjectNode out = object();
              ArrayNode items = out.putArray("Listeners");
              balancer.listeners().values().stream()
                  .sorted(java.util.Comparator.comparingInt(Listener::port))
                  .forEach(l -> items.add(views.listener(balancer, l)));
              return out;
            });
  }

  private CompletionStage<JsonNode> modifyListener(AwsCall call, JsonNode in) {
    var ref = listenerArn(required(in, "ListenerArn"));
    ownRef(call, ref.loadBalancer());
    var actions = in.has("DefaultActions") ? ElbInput.actions(in, "DefaultActions") : null;
    return lb.modifyListener(
            ref,
            integer(in, "Port"),
            text(in, "Protocol").map(ElbInput::protocol).orElse(null),
            actions,
            call.receivedAt())
        .thenCompose(listener -> listeners(ref.loadBalancer(), List.of(listener.id())));
  }

  private CompletionStage<JsonNode> deleteListener(AwsCall call, JsonNode in) {
    var ref = listenerArn(required(in, "ListenerArn"));
    ownRef(call, ref.loadBalancer());
    return lb.deleteListener(ref, call.receivedAt()).thenApply(removed -> object());
  }

  // ---- rules ----

  private CompletionStage<JsonNode> createRule(AwsCall call, JsonNode in) {
    var ref = listenerArn(required(in, "ListenerArn"));
    ownRef(call, ref.loadBalancer());
    Integer priority = integer(in, "Priority");
    if (priority == null) throw validation("A priority must be specified");
    return lb.createRule(
            ref,
            priority,
            ElbInput.conditions(in, "Conditions"),
            ElbInput.actions(in, "Actions"),
            call.receivedAt())
        .thenApply(this::rules);
  }

  private JsonNode rules(LoadBalancing.RuleCreated created) {
    Listener listener = created.loadBalancer().listener(created.listenerId()).orElseThrow();
    ObjectNode out = object();
    out.putArray("Rules").add(views.rule(created.loadBalancer(), listener, created.rule()));
    return out;
  }

  private CompletionStage<JsonNode> describeRules(AwsCall call, JsonNode in) {
    List<String> arns = strings(in, "RuleArns");
    if (!arns.isEmpty()) {
      List<ElbArns.RuleRef> refs = arns.stream().map(ElbInput::ruleArn).toList();
      ElbArns.LoadBalancerRef owner = ownRef(call, refs.get(0).listener().loadBalancer());
      if (refs.stream().anyMatch(r -> !r.listener().loadBalancer().equals(owner))) {
        throw validation("The rules must belong to the same load balancer");
      }
      return ruleLookup(owner)
          .thenApply(
              balancer -> {
                ObjectNode out = object();
                ArrayNode items = out.putArray("Rules");
                for (ElbArns.RuleRef r : refs) {
                  Listener l = balancer.listener(r.listener().listenerId()).orElse(null);
                  if (l != null && l.defaultRuleId().equals(r.ruleId())) {
                    items.add(views.defaultRule(balancer, l));
                  } else if (l != null && l.rules().containsKey(r.ruleId())) {
                    items.add(views.rule(balancer, l, l.rules().get(r.ruleId())));
                  } else {
                    throw AwsServiceException.badRequest(
                        "RuleNotFound", "One or more rules not found");
                  }
                }
                return out;
              });
    }
    var ref = listenerArn(required(in, "ListenerArn"));
    ownRef(call, ref.loadBalancer());
    return lb.loadBalancer(ref.loadBalancer())
        .handle(
            (balancer, failure) -> {
              if (failure != null) {
                throw ElbRejection.of(failure)
                    .<RuntimeException>map(r -> listenerNotFound())
                    .orElseGet(() -> new CompletionException(failure));
              }
              Listener l =
                  balancer.listener(ref.listenerId()).orElseThrow(ElbHandlers::listenerNotFound);
              ObjectNode out = object();
              out.set("Rules", views.rules(balancer, l));
              return out;
            });
  }

  private CompletionStage<LoadBalancer.Info> ruleLookup(ElbArns.LoadBalancerRef owner) {
    return lb.loadBalancer(owner)
        .exceptionally(
            failure -> {
              throw ElbRejection.of(failure)
                  .<RuntimeException>map(
                      r ->
                          AwsServiceException.badRequest(
                              "RuleNotFound", "One or more rules not found"))
                  .orElseGet(() -> new CompletionException(failure));
            });
  }

  private static AwsServiceException listenerNotFound() {
    return AwsServiceException.badRequest("ListenerNotFound", "One or more listeners not found");
  }

  private CompletionStage<JsonNode> modifyRule(AwsCall call, JsonNode in) {
    var ref = ruleArn(required(in, "RuleArn"));
    ownRef(call, ref.listener().loadBalancer());
    return lb.modifyRule(
            ref,
            in.has("Conditions") ? ElbInput.conditions(in, "Conditions") : null,
            in.has("Actions") ? ElbInput.actions(in, "Actions") : null,
            call.receivedAt())
        .thenApply(this::rules);
  }

  private CompletionStage<JsonNode> deleteRule(AwsCall call, JsonNode in) {
    var ref = ruleArn(required(in, "RuleArn"));
    ownRef(call, ref.listener().loadBalancer());
    return lb.deleteRule(ref, call.receivedAt()).thenApply(done -> object());
  }

  private CompletionStage<JsonNode> setRulePriorities(AwsCall call, JsonNode in) {
    List<LoadBalancer.RulePriority> priorities = new ArrayList<>();
    ElbArns.LoadBalancerRef owner = null;
    List<ElbArns.RuleRef> refs = new ArrayList<>();
    for (JsonNode p : in.path("RulePriorities")) {
      var ref = ruleArn(p.path("RuleArn").asText());
      if (owner == null) owner = ownRef(call, ref.listener().loadBalancer());
      if (!owner.equals(ref.listener().loadBalancer())) {
        throw validation("The rules must belong to the same load balancer");
      }
      refs.add(ref);
      priorities.add(
          new LoadBalancer.RulePriority(
              ref.listener().listenerId(), ref.ruleId(), p.path("Priority").asInt()));
    }
    if (owner == null) throw validation("At least one rule priority must be specified");
    return lb.setRulePriorities(owner, priorities, call.receivedAt())
        .thenApply(
            balancer -> {
              ObjectNode out = object();
              ArrayNode items = out.putArray("Rules");
              for (ElbArns.RuleRef r : refs) {
                Listener l = balancer.listener(r.listener().listenerId()).orElseThrow();
                items.add(views.rule(balancer, l, l.rules().get(r.ruleId())));
              }
              return out;
            });
  }

  // ---- tags ----

  private CompletionStage<JsonNode> addTags(AwsCall call, JsonNode in) {
    var tags = ElbInput.tags(in, "Tags");
    return all(
            strings(in, "ResourceArns"),
            arn ->
                taggable(
                    call,
                    arn,
                    ref -> lb.tagLoadBalancer(ref, tags).thenApply(LoadBalancer.Info::tags),
                    tg -> lb.tagTargetGroup(tg, tags).thenApply(TargetGroup.Info::tags)))
        .thenApply(done -> object());
  }

  private CompletionStage<JsonNode> removeTags(AwsCall call, JsonNode in) {
    var keys = strings(in, "TagKeys");
    return all(
            strings(in, "ResourceArns"),
            arn ->
                taggable(
                    call,
                    arn,
                    ref -> lb.untagLoadBalancer(ref, keys).thenApply(LoadBalancer.Info::tags),
                    tg -> lb.untagTargetGroup(tg, keys).thenApply(TargetGroup.Info::tags)))
        .thenApply(done -> object());
  }

  private CompletionStage<JsonNode> describeTags(AwsCall call, JsonNode in) {
    List<String> arns = strings(in, "ResourceArns");
    return all(
            arns,
            arn ->
                taggable(
                    call,
                    arn,
                    ref -> lb.loadBalancer(ref).thenApply(LoadBalancer.Info::tags),
                    tg -> lb.targetGroup(tg).thenApply(TargetGroup.Info::tags)))
        .thenApply(
            tagLists -> {
              ObjectNode out = object();
              ArrayNode items = out.putArray("TagDescriptions");
              for (int i = 0; i < arns.size(); i++) {
                ObjectNode d = items.addObject().put("ResourceArn", arns.get(i));
                d.set("Tags", ElbViews.tags(tagLists.get(i)));
              }
              return out;
            });
  }

  /** Load balancers and target groups carry tags here; other ARNs are refused, not ignored. */
  private <T> CompletionStage<T> taggable(
      AwsCall call,
      String arn,
      Function<ElbArns.LoadBalancerRef, CompletionStage<T>> onLoadBalancer,
      Function<String, CompletionStage<T>> onTargetGroup) {
    var loadBalancer = ElbArns.parseLoadBalancer(arn);
    if (loadBalancer.isPresent()) return onLoadBalancer.apply(ownRef(call, loadBalancer.get()));
    if (ElbArns.parseTargetGroup(arn).isPresent())
      return onTargetGroup.apply(ownTargetGroup(call, arn));
    throw validation(
        "'" + arn + "' is not a load balancer or target group ARN; Harbormaster tags those two");
  }

  // ---- plumbing ----

  /** Another account's resource is not found here, as in ELBv2. */
  private static ElbArns.LoadBalancerRef ownRef(AwsCall call, ElbArns.LoadBalancerRef ref) {
    if (!ref.accountId().equals(call.accountId())) {
      throw AwsServiceException.badRequest(
          "LoadBalancerNotFound", "One or more load balancers not found");
    }
    return ref;
  }

  private static String ownTargetGroup(AwsCall call, String arn) {
    var ref = ElbArns.parseTargetGroup(arn);
    if (ref.isEmpty() || !ref.get().accountId().equals(call.accountId())) {
      throw AwsServiceException.badRequest(
          "TargetGroupNotFound", "One or more target groups not found");
    }
    return arn;
  }

  record Page(List<String> arns, String nextMarker) {}

  /** One page of an index by name: Marker is the name to start at. */
  static Page page(SortedMap<String, String> byName, JsonNode in) {
    Integer size = integer(in, "PageSize");
    int pageSize = size == null ? MAX_PAGE : size;
    if (pageSize < 1 || pageSize > MAX_PAGE) {
      throw validation("Page size must be between 1 and " + MAX_PAGE);
    }
    SortedMap<String, String> rest = text(in, "Marker").map(byName::tailMap).orElse(byName);
    List<String> arns = new ArrayList<>();
    String next = null;
    for (var e : rest.entrySet()) {
      if (arns.size() == pageSize) {
        next = e.getKey();
        break;
      }
      arns.add(e.getValue());
    }
    return new Page(arns, next);
  }

  /** Every answer in order; the first refusal fails the call. */
  private static <I, T> CompletionStage<List<T>> all(
      List<I> inputs, Function<I, CompletionStage<T>> call) {
    List<CompletableFuture<T>> futures =
        inputs.stream().map(i -> call.apply(i).toCompletableFuture()).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }

  /**
   * The answers of the resources an index lists, in order; one refused (deleted since it was
   * listed) is left out, one that did not answer fails the call.
   */
  private static <T> CompletionStage<List<T>> present(
      List<String> arns, Function<String, CompletionStage<T>> call) {
    List<CompletableFuture<Optional<T>>> futures =
        arns.stream()
            .map(
                arn ->
                    call.apply(arn)
                        .thenApply(Optional::of)
                        .exceptionally(
                            failure -> {
                              if (ElbRejection.of(failure).isPresent()) return Optional.empty();
                              throw failure instanceof CompletionException c
                                  ? c
                                  : new CompletionException(failure);
                            })
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                futures.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }
}
