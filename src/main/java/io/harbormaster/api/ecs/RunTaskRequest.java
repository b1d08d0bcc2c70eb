package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Tag;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.placement.LaunchRequest;
import io.harbormaster.views.JsonViews;
import java.util.List;

/**
 * A RunTask or StartTask request, decoded and checked once: RunTask asks for {@code count} tasks
 * placed by the cluster, StartTask for one task on each of {@code containerInstanceIds}.
 */
record RunTaskRequest(
    String cluster,
    LaunchRequest.TaskDefinitionRef taskDefinition,
    int count,
    List<String> containerInstanceIds,
    JsonNode overrides,
    String group,
    String startedBy,
    List<Tag> tags,
    List<ConstraintSpec> constraints,
    List<StrategySpec> strategies,
    String clientToken,
    String launchType,
    JsonNode networkConfiguration,
    List<CapacityProviderStrategyItem> capacityProviderStrategy) {
  static final int MAX_COUNT = 10;

  static RunTaskRequest runTask(RequestContext ctx, JsonNode input) {
    int count = input.path("count").asInt(1);
    if (count < 1 || count > MAX_COUNT) {
      throw EcsException.invalidParameter(
          "count must be between 1 and " + MAX_COUNT + ", not " + count + ".");
    }
    CapacityProviderStrategies.requireNotBoth(input, "capacityProviderStrategy");
    String launchType = JsonViews.text(input, "launchType").orElse("EC2");
    if (!launchType.equals("EC2") && !launchType.equals("EXTERNAL")) {
      throw EcsException.invalidParameter(
          "launchType "
              + launchType
              + " is not supported here: tasks run on the "
              + "cluster's container instances (EC2 or EXTERNAL).");
    }
    RunTaskRequest request = decode(ctx, input, count, null);
    // Without a launch type the strategy decides, or the cluster's default strategy, or EC2.
    return new RunTaskRequest(
        request.cluster(),
        request.taskDefinition(),
        request.count(),
        request.containerInstanceIds(),
        request.overrides(),
        request.group(),
        request.startedBy(),
        request.tags(),
        request.constraints(),
        request.strategies(),
        request.clientToken(),
        JsonViews.text(input, "launchType").orElse(null),
        request.networkConfiguration(),
        CapacityProviderStrategies.decode(input, "capacityProviderStrategy"));
  }

  static RunTaskRequest startTask(RequestContext ctx, JsonNode input) {
    List<String> refs = JsonViews.textList(input, "containerInstances");
    if (refs.isEmpty() || refs.size() > MAX_COUNT) {
      throw EcsException.invalidParameter(
          "containerInstances must name 1 to " + MAX_COUNT + " instances.");
    }
    return decode(ctx, input, refs.size(), refs);
  }

  /** The members RunTask and StartTask share; StartTask's instances once the cluster is known. */
  private static RunTaskRequest decode(
      RequestContext ctx, JsonNode input, int count, List<String> instanceRefs) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    var ref =
        TaskDefinitionHandlers.TaskDefinitionRef.parse(
            ctx, JsonViews.text(input, "taskDefinition").orElse(""));
    JsonNode overrides = JsonViews.member(input, "overrides").orElse(null);
    String startedBy = JsonViews.text(input, "startedBy").orElse(null);
    if (startedBy != null && !startedBy.matches("[A-Za-z0-9_-]{1,128}")) {
      throw EcsException.invalidParameter(
          "startedBy has 1 to 128 letters, digits, hyphens and underscores.");
    }
    List<Tag> tags = ResourceRefs.tags(input, "tags");
    List<ConstraintSpec> constraints =
        PlacementSpecs.constraints(input.path("placementConstraints"));
    List<StrategySpec> strategies = PlacementSpecs.strategies(input.path("placementStrategy"));
    List<String> instanceIds =
        instanceRefs == null
            ? List.of()
            : instanceRefs.stream().map(r -> InstanceHandlers.instanceId(ctx, cluster, r)).toList();
    return new RunTaskRequest(
        cluster,
        new LaunchRequest.TaskDefinitionRef(ref.family(), ref.revision()),
        count,
        instanceIds,
        overrides,
        JsonViews.text(input, "group").orElse(null),
        startedBy,
        tags,
        constraints,
        strategies,
        JsonViews.text(input, "clientToken").orElse(null),
        // StartTask has no launchType member checked: its tasks are EC2 unless it says otherwise
        JsonViews.text(input, "launchType").orElse("EC2"),
        JsonViews.member(input, "networkConfiguration").orElse(null),
        List.of());
  }

  LaunchRequest toLaunch(RequestContext ctx) {
    return new LaunchRequest(
        LaunchRequest.Origin.API,
        ctx.region(),
        ctx.accountId(),
        cluster,
        taskDefinition,
        count,
        List.of(),
        containerInstanceIds,
        group,
        startedBy,
        overrides,
        tags,
        constraints,
        strategies,
        clientToken,
        launchType,
        ctx.receivedAt(),
        networkConfiguration,
        capacityProviderStrategy);
  }
}
