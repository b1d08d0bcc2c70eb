package io.harbormaster.common;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place ARNs are built and read. Entity ids stay short (account/name); ARNs exist only at
 * the API edge.
 */
public final class Arns {
  private static final Pattern ARN =
      Pattern.compile("arn:aws:ecs:([a-z0-9-]+):(\\d{12}):([a-z-]+)/(.+)");

  private Arns() {}

  public record ParsedArn(
      String region, String accountId, String resourceType, String resourceId) {}

  public static String cluster(String region, String accountId, String clusterName) {
    return "arn:aws:ecs:%s:%s:cluster/%s".formatted(region, accountId, clusterName);
  }

  public static String taskDefinition(
      String region, String accountId, String family, int revision) {
    return "arn:aws:ecs:%s:%s:task-definition/%s:%d".formatted(region, accountId, family, revision);
  }

  public static String task(String region, String accountId, String clusterName, String taskId) {
    return "arn:aws:ecs:%s:%s:task/%s/%s".formatted(region, accountId, clusterName, taskId);
  }

  /** The long ARN format ECS uses for services: the cluster's name is part of it. */
  public static String service(
      String region, String accountId, String clusterName, String serviceName) {
    return "arn:aws:ecs:%s:%s:service/%s/%s".formatted(region, accountId, clusterName, serviceName);
  }

  public static String serviceDeployment(
      String region, String accountId, String clusterName, String serviceName, String id) {
    return "arn:aws:ecs:%s:%s:service-deployment/%s/%s/%s"
        .formatted(region, accountId, clusterName, serviceName, id);
  }

  public static String serviceRevision(
      String region, String accountId, String clusterName, String serviceName, String id) {
    return "arn:aws:ecs:%s:%s:service-revision/%s/%s/%s"
        .formatted(region, accountId, clusterName, serviceName, id);
  }

  public static String containerInstance(
      String region, String accountId, String clusterName, String instanceId) {
    return "arn:aws:ecs:%s:%s:container-instance/%s/%s"
        .formatted(region, accountId, clusterName, instanceId);
  }

  /**
   * ECS's container ARN ends in an id, not the name. The id is derived from the task and the
   * container's name (a name-based UUID), so it is the same in every answer and for tasks recorded
   * before it existed, with nothing stored.
   */
  public static String container(
      String region, String accountId, String clusterName, String taskId, String containerName) {
    return "arn:aws:ecs:%s:%s:container/%s/%s/%s"
        .formatted(region, accountId, clusterName, taskId, containerId(taskId, containerName));
  }

  static String containerId(String taskId, String containerName) {
    return java.util
        .UUID
        .nameUUIDFromBytes(
            (taskId + "/" + containerName).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }

  public static String capacityProvider(String region, String accountId, String name) {
    return "arn:aws:ecs:%s:%s:capacity-provider/%s".formatted(region, accountId, name);
  }

  public static String accountRoot(String accountId) {
    return "arn:aws:iam::%s:root".formatted(accountId);
  }

  public static Optional<ParsedArn> parse(String arn) {
    Matcher m = ARN.matcher(arn);
    if (!m.matches()) return Optional.empty();
    return Optional.of(new ParsedArn(m.group(1), m.group(2), m.group(3), m.group(4)));
  }
}
