package io.harbormaster.server;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What one control-plane node needs: where it listens, which cluster it joins, which Cassandra it uses. */
public record NodeSettings(String apiHost, int apiPort, int clusterPort, List<String> seedNodes,
    String cassandraContactPoint, String region, Path projectHome) {

  /** Seeds are host:port of other nodes' cluster ports; the node itself when it is the first. */
  public List<String> seedAddresses() {
    List<String> seeds = seedNodes.isEmpty() ? List.of("127.0.0.1:" + clusterPort) : seedNodes;
    return seeds.stream().map(s -> "pekko://harbormaster@" + s).toList();
  }

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
