package io.harbormaster.api.elbv2;

import static io.harbormaster.api.elbv2.ElbInput.bool;
import static io.harbormaster.api.elbv2.ElbInput.integer;
import static io.harbormaster.api.elbv2.ElbInput.protocol;
import static io.harbormaster.api.elbv2.ElbInput.required;
import static io.harbormaster.api.elbv2.ElbInput.strings;
import static io.harbormaster.api.elbv2.ElbInput.text;
import static io.harbormaster.api.elbv2.ElbInput.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.Tag;
import io.harbormaster.loadbalancing.ElbProtocol;
import io.harbormaster.loadbalancing.HealthCheck;
import io.harbormaster.loadbalancing.LoadBalancer;
import io.harbormaster.loadbalancing.LoadBalancerType;
import io.harbormaster.loadbalancing.TargetGroup;
import java.util.ArrayList;
import java.util.List;

/** The ELBv2 requests that carry more than an ARN, each decoded once into domain values. */
final class ElbRequests {
  private ElbRequests() {}

  private static final String NAME = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?";

  record CreateLoadBalancer(LoadBalancer.Spec spec, List<Tag> tags) {
    static CreateLoadBalancer decode(JsonNode in) {
      String name = required(in, "Name");
      if (!name.matches(NAME) || name.startsWith("internal-")) {
        throw validation(
            "Load balancer name '"
                + name
                + "' cannot be longer than '32' characters, must contain only alphanumeric"
                + " characters or hyphens, and must not begin or end with a hyphen or begin with"
                + " 'internal-'");
      }
      String typeText = text(in, "Type").orElse("application");
      LoadBalancerType type =
          LoadBalancerType.ofWire(typeText)
              .orElseThrow(
                  () ->
                      validation(
                          "Load balancer type '"
                              + typeText
                              + "' is not supported; Harbormaster serves 'application' and"
                              + " 'network'"));
      String scheme = text(in, "Scheme").orElse("internet-facing");
      if (!scheme.equals("internet-facing") && !scheme.equals("internal")) {
        throw validation("Scheme '" + scheme + "' must be 'internet-facing' or 'internal'");
      }
      List<String> subnets = new ArrayList<>(strings(in, "Subnets"));
      for (JsonNode m : in.path("SubnetMappings")) subnets.add(m.path("SubnetId").asText());
      return new CreateLoadBalancer(
          new LoadBalancer.Spec(
              name,
              type,
              scheme,
              text(in, "IpAddressType").orElse("ipv4"),
              List.copyOf(subnets),
              strings(in, "SecurityGroups")),
          ElbInput.tags(in, "Tags"));
    }
  }

  record CreateTargetGroup(TargetGroup.Spec spec, List<Tag> tags) {
    static CreateTargetGroup decode(JsonNode in) {
      String name = required(in, "Name");
      if (!name.matches(NAME)) {
        throw validation(
            "Target group name '"
                + name
                + "' can have a maximum of 32 characters, must contain only alphanumeric"
                + " characters or hyphens, and must not begin or end with a hyphen");
      }
      String targetTypeText = text(in, "TargetType").orElse("instance");
      TargetGroup.TargetType targetType =
          TargetGroup.TargetType.ofWire(targetTypeText)
              .orElseThrow(
                  () ->
                      validation(
                          "Target type '"
                              + targetTypeText
                              + "' is not supported; Harbormaster serves 'instance' and 'ip'"));
      ElbProtocol protocol =
          protocol(
              text(in, "Protocol").orElseThrow(() -> validation("A protocol must be specified")));
      Integer port = integer(in, "Port");
      if (port == null) throw validation("A port must be specified");
      if (port < 1 || port > 65535)
        throw validation("Port '" + port + "' must be between 1 and 65535");
      HealthCheck healthCheck = HealthCheck.defaults(protocol).with(healthCheckChange(in));
      String problem = healthCheck.problem();
      if (problem != null) throw validation(problem);
      return new CreateTargetGroup(
          new TargetGroup.Spec(
              name,
              protocol,
              port,
              targetType,
              text(in, "VpcId").orElse(null),
              protocol.layer7() ? text(in, "ProtocolVersion").orElse("HTTP1") : null,
              healthCheck),
          ElbInput.tags(in, "Tags"));
    }
  }

  /** The health check members of CreateTargetGroup and ModifyTargetGroup. */
  static HealthCheck.Change healthCheckChange(JsonNode in) {
    return new HealthCheck.Change(
        bool(in, "HealthCheckEnabled"),
        text(in, "HealthCheckProtocol").map(ElbInput::protocol).orElse(null),
        text(in, "HealthCheckPort").orElse(null),
        text(in, "HealthCheckPath").orElse(null),
        integer(in, "HealthCheckIntervalSeconds"),
        integer(in, "HealthCheckTimeoutSeconds"),
        integer(in, "HealthyThresholdCount"),
        integer(in, "UnhealthyThresholdCount"),
        text(in.path("Matcher"), "HttpCode").orElse(null));
  }

  /** RegisterTargets and DeregisterTargets: a target's port defaults to the group's. */
  static List<TargetGroup.Target> targets(JsonNode in, int defaultPort) {
    List<TargetGroup.Target> out = new ArrayList<>();
    for (JsonNode t : in.path("Targets")) {
      out.add(
          new TargetGroup.Target(
              t.path("Id").asText(),
              t.hasNonNull("Port") ? t.path("Port").asInt() : defaultPort,
              text(t, "AvailabilityZone").orElse(null)));
    }
    if (out.isEmpty()) throw validation("At least one target must be specified");
    return out;
  }
}
