package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.persistence.FreePorts;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * One installation is one Pekko cluster, whatever the command lines and restart order (issue: a restarted first node
 * formed a second cluster beside the live one on the same journal, and both wrote the same entities).
 */
@ExtendWith(SharedCassandra.class)
class ClusterFormationIT {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void aRestartedFirstNodeJoinsTheLiveClusterAndASecondClusterIsFenced() throws Exception {
    List<ServerProcess> nodes = new ArrayList<>();
    try {
      // As the README used to show: node 1 without --seed, nodes 2 and 3 seeded with node 1.
      int api1 = FreePorts.pick();
      int cluster1 = FreePorts.pick();
      ServerProcess node1 = ServerProcess.start("formation-node1", api1, cluster1, List.of(), true);
      nodes.add(node1);
      ServerProcess node2 = ServerProcess.startJoining("formation-node2", node1.clusterAddress());
      nodes.add(node2);
      ServerProcess.awaitUp(node2, JOIN_TIMEOUT, node1);
      ServerProcess node3 = ServerProcess.startJoining("formation-node3", node1.clusterAddress());
      nodes.add(node3);
      ServerProcess.awaitUp(node3, JOIN_TIMEOUT, node1, node2);
      ServerProcess.Credentials admin = node1.credentials();

      String clusterArn;
      try (EcsClient ecs2 = EcsClients.sync(node2.endpoint(), admin)) {
        clusterArn = ecs2.createCluster(r -> r.clusterName("formation")).cluster().clusterArn();
      }

      node1.kill();
      // The same command again: no --seed, the same ports.
      ServerProcess restarted = ServerProcess.start("formation-node1-restarted", api1, cluster1, List.of(), false);
      nodes.add(restarted);
      assertFalse(restarted.logContains("is JOINING itself"), "the restarted node formed a cluster of its own:\n"
          + restarted.tail());
      assertTrue(restarted.logContains("joining the control plane's cluster through"), restarted.tail());

      // One cluster: a write through either node is seen through both.
      try (EcsClient ecs1 = EcsClients.sync(restarted.endpoint(), admin);
           EcsClient ecs2 = EcsClients.sync(node2.endpoint(), admin)) {
        ecs1.tagResource(r -> r.resourceArn(clusterArn).tags(tag("through", "node1")));
        ecs2.tagResource(r -> r.resourceArn(clusterArn).tags(tag("via", "node2")));
        Set<Tag> expected = Set.of(tag("through", "node1"), tag("via", "node2"));
        assertEquals(expected, Set.copyOf(ecs1.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
        assertEquals(expected, Set.copyOf(ecs2.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
      }

      // A node told --new-cluster beside the live cluster takes the lease; the old cluster's nodes stop by themselves
      // (exit 1) within a renewal, so only one cluster writes the journal.
      long forcedAt = System.nanoTime();
      ServerProcess forced = ServerProcess.start("formation-forced", FreePorts.pick(), FreePorts.pick(), List.of(),
          false, Map.of(), List.of("--new-cluster"));
      nodes.add(forced);
      for (ServerProcess old : List.of(restarted, node2, node3)) {
        assertTrue(old.awaitExit(Duration.ofSeconds(40)), "a node of the fenced cluster still runs:\n" + old.tail());
        assertEquals(1, old.exitValue(), old.tail());
        assertTrue(old.logContains("holds the control-plane lease"), old.tail());
      }
      System.out.printf("[ClusterFormationIT] the fenced cluster's 3 nodes stopped %d ms after --new-cluster%n",
          Duration.ofNanos(System.nanoTime() - forcedAt).toMillis());
      try (EcsClient ecs = EcsClients.sync(forced.endpoint(), admin)) {
        assertEquals(Set.of("through", "via"), ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags().stream()
            .map(Tag::key).collect(Collectors.toSet()));
      }
    } finally {
      for (ServerProcess node : nodes) node.close();
    }
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
