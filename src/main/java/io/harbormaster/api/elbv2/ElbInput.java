package io.harbormaster.api.elbv2;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.common.Tag;
import io.harbormaster.loadbalancing.ElbArns;
import io.harbormaster.loadbalancing.ElbProtocol;
import io.harbormaster.loadbalancing.Routing;
import io.harbormaster.loadbalancing.Routing.Action;
import io.harbormaster.loadbalancing.Routing.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading ELBv2 inputs (the JSON form of the query protocol's members): members, ARNs, actions and
 * conditions, each refused with the code ELBv2 answers.
 */
final class ElbInput {
  private ElbInput() {}

  static AwsServiceException validation(String message) {
    return AwsServiceException.badRequest("ValidationError", message);
  }

  static Optional<String> text(JsonNode input, String member) {
    JsonNode v = input.path(member);
    return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  static String required(JsonNode input, String member) {
    return text(input, member)
        .filter(s -> !s.isEmpty())
        .orElseThrow(() -> validation("'" + member + "' must be specified"));
  }

  static Integer integer(JsonNode input, String member) {
    JsonNode v = input.path(member);
    return v.isMissingNode() || v.isNull() ? null : v.asInt();
  }

  static Boolean bool(JsonNode input, String member) {
    JsonNode v = input.path(member);
    return v.isMissingNode() || v.isNull() ? null : v.asBoolean();
  }

  static List<String> strings(JsonNode input, String member) {
    List<String> out = new ArrayList<>();
    input.path(member).forEach(v -> out.add(v.asText()));
    return out;
  }

  static List<Tag> tags(JsonNode input, String member) {
    List<Tag> out = new ArrayList<>();
    for (JsonNode t : input.path(member)) {
      out.add(new Tag(t.path("Key").asText(), t.path("Value").asText("")));
    }
    return out;
  }

  static ElbProtocol protocol(String text) {
    return ElbProtocol.of(text)
        .orElseThrow(() -> validation("Protocol '" + text + "' is not supported"));
  }

  static ElbArns.LoadBalancerRef loadBalancerArn(String arn) {
    return ElbArns.parseLoadBalancer(arn)
        .orElseThrow(() -> validation("'" + arn + "' is not a valid load balancer ARN"));
  }

  static ElbArns.ListenerRef listenerArn(String arn) {
    return ElbArns.parseListener(arn)
        .orElseThrow(() -> validation("'" + arn + "' is not a valid listener ARN"));
  }

  static ElbArns.RuleRef ruleArn(String arn) {
    return ElbArns.parseRule(arn)
        .orElseThrow(() -> validation("'" + arn + "' is not a valid listener rule ARN"));
  }

  static String targetGroupArn(String arn) {
    if (ElbArns.parseTargetGroup(arn).isEmpty()) {
      throw validation("'" + arn + "' is not a valid target group ARN");
    }
    return arn;
  }

  /** Actions (a listener's DefaultActions or a rule's Actions), in their order. */
  static List<Action> actions(JsonNode input, String member) {
    List<Action> out = new ArrayList<>();
    int position = 0;
    for (JsonNode a : input.path(member)) {
      position++;
      String type = a.path("Type").asText();
      int order = a.hasNonNull("Order") ? a.path("Order").asInt() : position;
      Routing.ActionType actionType =
          Routing.ActionType.ofWire(type)
              .orElseThrow(
                  () ->
                      validation(
                          "Action type '"
                              + type
                              + "' is not supported here; Harbormaster serves 'forward' and"
                              + " 'fixed-response'"));
      switch (actionType) {
        case FORWARD -> {
          List<Routing.WeightedTargetGroup> groups = new ArrayList<>();
          boolean single = a.hasNonNull("TargetGroupArn");
          if (single) {
            groups.add(
                new Routing.WeightedTargetGroup(
                    targetGroupArn(a.path("TargetGroupArn").asText()), 1));
          }
          for (JsonNode t : a.path("ForwardConfig").path("TargetGroups")) {
            String arn = targetGroupArn(t.path("TargetGroupArn").asText());
            int weight = t.hasNonNull("Weight") ? t.path("Weight").asInt() : 1;
            if (single && groups.get(0).targetGroupArn().equals(arn)) continue;
            groups.add(new Routing.WeightedTargetGroup(arn, weight));
          }
          if (single && groups.size() > 1) {
            throw validation(
                "You cannot specify both a target group ARN and a ForwardConfig with other target"
                    + " groups");
          }
          out.add(new Action(actionType, order, List.copyOf(groups), single, null));
        }
        case FIXED_RESPONSE -> {
          JsonNode f = a.path("FixedResponseConfig");
          String status = text(f, "StatusCode").orElse(null);
          if (status == null || !status.matches("[245]\\d\\d")) {
            throw validation("A fixed-response action needs a StatusCode of 2XX, 4XX or 5XX");
          }
          out.add(
              new Action(
                  actionType,
                  order,
                  List.of(),
                  false,
                  new Routing.FixedResponse(
                      status,
                      text(f, "ContentType").orElse(null),
                      text(f, "MessageBody").orElse(null))));
        }
      }
    }
    return out;
  }

  /** Conditions: path-pattern and host-header, from Values or their own config. */
  static List<Condition> conditions(JsonNode input, String member) {
    List<Condition> out = new ArrayList<>();
    for (JsonNode c : input.path(member)) {
      String field = c.path("Field").asText();
      Routing.ConditionField f =
          Routing.ConditionField.ofWire(field)
              .orElseThrow(
                  () ->
                      validation(
                          "Condition field '"
                              + field
                              + "' is not supported here; Harbormaster serves 'path-pattern' and"
                              + " 'host-header'"));
      List<String> values = strings(c, "Values");
      JsonNode config =
          switch (f) {
            case PATH_PATTERN -> c.path("PathPatternConfig");
            case HOST_HEADER -> c.path("HostHeaderConfig");
          };
      values.addAll(strings(config, "Values"));
      out.add(new Condition(f, List.copyOf(values)));
    }
    return out;
  }
}
