package io.harbormaster.server;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node finds or forms its Pekko cluster, and how the live cluster keeps its lease on the
 * journal.
 *
 * @param leaseTtl how long the lease, and a member's heartbeat, stay valid without renewal: a whole
 *     control plane killed at once can be started again as a new cluster after this
 * @param renewInterval how often every member renews the lease and its heartbeat
 * @param firstJoinAttempt how long a node that may form a cluster first tries to join the nodes it
 *     knows of
 * @param joinTimeout a node that has neither joined nor formed a cluster this long after it started
 *     stops (exit 1)
 */
public record ClusterFormationSettings(
    Duration leaseTtl, Duration renewInterval, Duration firstJoinAttempt, Duration joinTimeout) {

  public static ClusterFormationSettings from(Config config) {
    Config c = config.getConfig("harbormaster.cluster-formation");
    return new ClusterFormationSettings(
        c.getDuration("lease-ttl"),
        c.getDuration("renew-interval"),
        c.getDuration("first-join-attempt"),
        c.getDuration("join-timeout"));
  }
}
