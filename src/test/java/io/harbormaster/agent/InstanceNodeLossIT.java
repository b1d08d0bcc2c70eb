package io.harbormaster.agent;

import static io.harbormaster.agent.AgentFaults.describe;
import static io.harbormaster.agent.AgentFaults.runningContainers;
import static io.harbormaster.agent.AgentFaults.runningOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.Await;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import io.harbormaster.testing.SharedDocker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Issue 11, part 2: the node that hosts a container instance's entity is killed (SIGKILL) while the
 * instance's containers run; its agent is connected to another node. Until sharding has moved the
 * entity the control plane cannot answer for the instance, and that must never make the agent stop
 * a container: afterwards every task is still RUNNING on the same container, and
 * DescribeContainerInstances never called the instance MISSING meanwhile.
 *
 * <p>Three nodes on the shared Cassandra (node 1 first, nodes 2 and 3 seeded with it), so that the
 * loss of any node is survived (sharding-config/sharding.conf). The node hosting the entity is the
 * one whose log says last that the entity started there (ContainerInstance logs it).
 */
@ExtendWith(SharedCassandra.class)
class InstanceNodeLossIT {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration LIMIT = Duration.ofMinutes(2);

  /**
   * Two heartbeats of the agent (Agents.docker: 10 s) after the instance answers again: each one
   * reconciles.
   */
  private static final Duration WATCH_AFTER_FAILOVER = Duration.ofSeconds(22);

  @Test
  void losingTheNodeOfTheInstancesEntityStopsNoContainer() throws Exception {
    List<ServerProcess> nodes = new ArrayList<>();
    Agents agents = null;
    try {
      ServerProcess node1 = ServerProcess.startFirst("node-loss-1");
      nodes.add(node1);
      nodes.add(ServerProcess.startJoining("node-loss-2", node1.clusterAddress()));
      nodes.add(ServerProcess.startJoining("node-loss-3", node1.clusterAddress()));
      ServerProcess.awaitUp(nodes.get(1), JOIN_TIMEOUT, nodes.toArray(ServerProcess[]::new));
      ServerProcess.awaitUp(nodes.get(2), JOIN_TIMEOUT, nodes.toArray(ServerProcess[]::new));
      ServerProcess.Credentials account = node1.credentials();
      String runId = UUID.randomUUID().toString().substring(0, 8);
      String cluster = "node-loss-" + runId;
      try (EcsClient ecs1 = EcsClients.sync(node1.endpoint(), account)) {
        ecs1.createCluster(r -> r.clusterName(cluster));
      }
      Path agentState =
          Files.createTempDirectory(
              ProjectHome.resolve("target").toAbsolutePath(), "agent-node-loss-");

      // The agent and the test talk to a node that does not host the instance's entity: the one
      // killed is that one.
      agents = new Agents();
      Agent agent = startAgent(agents, nodes.get(1), account, cluster, agentState);
      String entityId = account.accountId() + "/" + cluster + "/" + agent.instanceId();
      ServerProcess host =
          Await.until(
                  "the node hosting " + entityId,
                  LIMIT,
                  () -> hostOf(nodes, entityId),
                  Optional::isPresent)
              .get();
      ServerProcess survivor = nodes.stream().filter(n -> n != host).findFirst().orElseThrow();
      if (host == nodes.get(1)) {
        agents.close();
        agents = new Agents();
        agent = startAgent(agents, survivor, account, cluster, agentState);
      }
      System.out.printf(
          "[InstanceNodeLossIT] instance entity on %s, agent and API calls through %s%n",
          host.clusterAddress(), survivor.clusterAddress());

      try (EcsClient ecs = EcsClients.sync(survivor.endpoint(), account);
          EcsClient probe =
              EcsClients.probe(
                  survivor.endpoint(),
                  account.accessKeyId(),
                  account.secretAccessKey(),
                  Duration.ofSeconds(15))) {
        String instanceArn =
            ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().get(0);
        String taskDefinition = AgentFaults.registerLongRunning(ecs, "node-loss-" + runId, runId);
        ecs.createService(
            r ->
                r.cluster(cluster)
                    .serviceName("web")
                    .taskDefinition(taskDefinition)
                    .desiredCount(2));
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition).count(2));
        Map<String, String> before =
            Await.until(
                "four containers running",
                LIMIT,
                () -> runningContainers(runId),
                m -> m.size() == 4);
        Await.until(
            "four tasks RUNNING on their containers",
            LIMIT,
            () -> describe(ecs, cluster, before.keySet()),
            ts -> ts.stream().allMatch(t -> runningOn(t, before.get(t.taskArn()))));
        // Sharding may have rebalanced the entity meanwhile (nodes 2 and 3 joined shortly before):
        // the node killed is
        // the one hosting it now, which must not be the agent's.
        ServerProcess target = hostOf(nodes, entityId).orElseThrow();
        assertNotEquals(
            survivor, target, "the entity moved to the agent's node; the test would prove nothing");

        List<String> missing = new ArrayList<>();
        try (AgentFaults.StopWatch watch = new AgentFaults.StopWatch(runId, before)) {
          long killed = System.nanoTime();
          target.kill();
          System.out.printf(
              "[InstanceNodeLossIT] killed %s (pid %d), the instance entity's node%n",
              target.clusterAddress(), target.pid());
          Duration answered = null;
          while (answered == null && AgentFaults.since(killed).compareTo(LIMIT) < 0) {
            try {
              var answer =
                  probe.describeContainerInstances(
                      r -> r.cluster(cluster).containerInstances(instanceArn));
              answer.failures().forEach(f -> missing.add(f.arn() + " " + f.reason()));
              if (!answer.containerInstances().isEmpty()) {
                if (AgentFaults.since(killed).toSeconds() > 3) answered = AgentFaults.since(killed);
              }
            } catch (RuntimeException e) {
              // a 5xx or a timeout while the entity moves: what it should be
            }
            Thread.sleep(500);
          }
          System.out.printf(
              "[InstanceNodeLossIT] the instance answers again %s ms after the kill%n",
              answered == null ? "(never)" : answered.toMillis());
          assertTrue(answered != null, "the instance answers again after the failover");
          Thread.sleep(WATCH_AFTER_FAILOVER.toMillis());
          assertEquals(Map.of(), watch.unexpectedStops(), "containers stopped (ms after the kill)");
        }
        assertEquals(
            List.of(),
            missing,
            "DescribeContainerInstances said MISSING for a registered instance");
        assertEquals(before, runningContainers(runId), "every container still runs");
        List<Task> after = describe(ecs, cluster, before.keySet());
        for (Task t : after) {
          assertTrue(
              runningOn(t, before.get(t.taskArn())), "still RUNNING on the same container: " + t);
        }
        assertEquals(before.size(), after.size());
      }
    } finally {
      if (agents != null) agents.close();
      for (ServerProcess node : nodes) node.close();
    }
  }

  private static Agent startAgent(
      Agents agents,
      ServerProcess node,
      ServerProcess.Credentials account,
      String cluster,
      Path state)
      throws Exception {
    Agent agent =
        agents.docker(
            new Agents.Credentials(
                URI.create(node.endpoint()),
                account.accessKeyId(),
                account.secretAccessKey(),
                "us-east-1"),
            cluster,
            SharedDocker.dockerHost(),
            state,
            "local-1a");
    agent.registered().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return agent;
  }

  /** The node whose log says last that the entity started there. */
  private static Optional<ServerProcess> hostOf(List<ServerProcess> nodes, String entityId) {
    String line = "container instance " + entityId + " started on this node";
    return nodes.stream()
        .flatMap(n -> lastLineTime(n.log(), line).map(t -> Map.entry(n, t)).stream())
        .max(Map.Entry.comparingByValue(Comparator.naturalOrder()))
        .map(Map.Entry::getKey);
  }

  private static Optional<LocalTime> lastLineTime(Path log, String fragment) {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains(fragment))
          .map(l -> LocalTime.parse(l.substring(0, 12)))
          .reduce((a, b) -> b);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
