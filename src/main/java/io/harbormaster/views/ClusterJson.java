package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster.ClusterInfo;
import io.harbormaster.cluster.Cluster.ClusterSpec;
import io.harbormaster.common.Arns;

/** A cluster as DescribeClusters shows it. */
public final class ClusterJson {
  private ClusterJson() {}

  /** Tasks on the cluster's instances, from its placement's snapshot. */
  public record TaskCounts(int running, int pending) {
    public static final TaskCounts NONE = new TaskCounts(0, 0);
  }

  public static ObjectNode view(
      ViewContext ctx, ClusterInfo info, boolean tags, boolean settings, boolean statistics) {
    return view(ctx, info, tags, settings, statistics, TaskCounts.NONE);
  }

  public static ObjectNode view(
      ViewContext ctx,
      ClusterInfo info,
      boolean tags,
      boolean settings,
      boolean statistics,
      TaskCounts counts) {
    ClusterSpec spec = info.spec();
    ObjectNode c = JsonViews.object();
    c.put("clusterArn", Arns.cluster(ctx.region(), info.accountId(), spec.name()));
    c.put("clusterName", spec.name());
    if (spec.configuration() != null) c.set("configuration", spec.configuration());
    c.put("status", info.status().name());
    c.put("registeredContainerInstancesCount", info.instances().size());
    c.put("runningTasksCount", counts.running());
    c.put("pendingTasksCount", counts.pending());
    c.put("activeServicesCount", info.services().size());
    // DescribeClusters shows these three only when `include` asks (ECS leaves them out otherwise)
    if (statistics) {
      ArrayNode stats = c.putArray("statistics");
      java.util.Map<String, Integer> values = new java.util.LinkedHashMap<>();
      values.put("runningEC2TasksCount", counts.running());
      values.put("runningFargateTasksCount", 0);
      values.put("pendingEC2TasksCount", counts.pending());
      values.put("pendingFargateTasksCount", 0);
      values.put("activeEC2ServiceCount", info.services().size());
      values.put("activeFargateServiceCount", 0);
      values.put("drainingEC2ServiceCount", 0);
      values.put("drainingFargateServiceCount", 0);
      values.forEach(
          (key, value) -> stats.addObject().put("name", key).put("value", Integer.toString(value)));
    }
    if (tags) c.set("tags", JsonViews.tags(spec.tags()));
    if (settings) {
      ArrayNode settingsOut = c.putArray("settings");
      spec.settings()
          .forEach(s -> settingsOut.addObject().put("name", s.name()).put("value", s.value()));
    }
    c.set("capacityProviders", JsonViews.strings(spec.capacityProviders()));
    c.set(
        "defaultCapacityProviderStrategy",
        spec.defaultCapacityProviderStrategy() != null
            ? spec.defaultCapacityProviderStrategy()
            : JsonViews.NODES.arrayNode());
    if (spec.serviceConnectDefaults() != null)
      c.set("serviceConnectDefaults", spec.serviceConnectDefaults());
    return c;
  }
}
