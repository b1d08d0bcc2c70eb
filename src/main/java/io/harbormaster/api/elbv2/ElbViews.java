package io.harbormaster.api.elbv2;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.aws.Timestamps;
import io.harbormaster.common.Tag;
import io.harbormaster.loadbalancing.HealthCheck;
import io.harbormaster.loadbalancing.LoadBalancer;
import io.harbormaster.loadbalancing.LoadBalancer.Listener;
import io.harbormaster.loadbalancing.LoadBalancer.Rule;
import io.harbormaster.loadbalancing.LoadBalancerType;
import io.harbormaster.loadbalancing.LoadBalancing;
import io.harbormaster.loadbalancing.Routing;
import io.harbormaster.loadbalancing.TargetGroup;
import io.harbormaster.loadbalancing.TargetHealth;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The ELBv2 output shapes (JSON form; the query protocol writes them as XML). */
final class ElbViews {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Our hosted zone: load balancers' names live under {@code .elb.localhost} (loopback). */
  static final String HOSTED_ZONE_ID = "ZHARBORMASTERELB";

  private final LoadBalancing loadBalancing;

  ElbViews(LoadBalancing loadBalancing) {
    this.loadBalancing = loadBalancing;
  }

  static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * The load balancer's DNS name: under {@code .localhost}, which resolvers answer with loopback
   * (RFC 6761), where the data plane listens.
   */
  String dnsName(LoadBalancer.Info lb) {
    return lb.name() + "-" + lb.id() + "." + loadBalancing.region() + ".elb.localhost";
  }

  ObjectNode loadBalancer(LoadBalancer.Info lb) {
    ObjectNode o = object();
    o.put("LoadBalancerArn", loadBalancing.arn(lb));
    o.put("DNSName", dnsName(lb));
    o.put("CanonicalHostedZoneId", HOSTED_ZONE_ID);
    o.set("CreatedTime", Timestamps.epochSeconds(lb.createdAt()));
    o.put("LoadBalancerName", lb.name());
    o.put("Scheme", lb.spec().scheme());
    o.putObject("State").put("Code", lb.status().wire());
    o.put("Type", lb.spec().type().wire());
    ArrayNode zones = o.putArray("AvailabilityZones");
    char zone = 'a';
    for (String subnet : lb.spec().subnets()) {
      zones.addObject().put("ZoneName", loadBalancing.region() + zone).put("SubnetId", subnet);
      if (zone < 'z') zone++;
    }
    if (lb.spec().type() == LoadBalancerType.APPLICATION || !lb.spec().securityGroups().isEmpty()) {
      strings(o.putArray("SecurityGroups"), lb.spec().securityGroups());
    }
    o.put("IpAddressType", lb.spec().ipAddressType());
    return o;
  }

  ObjectNode targetGroup(TargetGroup.Info tg) {
    TargetGroup.Spec spec = tg.spec();
    HealthCheck hc = spec.healthCheck();
    ObjectNode o = object();
    o.put("TargetGroupArn", loadBalancing.arn(tg));
    o.put("TargetGroupName", tg.name());
    o.put("Protocol", spec.protocol().name());
    o.put("Port", spec.port());
    if (spec.vpcId() != null) o.put("VpcId", spec.vpcId());
    o.put("HealthCheckProtocol", hc.protocol().name());
    o.put("HealthCheckPort", hc.port());
    o.put("HealthCheckEnabled", hc.enabled());
    o.put("HealthCheckIntervalSeconds", hc.intervalSeconds());
    o.put("HealthCheckTimeoutSeconds", hc.timeoutSeconds());
    o.put("HealthyThresholdCount", hc.healthyThreshold());
    o.put("UnhealthyThresholdCount", hc.unhealthyThreshold());
    if (hc.path() != null) o.put("HealthCheckPath", hc.path());
    if (hc.matcher() != null) o.putObject("Matcher").put("HttpCode", hc.matcher());
    strings(o.putArray("LoadBalancerArns"), tg.loadBalancerArns());
    o.put("TargetType", spec.targetType().wire());
    if (spec.protocolVersion() != null) o.put("ProtocolVersion", spec.protocolVersion());
    o.put("IpAddressType", "ipv4");
    return o;
  }

  ObjectNode listener(LoadBalancer.Info lb, Listener l) {
    ObjectNode o = object();
    o.put("ListenerArn", loadBalancing.arn(lb, l));
    o.put("LoadBalancerArn", loadBalancing.arn(lb));
    o.put("Port", l.port());
    o.put("Protocol", l.protocol().name());
    o.set("DefaultActions", actions(l.defaultActions()));
    return o;
  }

  /** The listener's rules by priority, the default rule last, as DescribeRules lists them. */
  ArrayNode rules(LoadBalancer.Info lb, Listener l) {
    ArrayNode out = NODES.arrayNode();
    l.rules().values().stream()
        .sorted(Comparator.comparingInt(Rule::priority))
        .forEach(r -> out.add(rule(lb, l, r)));
    out.add(defaultRule(lb, l));
    return out;
  }

  ObjectNode rule(LoadBalancer.Info lb, Listener l, Rule r) {
    ObjectNode o = object();
    o.put("RuleArn", loadBalancing.arn(lb, l, r.id()));
    o.put("Priority", Integer.toString(r.priority()));
    ArrayNode conditions = o.putArray("Conditions");
    for (Routing.Condition c : r.conditions()) {
      ObjectNode co = conditions.addObject();
      co.put("Field", c.field().wire());
      strings(co.putArray("Values"), c.values());
      String config =
          switch (c.field()) {
            case PATH_PATTERN -> "PathPatternConfig";
            case HOST_HEADER -> "HostHeaderConfig";
          };
      strings(co.putObject(config).putArray("Values"), c.values());
    }
    o.set("Actions", actions(r.actions()));
    o.put("IsDefault", false);
    return o;
  }

  ObjectNode defaultRule(LoadBalancer.Info lb, Listener l) {
    ObjectNode o = object();
    o.put("RuleArn", loadBalancing.arn(lb, l, l.defaultRuleId()));
    o.put("Priority", "default");
    o.putArray("Conditions");
    o.set("Actions", actions(l.defaultActions()));
    o.put("IsDefault", true);
    return o;
  }

  static ArrayNode actions(List<Routing.Action> actions) {
    ArrayNode out = NODES.arrayNode();
    for (Routing.Action a : actions) {
      ObjectNode o = out.addObject();
      o.put("Type", a.type().wire());
      switch (a.type()) {
        case FORWARD -> {
          if (a.targetGroups().size() == 1) {
            o.put("TargetGroupArn", a.targetGroups().get(0).targetGroupArn());
          }
          ObjectNode forward = o.putObject("ForwardConfig");
          ArrayNode groups = forward.putArray("TargetGroups");
          a.targetGroups()
              .forEach(
                  t ->
                      groups
                          .addObject()
                          .put("TargetGroupArn", t.targetGroupArn())
                          .put("Weight", t.weight()));
          forward.putObject("TargetGroupStickinessConfig").put("Enabled", false);
        }
        case FIXED_RESPONSE -> {
          ObjectNode f = o.putObject("FixedResponseConfig");
          f.put("StatusCode", a.fixedResponse().statusCode());
          if (a.fixedResponse().contentType() != null)
            f.put("ContentType", a.fixedResponse().contentType());
          if (a.fixedResponse().messageBody() != null)
            f.put("MessageBody", a.fixedResponse().messageBody());
        }
      }
      o.put("Order", a.order());
    }
    return out;
  }

  static ObjectNode targetHealth(
      TargetGroup.Info tg, TargetGroup.Target target, TargetHealth health) {
    ObjectNode o = object();
    ObjectNode t = o.putObject("Target").put("Id", target.id()).put("Port", target.port());
    if (target.availabilityZone() != null) t.put("AvailabilityZone", target.availabilityZone());
    String hcPort = tg.spec().healthCheck().port();
    o.put(
        "HealthCheckPort",
        hcPort.equals(HealthCheck.TRAFFIC_PORT) ? Integer.toString(target.port()) : hcPort);
    ObjectNode h = o.putObject("TargetHealth").put("State", health.state().wire());
    if (health.reason() != null) {
      h.put("Reason", health.reason().code());
      h.put("Description", health.reason().description());
    }
    return o;
  }

  /** Every registered (or draining) target's health at {@code now}. */
  static ArrayNode targetHealths(TargetGroup.Info tg, Instant now) {
    ArrayNode out = NODES.arrayNode();
    for (TargetGroup.RegisteredTarget t : tg.currentTargets(now)) {
      tg.health(t, now).ifPresent(h -> out.add(targetHealth(tg, t.target(), h)));
    }
    return out;
  }

  static ArrayNode attributes(Map<String, String> attributes) {
    ArrayNode out = NODES.arrayNode();
    attributes.forEach((k, v) -> out.addObject().put("Key", k).put("Value", v));
    return out;
  }

  static ArrayNode tags(List<Tag> tags) {
    ArrayNode out = NODES.arrayNode();
    tags.forEach(t -> out.addObject().put("Key", t.key()).put("Value", t.value()));
    return out;
  }

  static void strings(ArrayNode into, Collection<String> values) {
    values.forEach(into::add);
  }
}
