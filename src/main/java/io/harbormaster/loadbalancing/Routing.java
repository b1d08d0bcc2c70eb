package io.harbormaster.loadbalancing;

import io.harbormaster.common.CborSerializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a listener or rule does with a request (actions) and which requests a rule takes
 * (conditions): the configuration the data plane routes by.
 */
public final class Routing {
  private Routing() {}

  public enum ActionType {
    FORWARD("forward"),
    FIXED_RESPONSE("fixed-response");

    private final String wire;

    ActionType(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<ActionType> ofWire(String text) {
      for (ActionType t : values()) if (t.wire.equals(text)) return Optional.of(t);
      return Optional.empty();
    }
  }

  public record WeightedTargetGroup(String targetGroupArn, int weight)
      implements CborSerializable {}

  public record FixedResponse(String statusCode, String contentType, String messageBody)
      implements CborSerializable {}

  /**
   * One action: forward to one or several weighted target groups, or answer itself.
   *
   * @param singleTarget whether the request named its one target group by {@code TargetGroupArn}
   *     (ELBv2 answers in the same form it was given)
   */
  public record Action(
      ActionType type,
      int order,
      List<WeightedTargetGroup> targetGroups,
      boolean singleTarget,
      FixedResponse fixedResponse)
      implements CborSerializable {}

  public enum ConditionField {
    PATH_PATTERN("path-pattern"),
    HOST_HEADER("host-header");

    private final String wire;

    ConditionField(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<ConditionField> ofWire(String text) {
      for (ConditionField f : values()) if (f.wire.equals(text)) return Optional.of(f);
      return Optional.empty();
    }
  }

  public record Condition(ConditionField field, List<String> values) implements CborSerializable {}

  /** Every target group the actions forward to, each once. */
  public static Set<String> targetGroupArns(List<Action> actions) {
    Set<String> out = new LinkedHashSet<>();
    for (Action a : actions) {
      switch (a.type()) {
        case FORWARD -> a.targetGroups().forEach(t -> out.add(t.targetGroupArn()));
        case FIXED_RESPONSE -> {}
      }
    }
    return out;
  }

  /** Why a load balancer of this type cannot take these actions, or null. */
  public static String actionsProblem(LoadBalancerType type, List<Action> actions) {
    if (actions.isEmpty()) return "At least one action must be specified";
    List<Action> terminal = new ArrayList<>();
    for (Action a : actions) {
      switch (a.type()) {
        case FORWARD -> {
          if (a.targetGroups().isEmpty())
            return "A target group ARN must be specified for a forward action";
          if (type == LoadBalancerType.NETWORK && a.targetGroups().size() > 1)
            return "A network load balancer listener forwards to one target group";
          terminal.add(a);
        }
        case FIXED_RESPONSE -> {
          if (type == LoadBalancerType.NETWORK)
            return "Action type 'fixed-response' is not supported for network load balancers";
          if (a.fixedResponse() == null || a.fixedResponse().statusCode() == null)
            return "A fixed-response action needs a status code";
          terminal.add(a);
        }
      }
    }
    if (terminal.size() > 1) return "You can specify only one terminal action per listener or rule";
    return null;
  }

  /** Why these conditions cannot make a rule, or null. */
  public static String conditionsProblem(List<Condition> conditions) {
    if (conditions.isEmpty()) return "A rule must have at least one condition";
    Set<ConditionField> seen = new LinkedHashSet<>();
    for (Condition c : conditions) {
      if (!seen.add(c.field()))
        return "A rule can only have one '" + c.field().wire() + "' condition";
      if (c.values().isEmpty())
        return "A '" + c.field().wire() + "' condition must have at least one value";
    }
    return null;
  }
}
