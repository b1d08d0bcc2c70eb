package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.persistence.FreePorts;
import io.harbormaster.testing.AdminApi;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * One installation is one Pekko cluster, whatever the command lines and restart order (issue: a
 * restarted first node formed a second cluster beside the live one on the same journal, and both
 * wrote the same entities).
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
      // An account of this run's own: the forged journal below stays where no other test lists
      // clusters (the console's test lists every cluster of the default account).
      ServerProcess.Credentials owner =
          AdminApi.createAccount(
              node1.endpoint(), node1.credentials(), "formation-" + System.currentTimeMillis());

      // A name of this run's own: the shared test Cassandra keeps earlier runs' journals, forged
      // events included.
      String clusterName = "formation-" + System.currentTimeMillis();
      String clusterArn;
      try (EcsClient ecs2 = EcsClients.sync(node2.endpoint(), owner)) {
        clusterArn = ecs2.createCluster(r -> r.clusterName(clusterName)).cluster().clusterArn();
      }

      node1.kill();
      // The same command again: no --seed, the same ports.
      ServerProcess restarted =
          ServerProcess.start("formation-node1-restarted", api1, cluster1, List.of(), false);
      nodes.add(restarted);
      assertFalse(
          restarted.logContains("is JOINING itself"),
          "the restarted node formed a cluster of its own:\n" + restarted.tail());
      assertTrue(
          restarted.logContains("joining the control plane's cluster through"), restarted.tail());

      // One cluster: a write through either node is seen through both.
      try (EcsClient ecs1 = EcsClients.sync(restarted.endpoint(), owner);
          EcsClient ecs2 = EcsClients.sync(node2.endpoint(), owner)) {
        ecs1.tagResource(r -> r.resourceArn(clusterArn).tags(tag("through", "node1")));
        ecs2.tagResource(r -> r.resourceArn(clusterArn).tags(tag("via", "node2")));
        Set<Tag> expected = Set.of(tag("through", "node1"), tag("via", "node2"));
        assertEquals(
            expected, Set.copyOf(ecs1.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
        assertEquals(
            expected, Set.copyOf(ecs2.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
      }

      // A node told --new-cluster beside the live cluster takes the lease; the old cluster's nodes
      // stop by themselves
      // (exit 1) within a renewal, so only one cluster writes the journal.
      long forcedAt = System.nanoTime();
      ServerProcess forced =
          ServerProcess.start(
              "formation-forced",
              FreePorts.pick(),
              FreePorts.pick(),
              List.of(),
              false,
              Map.of(),
              List.of("--new-cluster"));
      nodes.add(forced);
      for (ServerProcess old : List.of(restarted, node2, node3)) {
        assertTrue(
            old.awaitExit(Duration.ofSeconds(40)),
            "a node of the fenced cluster still runs:\n" + old.tail());
        assertEquals(1, old.exitValue(), old.tail());
        assertTrue(old.logContains("holds the control-plane lease"), old.tail());
      }
      System.out.printf(
          "[ClusterFormationIT] the fenced cluster's 3 nodes stopped %d ms after --new-cluster%n",
          Duration.ofNanos(System.nanoTime() - forcedAt).toMillis());
      try (EcsClient ecs = EcsClients.sync(forced.endpoint(), owner)) {
        assertEquals(
            Set.of("through", "via"),
            ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags().stream()
                .map(Tag::key)
                .collect(Collectors.toSet()));
      }

      // Had two writers met anyway, the journal holds two events at one sequence number. Recovery
      // refuses such a
      // journal (replay-filter fail) instead of dropping one writer's acknowledged events.
      forgeASecondWritersEvent(
          io.harbormaster.cluster.Cluster.ENTITY_KEY.name()
              + "|"
              + io.harbormaster.cluster.Cluster.entityId(owner.accountId(), clusterName));
      forced.kill();
      ServerProcess again =
          ServerProcess.start(
              "formation-forced-again", forced.apiPort(), forced.clusterPort(), List.of(), false);
      nodes.add(again);
      try (EcsClient probe =
          EcsClients.probe(
              again.endpoint(),
              owner.accessKeyId(),
              owner.secretAccessKey(),
              Duration.ofSeconds(30))) {
        EcsException refused =
            assertThrows(
                EcsException.class, () -> probe.describeClusters(r -> r.clusters(clusterName)));
        assertTrue(refused.statusCode() >= 500, refused.toString());
      }
      assertTrue(again.logContains("Invalid replayed event"), again.tail());
    } finally {
      for (ServerProcess node : nodes) node.close();
    }
  }

  /**
   * A copy of the entity's second newest event at the same sequence number, as another writer would
   * have written it. (A replay stops at the highest sequence number it read first, so a copy of the
   * newest event is only read once the entity writes another.)
   */
  private static void forgeASecondWritersEvent(String persistenceId) throws Exception {
    try (CqlSession cql = SharedCassandra.openSession()) {
      Row newest =
          cql.execute(
                  SimpleStatement.newInstance(
                      "SELECT JSON * FROM harbormaster.messages WHERE "
                          + "persistence_id = ? AND partition_nr = 0 ORDER BY sequence_nr DESC LIMIT 2",
                      persistenceId))
              .all()
              .get(1);
      ObjectNode event =
          (ObjectNode)
              new com.fasterxml.jackson.databind.ObjectMapper().readTree(newest.getString(0));
      event.put("timestamp", Uuids.timeBased().toString());
      event.put("writer_uuid", UUID.randomUUID().toString());
      cql.execute(
          SimpleStatement.newInstance(
              "INSERT INTO harbormaster.messages JSON ?", event.toString()));
    }
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
