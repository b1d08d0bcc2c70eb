package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.views.JsonViews;
import java.util.Optional;

/**
 * ListTasks decoded once. {@code desiredStatus} is ECS's filter as given (RUNNING when absent or
 * unknown); {@code after} is the task id the nextToken resumes after.
 */
record ListTasksRequest(
    String cluster,
    int maxResults,
    Optional<String> instanceId,
    Optional<String> family,
    Optional<String> startedBy,
    Optional<String> serviceGroup,
    String desiredStatus,
    Optional<String> after) {

  static ListTasksRequest decode(RequestContext ctx, JsonNode input, EcsPaging paging) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    int max = EcsPaging.maxResults(input, 100, 100);
    Optional<String> instance =
        JsonViews.text(input, "containerInstance")
            .map(ref -> InstanceHandlers.instanceId(ctx, cluster, ref));
    Optional<String> family = JsonViews.text(input, "family");
    Optional<String> startedBy = JsonViews.text(input, "startedBy");
    Optional<String> serviceGroup = JsonViews.text(input, "serviceName").map(s -> "service:" + s);
    String desired = JsonViews.text(input, "desiredStatus").orElse("RUNNING");
    Optional<String> after = paging.cursor(ctx.accountId(), input);
    return new ListTasksRequest(
        cluster, max, instance, family, startedBy, serviceGroup, desired, after);
  }

  /** Whether the instance's tasks are listed at all. */
  boolean lists(String instance) {
    return instanceId.map(instance::equals).orElse(true);
  }

  /** Whether a task the instance holds (or stopped recently) passes every filter. */
  boolean matches(Reservation r) {
    return matchesDesired(r.phase())
        && family.map(f -> f.equals(r.summary().family())).orElse(true)
        && startedBy.map(s -> s.equals(r.summary().startedBy())).orElse(true)
        && serviceGroup.map(g -> g.equals(r.summary().group())).orElse(true);
  }

  private boolean matchesDesired(TaskPhase phase) {
    return switch (desiredStatus) {
      case "STOPPED" -> phase == TaskPhase.STOPPING || phase == TaskPhase.STOPPED;
      case "PENDING" -> phase == TaskPhase.RESERVED || phase == TaskPhase.PENDING;
      default ->
          phase == TaskPhase.RESERVED || phase == TaskPhase.PENDING || phase == TaskPhase.RUNNING;
    };
  }
}
