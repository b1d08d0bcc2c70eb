package io.harbormaster.loadbalancing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ELBv2's ARNs, built and read in one place. A load balancer's entity is {@code <account>/<name>},
 * and its listeners and rules carry its name, so every ARN leads to its entity without an index;
 * the ids in it tell a deleted resource from a newer one of the same name.
 */
public final class ElbArns {
  private static final String PREFIX = "arn:aws:elasticloadbalancing:";
  private static final Pattern LOAD_BALANCER =
      Pattern.compile(
          "arn:aws:elasticloadbalancing:([a-z0-9-]+):(\\d{12}):loadbalancer/(app|net)/([^/]+)/([0-9a-f]+)");
  private static final Pattern LISTENER =
      Pattern.compile(
          "arn:aws:elasticloadbalancing:([a-z0-9-]+):(\\d{12}):listener/(app|net)/([^/]+)/([0-9a-f]+)/([0-9a-f]+)");
  private static final Pattern RULE =
      Pattern.compile(
          "arn:aws:elasticloadbalancing:([a-z0-9-]+):(\\d{12}):listener-rule/(app|net)/([^/]+)/([0-9a-f]+)/([0-9a-f]+)/([0-9a-f]+)");
  private static final Pattern TARGET_GROUP =
      Pattern.compile(
          "arn:aws:elasticloadbalancing:([a-z0-9-]+):(\\d{12}):targetgroup/([^/]+)/([0-9a-f]+)");

  private ElbArns() {}

  /** A load balancer's entity and the id of the one the ARN names. */
  public record LoadBalancerRef(String accountId, String name, String id) {
    public String entityId() {
      return accountId + "/" + name;
    }
  }

  public record ListenerRef(LoadBalancerRef loadBalancer, String listenerId) {}

  public record RuleRef(ListenerRef listener, String ruleId) {}

  public record TargetGroupRef(String accountId, String name, String id) {
    public String entityId() {
      return accountId + "/" + name;
    }
  }

  public static String loadBalancer(
      String region, String accountId, LoadBalancerType type, String name, String id) {
    return PREFIX + region + ":" + accountId + ":loadbalancer/" + path(type, name, id);
  }

  public static String listener(
      String region,
      String accountId,
      LoadBalancerType type,
      String name,
      String id,
      String listenerId) {
    return PREFIX
        + region
        + ":"
        + accountId
        + ":listener/"
        + path(type, name, id)
        + "/"
        + listenerId;
  }

  public static String rule(
      String region,
      String accountId,
      LoadBalancerType type,
      String name,
      String id,
      String listenerId,
      String ruleId) {
    return PREFIX
        + region
        + ":"
        + accountId
        + ":listener-rule/"
        + path(type, name, id)
        + "/"
        + listenerId
        + "/"
        + ruleId;
  }

  public static String targetGroup(String region, String accountId, String name, String id) {
    return PREFIX + region + ":" + accountId + ":targetgroup/" + name + "/" + id;
  }

  private static String path(LoadBalancerType type, String name, String id) {
    return type.arnPrefix() + "/" + name + "/" + id;
  }

  public static Optional<LoadBalancerRef> parseLoadBalancer(String arn) {
    Matcher m = LOAD_BALANCER.matcher(arn);
    return m.matches()
        ? Optional.of(new LoadBalancerRef(m.group(2), m.group(4), m.group(5)))
        : Optional.empty();
  }

  public static Optional<ListenerRef> parseListener(String arn) {
    Matcher m = LISTENER.matcher(arn);
    return m.matches()
        ? Optional.of(
            new ListenerRef(new LoadBalancerRef(m.group(2), m.group(4), m.group(5)), m.group(6)))
        : Optional.empty();
  }

  public static Optional<RuleRef> parseRule(String arn) {
    Matcher m = RULE.matcher(arn);
    return m.matches()
        ? Optional.of(
            new RuleRef(
                new ListenerRef(
                    new LoadBalancerRef(m.group(2), m.group(4), m.group(5)), m.group(6)),
                m.group(7)))
        : Optional.empty();
  }

  public static Optional<TargetGroupRef> parseTargetGroup(String arn) {
    Matcher m = TARGET_GROUP.matcher(arn);
    return m.matches()
        ? Optional.of(new TargetGroupRef(m.group(2), m.group(3), m.group(4)))
        : Optional.empty();
  }
}
