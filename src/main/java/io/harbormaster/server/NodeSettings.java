package io.harbormaster.server;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one control-plane node needs: where it listens, which cluster it joins, which Cassandra it uses.
 *
 * @param seedNodes host:port of nodes' cluster ports (this node's own may be among them: every node can be given the
 *     same list); see {@link ClusterFormation} for when a node may form a cluster instead of joining one
 * @param newCluster form a new cluster even when the lease shows a live one, whose nodes then stop
 */
public record NodeSettings(String apiHost, int apiPort, int clusterPort, List<String> seedNodes,
    boolean newCluster, String cassandraContactPoint, String region, Path projectHome) {

  public Path cqlDir() {
    return projectHome.resolve("persistence").resolve("cql");
  }

  /** Settings read from the harbormaster.api block of the node's config. */
  public record ApiSettings(Duration askTimeout, Duration maxClockSkew, Duration credentialCacheTtl,
      String pagingSecret) {
    public static ApiSettings from(Config config) {
      Config api = config.getConfig("harbormaster.api");
      return new ApiSettings(api.getDuration("ask-timeout"), api.getDuration("max-clock-skew"),
          api.getDuration("credential-cache-ttl"), api.getString("paging-secret"));
    }
  }
}
