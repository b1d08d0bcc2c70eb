package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.AdminApi;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.SdkComparison;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * Control-plane nodes as separate processes against one Cassandra: state created through any node
 * is seen through every other, and stays reachable and writable after a node is killed with SIGKILL
 * once the split-brain resolver has downed it and its shards have moved.
 *
 * <p>What survives what is sharding-config/sharding.conf's keep-oldest strategy with down-if-alone:
 * losing the oldest node needs at least two survivors (so the failover test runs three nodes); a
 * two-node cluster survives losing its younger node only, and the second test pins both halves of
 * that.
 */
@ExtendWith(SharedCassandra.class)
class TwoNodeClusterIT {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

  /** The brief: failover well under a minute. Asserted; the measured time is printed. */
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(60);

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(4);
  private static final int SPREAD_CLUSTERS = 24;

  @Test
  void stateIsSharedAcrossNodesAndSurvivesKillingTheOldest() throws Exception {
    List<ServerProcess> nodes = new ArrayList<>();
    try {
      ServerProcess node1 = timed("node 1", () -> ServerProcess.startFirst("three-node1"));
      nodes.add(node1);
      ServerProcess node2 =
          timed("node 2", () -> ServerProcess.startJoining("three-node2", node1.clusterAddress()));
      nodes.add(node2);
      ServerProcess.awaitUp(node2, JOIN_TIMEOUT, node1);
      ServerProcess.Credentials account =
          AdminApi.createAccount(node1.endpoint(), node1.credentials(), "three-nodes");

      try (EcsClient ecs1 = EcsClients.sync(node1.endpoint(), account);
          EcsClient ecs2 = EcsClients.sync(node2.endpoint(), account)) {
        crossNodeReadsAndWrites(ecs1, ecs2);

        spreadState(ecs1, ecs2);

        // A third node: with keep-oldest + down-if-alone the oldest is only downed by two or more
        // survivors.
        ServerProcess node3 =
            timed(
                "node 3",
                () ->
                    ServerProcess.startJoining(
                        "three-node3", node1.clusterAddress(), node2.clusterAddress()));
        nodes.add(node3);
        ServerProcess.awaitUp(node3, JOIN_TIMEOUT, node1, node2);

        List<String> clusters = allClusterNames();
        Map<String, SdkPojo> before = observe(ecs2, clusters);
        assertEquals(before.keySet(), observe(ecs1, clusters).keySet());

        try (EcsClient probe2 =
                EcsClients.probe(
                    node2.endpoint(),
                    account.accessKeyId(),
                    account.secretAccessKey(),
                    PROBE_TIMEOUT);
            EcsClient ecs3 = EcsClients.sync(node3.endpoint(), account)) {
          // Every cluster answers through node 3 before the kill, so its region is registered with
          // the coordinator.
          assertEquals(
              List.of(),
              SdkComparison.differences(
                  "DescribeClusters through node 3",
                  before.get("DescribeClusters"),
                  ecs3.describeClusters(
                      r ->
                          r.clusters(clusters).include(ClusterField.TAGS, ClusterField.SETTINGS))));

          long killedAt = System.nanoTime();
          node1.kill();
          System.out.printf(
              "[TwoNodeClusterIT] killed node 1 (the oldest, pid %d) with SIGKILL%n", node1.pid());

          // Right after the kill, what node 1 hosted does not answer (its messages go to a dead
          // node).
          List<String> hostedByNode1 = unanswered(probe2, clusters);
          System.out.printf(
              "[TwoNodeClusterIT] clusters not answering right after the kill (hosted by node 1): %d of "
                  + "%d %s%n",
              hostedByNode1.size(), clusters.size(), hostedByNode1);
          assertTrue(
              !hostedByNode1.isEmpty(),
              "node 1 hosted none of the clusters; the test proves nothing");

          Duration failover = awaitSame(probe2, clusters, before, killedAt);
          System.out.printf(
              "[TwoNodeClusterIT] FAILOVER: all state reachable through node 2 %d ms after the kill%n",
              failover.toMillis());
          assertTrue(failover.compareTo(FAILOVER_LIMIT) < 0, "failover took " + failover);

          // Writable through the survivors, including what node 1 hosted.
          for (String name : hostedByNode1) {
            ecs2.tagResource(
                r ->
                    r.resourceArn(EcsClients.clusterArn(ecs2, name))
                        .tags(tag("after", "failover")));
            ecs2.updateClusterSettings(
                r ->
                    r.cluster(name)
                        .settings(
                            s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("enhanced")));
          }
          ecs2.createCluster(r -> r.clusterName("after-failover"));
          int revision =
              ecs3.registerTaskDefinition(
                      r ->
                          r.family("family-0")
                              .containerDefinitions(
                                  c -> c.name("app").image("busybox:1.37").memory(32)))
                  .taskDefinition()
                  .revision();
          assertEquals(2, revision);
          for (String name : hostedByNode1) {
            Cluster c =
                ecs3.describeClusters(
                        r -> r.clusters(name).include(ClusterField.TAGS, ClusterField.SETTINGS))
                    .clusters()
                    .get(0);
            assertTrue(c.tags().contains(tag("after", "failover")), name + ": " + c);
            assertEquals("enhanced", c.settings().get(0).value(), name + ": " + c);
          }
          assertTrue(
              EcsClients.allClusterArns(ecs3).stream()
                  .anyMatch(a -> a.endsWith("/after-failover")));
          System.out.printf(
              "[TwoNodeClusterIT] writes through nodes 2 and 3 after the failover: ok%n");
        }
      }
    } finally {
      for (ServerProcess node : nodes) node.close();
    }
  }

  /**
   * Two nodes: losing the younger leaves the oldest serving everything; losing the oldest downs the
   * survivor too (keep-oldest keeps the oldest's side of a 1:1 split, and a crash looks like a
   * partition). Both as documented in sharding-config/sharding.conf.
   */
  @Test
  void twoNodesSurviveLosingTheYoungerButNotTheOldest() throws Exception {
    List<ServerProcess> nodes = new ArrayList<>();
    try {
      ServerProcess node1 = timed("node 1", () -> ServerProcess.startFirst("two-node1"));
      nodes.add(node1);
      ServerProcess node2 =
          timed("node 2", () -> ServerProcess.startJoining("two-node2", node1.clusterAddress()));
      nodes.add(node2);
      ServerProcess.awaitUp(node2, JOIN_TIMEOUT, node1);
      ServerProcess.Credentials account =
          AdminApi.createAccount(node1.endpoint(), node1.credentials(), "two-nodes");
      List<String> clusters = allClusterNames();
      try (EcsClient ecs1 = EcsClients.sync(node1.endpoint(), account);
          EcsClient ecs2 = EcsClients.sync(node2.endpoint(), account);
          EcsClient probe1 =
              EcsClients.probe(
                  node1.endpoint(),
                  account.accessKeyId(),
                  account.secretAccessKey(),
                  PROBE_TIMEOUT)) {
        crossNodeReadsAndWrites(ecs1, ecs2);
        spreadState(ecs1, ecs2);
        Map<String, SdkPojo> before = observe(ecs1, clusters);

        long killedAt = System.nanoTime();
        node2.kill();
        List<String> hostedByNode2 = unanswered(probe1, clusters);
        System.out.printf(
            "[TwoNodeClusterIT] 2 nodes, younger killed; clusters it hosted: %d %s%n",
            hostedByNode2.size(), hostedByNode2);
        Duration failover = awaitSame(probe1, clusters, before, killedAt);
        System.out.printf(
            "[TwoNodeClusterIT] 2 nodes, younger killed: all state reachable through the oldest %d ms "
                + "after the kill%n",
            failover.toMillis());
        assertTrue(failover.compareTo(FAILOVER_LIMIT) < 0, "failover took " + failover);
        ecs1.createCluster(r -> r.clusterName("after-younger-lost"));
      }

      // A new younger node joins the oldest; then the oldest is lost: the survivor downs itself and
      // stops serving.
      ServerProcess node3 =
          timed("node 3", () -> ServerProcess.startJoining("two-node3", node1.clusterAddress()));
      nodes.add(node3);
      ServerProcess.awaitUp(node3, JOIN_TIMEOUT, node1);
      try (EcsClient ecs3 = EcsClients.sync(node3.endpoint(), account)) {
        assertEquals(
            "ACTIVE",
            ecs3.describeClusters(r -> r.clusters("after-younger-lost"))
                .clusters()
                .get(0)
                .status());
      }
      long killedAt = System.nanoTime();
      node1.kill();
      long deadline = killedAt + FAILOVER_LIMIT.toNanos();
      while (node3.isAlive() && System.nanoTime() < deadline) Thread.sleep(250);
      System.out.printf(
          "[TwoNodeClusterIT] 2 nodes, oldest killed: the survivor %s %d ms after the kill%n",
          node3.isAlive() ? "is still running" : "exited",
          (System.nanoTime() - killedAt) / 1_000_000);
      assertTrue(
          node3.logContains("SBR took decision DownReachable"),
          "the survivor of a 2-node cluster that lost its oldest node should down itself:\n"
              + node3.tail());
      assertTrue(
          !node3.isAlive(),
          "a node that downed itself must exit, not linger without a cluster:\n" + node3.tail());
      assertEquals(
          1, node3.exitValue(), "a downed node exits non-zero, so that a supervisor restarts it");
    } finally {
      for (ServerProcess node : nodes) node.close();
    }
  }

  // ---- steps ----

  /**
   * A cluster created through one node is described through the other, both ways; commands cross
   * nodes intact.
   */
  /**
   * Clusters and task definitions created through either node, so both nodes' shards hold state.
   */
  private static void spreadState(EcsClient ecs1, EcsClient ecs2) {
    for (int i = 0; i < SPREAD_CLUSTERS; i++) {
      String name = "spread-%02d".formatted(i);
      (i % 2 == 0 ? ecs1 : ecs2).createCluster(r -> r.clusterName(name).tags(tag("n", name)));
    }
    for (int i = 0; i < 4; i++) {
      String family = "family-" + i;
      (i % 2 == 0 ? ecs1 : ecs2)
          .registerTaskDefinition(
              r ->
                  r.family(family)
                      .containerDefinitions(c -> c.name("app").image("busybox:1.36").memory(32)));
    }
  }

  private static void crossNodeReadsAndWrites(EcsClient ecs1, EcsClient ecs2) {
    ecs1.createCluster(
        r ->
            r.clusterName("from-node-1")
                .tags(tag("via", "node-1"))
                .configuration(c -> c.executeCommandConfiguration(e -> e.logging("DEFAULT")))
                .serviceConnectDefaults(d -> d.namespace("ns-1")));
    Cluster seen2 =
        ecs2.describeClusters(r -> r.clusters("from-node-1").include(ClusterField.TAGS))
            .clusters()
            .get(0);
    assertEquals("ACTIVE", seen2.status());
    assertEquals(List.of(tag("via", "node-1")), seen2.tags());

    ecs2.createCluster(
        r ->
            r.clusterName("from-node-2")
                .tags(tag("via", "node-2"))
                .configuration(c -> c.executeCommandConfiguration(e -> e.logging("NONE")))
                .serviceConnectDefaults(d -> d.namespace("ns-2")));
    Cluster seen1 =
        ecs1.describeClusters(r -> r.clusters("from-node-2").include(ClusterField.TAGS))
            .clusters()
            .get(0);
    assertEquals("ACTIVE", seen1.status());
    assertEquals(List.of(tag("via", "node-2")), seen1.tags());

    // Settings changed through each node on each cluster: whichever node hosts the entity, the
    // command reaches it
    // serialized or not, and must leave configuration and serviceConnectDefaults alone.
    for (EcsClient ecs : List.of(ecs1, ecs2)) {
      for (String name : List.of("from-node-1", "from-node-2")) {
        ecs.updateClusterSettings(
            r ->
                r.cluster(name)
                    .settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("enabled")));
      }
    }
    for (EcsClient ecs : List.of(ecs1, ecs2)) {
      List<Cluster> both =
          ecs.describeClusters(r -> r.clusters("from-node-1", "from-node-2")).clusters();
      assertEquals(
          "DEFAULT",
          both.get(0).configuration().executeCommandConfiguration().loggingAsString(),
          "configuration after UpdateClusterSettings: " + both.get(0));
      assertEquals(
          "ns-1", both.get(0).serviceConnectDefaults().namespace(), both.get(0).toString());
      assertEquals(
          "NONE",
          both.get(1).configuration().executeCommandConfiguration().loggingAsString(),
          "configuration after UpdateClusterSettings: " + both.get(1));
      assertEquals(
          "ns-2", both.get(1).serviceConnectDefaults().namespace(), both.get(1).toString());
    }
  }

  private static List<String> allClusterNames() {
    List<String> names = new ArrayList<>(List.of("from-node-1", "from-node-2"));
    IntStream.range(0, SPREAD_CLUSTERS).mapToObj("spread-%02d"::formatted).forEach(names::add);
    return names;
  }

  private static Map<String, SdkPojo> observe(EcsClient ecs, List<String> clusters) {
    Map<String, SdkPojo> out = new LinkedHashMap<>();
    out.put(
        "DescribeClusters",
        ecs.describeClusters(
            r -> r.clusters(clusters).include(ClusterField.TAGS, ClusterField.SETTINGS)));
    out.put("ListClusters", ecs.listClusters(r -> r.maxResults(100)));
    for (int i = 0; i < 4; i++) {
      String family = "family-" + i;
      out.put(
          "DescribeTaskDefinition " + family,
          ecs.describeTaskDefinition(
              r -> r.taskDefinition(family).include(TaskDefinitionField.TAGS)));
    }
    out.put("ListTaskDefinitions", ecs.listTaskDefinitions(r -> r.maxResults(100)));
    return out;
  }

  /**
   * The clusters that do not answer one describe within the probe timeout, asked one by one in
   * parallel.
   */
  private static List<String> unanswered(EcsClient probe, List<String> clusters) {
    // A thread each: all probes must run at once, before the failover (the common pool has one
    // thread on 2 cores).
    ExecutorService threads = Executors.newFixedThreadPool(clusters.size());
    try {
      List<CompletableFuture<Boolean>> answers =
          clusters.stream()
              .map(
                  name ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              probe.describeClusters(r -> r.clusters(name));
                              return true;
                            } catch (RuntimeException e) {
                              return false;
                            }
                          },
                          threads))
              .toList();
      List<String> out = new ArrayList<>();
      for (int i = 0; i < clusters.size(); i++) {
        if (!answers.get(i).join()) out.add(clusters.get(i));
      }
      return out;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Polls until every read through {@code probe} answers exactly as before; the time since the
   * kill.
   */
  private static Duration awaitSame(
      EcsClient probe, List<String> clusters, Map<String, SdkPojo> before, long killedAt)
      throws InterruptedException {
    long deadline = killedAt + FAILOVER_LIMIT.plusSeconds(60).toNanos();
    String last = "(no attempt)";
    int attempts = 0;
    while (System.nanoTime() < deadline) {
      attempts++;
      try {
        Map<String, SdkPojo> now = observe(probe, clusters);
        List<String> differences = new ArrayList<>();
        before.forEach(
            (call, response) ->
                differences.addAll(SdkComparison.differences(call, response, now.get(call))));
        if (differences.isEmpty()) {
          Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
          System.out.printf("[TwoNodeClusterIT] ... after %d polls%n", attempts);
          return took;
        }
        last = String.join("\n  ", differences);
      } catch (RuntimeException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "state not reachable through the survivor within "
            + FAILOVER_LIMIT.plusSeconds(60)
            + "; last: "
            + last);
  }

  private static <T> T timed(String what, Callable<T> start) throws Exception {
    long t0 = System.nanoTime();
    T result = start.call();
    System.out.printf(
        "[TwoNodeClusterIT] %s ready in %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
    return result;
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
