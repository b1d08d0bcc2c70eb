package io.harbormaster.server;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one control-plane node needs: where it listens, which cluster it joins, which Cassandra it
 * uses. A member the command line left out is null and comes from the node's config ({@link
 * #resolvedBy}): {@code harbormaster.api.host}, {@code harbormaster.api.port}, {@code
 * pekko.remote.artery.canonical.port}, {@code harbormaster.cassandra.contact-point} and {@code
 * harbormaster.region}, each with its environment variable and default in {@code harbormaster.conf}
 * and {@code cluster.conf}. A command-line option wins only when it is given.
 *
 * @param seedNodes host:port of nodes' cluster ports (this node's own may be among them: every node
 *     can be given the same list); see {@link ClusterFormation} for when a node may form a cluster
 *     instead of joining one
 * @param newCluster form a new cluster even when the lease shows a live one, whose nodes then stop
 */
public record NodeSettings(
    String apiHost,
    Integer apiPort,
    Integer clusterPort,
    List<String> seedNodes,
    boolean newCluster,
    String cassandraContactPoint,
    String region,
    Path projectHome) {

  /** Every member left null taken from {@code config} (which holds the given ones too). */
  public NodeSettings resolvedBy(Config config) {
    return new NodeSettings(
        apiHost != null ? apiHost : config.getString("harbormaster.api.host"),
        apiPort != null ? apiPort : config.getInt("harbormaster.api.port"),
        clusterPort != null ? clusterPort : config.getInt("pekko.remote.artery.canonical.port"),
        seedNodes,
        newCluster,
        cassandraContactPoint != null
            ? cassandraContactPoint
            : config.getString("harbormaster.cassandra.contact-point"),
        region != null ? region : config.getString("harbormaster.region"),
        projectHome);
  }

  /**
   * The members given (not null), as config paths: they override the config files and the
   * environment.
   */
  Map<String, Object> overrides() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (apiHost != null) out.put("harbormaster.api.host", apiHost);
    if (apiPort != null) out.put("harbormaster.api.port", apiPort);
    if (clusterPort != null) out.put("pekko.remote.artery.canonical.port", clusterPort);
    if (cassandraContactPoint != null)
      out.put("harbormaster.cassandra.contact-point", cassandraContactPoint);
    if (region != null) out.put("harbormaster.region", region);
    return out;
  }

  public Path cqlDir() {
    return projectHome.resolve("persistence").resolve("cql");
  }

  /**
   * Settings read from the harbormaster.api block of the node's config.
   *
   * @param pagingSecret the key of nextToken values when one is set; empty: the installation's own
   *     ({@link InstallationSecrets})
   */
  public record ApiSettings(
      Duration askTimeout,
      Duration maxClockSkew,
      Duration credentialCacheTtl,
      Optional<String> pagingSecret) {
    public static ApiSettings from(Config config) {
      Config api = config.getConfig("harbormaster.api");
      return new ApiSettings(
          api.getDuration("ask-timeout"),
          api.getDuration("max-clock-skew"),
          api.getDuration("credential-cache-ttl"),
          api.hasPath("paging-secret")
              ? Optional.of(api.getString("paging-secret"))
              : Optional.empty());
    }
  }
}
