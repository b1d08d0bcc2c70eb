package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.cluster.Cluster.Setting;
import io.harbormaster.views.JsonViews;
import java.util.List;

/**
 * UpdateCluster and UpdateClusterSettings decoded once; members left out are null (kept as they
 * are). The configurations are JSON the cluster only stores and returns.
 */
record UpdateClusterRequest(
    String cluster,
    List<Setting> settings,
    JsonNode configuration,
    JsonNode serviceConnectDefaults) {

  static UpdateClusterRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    List<Setting> settings = input.has("settings") ? ClusterHandlers.settings(input) : null;
    return new UpdateClusterRequest(
        cluster,
        settings,
        JsonViews.member(input, "configuration").orElse(null),
        JsonViews.member(input, "serviceConnectDefaults").orElse(null));
  }

  /** UpdateClusterSettings: only the settings, always given (none is an empty list). */
  static UpdateClusterRequest decodeSettings(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    return new UpdateClusterRequest(cluster, ClusterHandlers.settings(input), null, null);
  }
}
