package io.harbormaster.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A Pekko cluster of one node on loopback, for tests that run code which asks sharded entities
 * (handlers, placement) against real sharding: real entities or hand-written stand-ins registered
 * under the same entity type keys.
 */
public final class OneNodeCluster {
  private OneNodeCluster() {}

  /** The cluster provider on a free loopback port, over {@link EntityTestKit#config()}. */
  public static Config config() {
    return ConfigFactory.parseString(
            """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """)
        .withFallback(EntityTestKit.config());
  }

  /** Joins the node to itself and waits until it is up (sharding needs an up member). */
  public static void join(ActorSystem<?> system) {
    Cluster node = Cluster.get(system);
    node.manager().tell(Join.create(node.selfMember().address()));
    Await.until(
        "the node to be up",
        Duration.ofSeconds(20),
        () -> node.selfMember().status(),
        status -> status == MemberStatus.up());
  }
}
