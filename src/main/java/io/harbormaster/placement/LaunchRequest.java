package io.harbormaster.placement;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.Arns;
import io.harbormaster.common.Tag;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tasks to launch from one task definition revision, as RunTask, StartTask or a service asks for
 * them.
 *
 * @param taskIds the tasks' ids when they are known already (a service's task created again);
 *     empty: new ids, derived from {@code clientToken} when there is one
 * @param instanceIds the container instances to reserve on, one task each (StartTask, a DAEMON
 *     task, a task created again); empty: the cluster's placement chooses
 * @param group the tasks' group; null: {@code family:<family>}
 * @param constraints the requested constraints; the task definition's own come before them
 * @param strategies the placement strategies; empty: RunTask's default
 * @param launchType EC2 or EXTERNAL; null when the request names none (then the strategy, or the
 *     cluster's default strategy, or EC2)
 * @param receivedAt when the API received the request (the tasks' creation time); null for a
 *     service, whose tasks are stamped when they are created
 * @param networkConfiguration the request's (RunTask) or the service's; null: none
 * @param capacityProviderStrategy the providers to spread the tasks over by ECS's base/weight rule;
 *     empty: none given
 */
public record LaunchRequest(
    Origin origin,
    String region,
    String accountId,
    String cluster,
    TaskDefinitionRef taskDefinition,
    int count,
    List<String> taskIds,
    List<String> instanceIds,
    String group,
    String startedBy,
    JsonNode overrides,
    List<Tag> tags,
    List<ConstraintSpec> constraints,
    List<StrategySpec> strategies,
    String clientToken,
    String launchType,
    Instant receivedAt,
    JsonNode networkConfiguration,
    List<CapacityProviderStrategyItem> capacityProviderStrategy) {

  public LaunchRequest {
    capacityProviderStrategy =
        capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
  }

  /** A request without a networkConfiguration or a capacity provider strategy. */
  public LaunchRequest(
      Origin origin,
      String region,
      String accountId,
      String cluster,
      TaskDefinitionRef taskDefinition,
      int count,
      List<String> taskIds,
      List<String> instanceIds,
      String group,
      String startedBy,
      JsonNode overrides,
      List<Tag> tags,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      String clientToken,
      String launchType,
      Instant receivedAt) {
    this(
        origin,
        region,
        accountId,
        cluster,
        taskDefinition,
        count,
        taskIds,
        instanceIds,
        group,
        startedBy,
        overrides,
        tags,
        constraints,
        strategies,
        clientToken,
        launchType,
        receivedAt,
        null,
        List.of());
  }

  /**
   * Who asks. An API request is checked (an ACTIVE revision, overrides that name its containers,
   * placement rules that parse); a service's launches were checked when it was created, and a
   * deployment keeps launching its revision after the revision is deregistered.
   */
  public enum Origin {
    API,
    SERVICE
  }

  /** A task definition revision by family; revision 0 is the family's latest ACTIVE one. */
  public record TaskDefinitionRef(String family, int revision) {
    /**
     * @throws IllegalArgumentException when {@code arn} is not a task definition revision's ARN
     */
    public static TaskDefinitionRef ofArn(String arn) {
      Optional<Arns.ParsedArn> parsed = Arns.parse(arn);
      if (parsed.isEmpty() || parsed.get().resourceId().lastIndexOf(':') < 0) {
        throw new IllegalArgumentException("not a task definition ARN: " + arn);
      }
      String id = parsed.get().resourceId();
      int colon = id.lastIndexOf(':');
      return new TaskDefinitionRef(
          id.substring(0, colon), Integer.parseInt(id.substring(colon + 1)));
    }
  }

  /** A service's launch without a capacity provider strategy. */
  public static LaunchRequest forService(
      String accountId,
      String cluster,
      String taskDefinitionArn,
      int count,
      Optional<String> instanceId,
      String group,
      String deploymentId,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      String launchType) {
    return forService(
        accountId,
        cluster,
        taskDefinitionArn,
        count,
        instanceId,
        group,
        deploymentId,
        constraints,
        strategies,
        launchType,
        null,
        List.of());
  }

  /**
   * A service's launch of {@code count} new tasks, placed by the cluster or on one instance.
   *
   * @throws IllegalArgumentException when {@code taskDefinitionArn} is not a revision's ARN
   */
  public static LaunchRequest forService(
      String accountId,
      String cluster,
      String taskDefinitionArn,
      int count,
      Optional<String> instanceId,
      String group,
      String deploymentId,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      String launchType,
      JsonNode networkConfiguration,
      List<CapacityProviderStrategyItem> capacityProviderStrategy) {
    return new LaunchRequest(
        Origin.SERVICE,
        regionOf(taskDefinitionArn),
        accountId,
        cluster,
        TaskDefinitionRef.ofArn(taskDefinitionArn),
        count,
        List.of(),
        instanceId.map(List::of).orElse(List.of()),
        group,
        deploymentId,
        null,
        List.of(),
        constraints,
        strategies,
        null,
        launchType,
        null,
        networkConfiguration,
        capacityProviderStrategy);
  }

  /**
   * A service's task whose launch was recorded but whose Task entity was never created.
   *
   * @throws IllegalArgumentException when {@code taskDefinitionArn} is not a revision's ARN
   */
  public static LaunchRequest serviceTaskAgain(
      String accountId,
      String cluster,
      String taskDefinitionArn,
      String taskId,
      String instanceId,
      String group,
      String deploymentId,
      String launchType,
      JsonNode networkConfiguration) {
    return new LaunchRequest(
        Origin.SERVICE,
        regionOf(taskDefinitionArn),
        accountId,
        cluster,
        TaskDefinitionRef.ofArn(taskDefinitionArn),
        1,
        List.of(taskId),
        List.of(instanceId),
        group,
        deploymentId,
        null,
        List.of(),
        List.of(),
        List.of(),
        null,
        launchType,
        null,
        networkConfiguration,
        List.of());
  }

  /** A service's tasks live in the region of its task definition's ARN, the installation's. */
  private static String regionOf(String arn) {
    return Arns.parse(arn)
        .map(Arns.ParsedArn::region)
        .orElseThrow(() -> new IllegalArgumentException("not a task definition ARN: " + arn));
  }
}
