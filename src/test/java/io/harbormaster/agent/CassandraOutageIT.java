package io.harbormaster.agent;

import static io.harbormaster.agent.AgentFaults.describe;
import static io.harbormaster.agent.AgentFaults.runningContainers;
import static io.harbormaster.agent.AgentFaults.runningOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.harbormaster.persistence.CassandraSchema;
import io.harbormaster.persistence.CassandraSettings;
import io.harbormaster.persistence.EmbeddedCassandra;
import io.harbormaster.persistence.FreePorts;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedDocker;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Issue 11, parts 2 and 3: the control plane's Cassandra goes away for 30 s while a service's and
 * RunTask's containers run. Nothing the control plane cannot answer may stop a container; a
 * container that really dies during the outage is reported again until the store has it; once
 * Cassandra answers again the API agrees with Docker within one agent heartbeat, and the service
 * replaces what died.
 *
 * <p>The Cassandra is the test's own (its own data folder and ports), so the shared one is not
 * disturbed. It is stopped with SIGTERM and started again on the same folder and ports: a real
 * outage, with every connection of the driver lost and reconnected (which is what made recovery
 * slow), and no acknowledged write lost (SIGKILL could lose the last 10 s of the commit log with
 * periodic sync, which would be a different fault). SIGSTOP would keep the connections open and
 * test timeouts instead of reconnection.
 */
class CassandraOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10); // Agents.docker
  private static final Duration LIMIT = Duration.ofMinutes(2);

  /** The brief: the API answers correctly again at most 10 s after Cassandra does. */
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);

  @Test
  void noContainerStopsDuringAnOutageAndTheApiCatchesUpWithDockerWithinAHeartbeat()
      throws Exception {
    String dockerHost = SharedDocker.dockerHost();
    Path home = ProjectHome.path();
    int nativePort = FreePorts.pick();
    int storagePort = FreePorts.pick();
    while (storagePort == nativePort) storagePort = FreePorts.pick();
    CassandraSettings settings =
        CassandraSettings.local(
            home.resolve("target/it-cassandra-outage"), nativePort, storagePort);
    EmbeddedCassandra cassandra = EmbeddedCassandra.start(home, settings);
    ServerProcess server = null;
    Agents agents = new Agents();
    try {
      try (CqlSession session = cassandra.openSession()) {
        CassandraSchema.apply(session, home.resolve("persistence/cql"));
      }
      server =
          ServerProcess.start(
              "cassandra-outage",
              FreePorts.pick(),
              FreePorts.pick(),
              List.of(),
              true,
              Map.of(
                  "harbormaster.service.reconcile-interval", "2s",
                  "harbormaster.service.task-refresh-interval", "5s"),
              nativePort);
      var c = server.credentials();
      String runId = UUID.randomUUID().toString().substring(0, 8);
      String cluster = "outage-" + runId;
      try (EcsClient ecs = EcsClients.sync(server);
          EcsClient probe =
              EcsClients.probe(
                  server.endpoint(), c.accessKeyId(), c.secretAccessKey(), Duration.ofSeconds(15));
          // Polls the recovery: a request sent while Cassandra was still coming back can wait out
          // the API's ask timeout (10 s, seen once), so each poll gives up after 2 s and the next
          // one shows when answers resume.
          EcsClient poll =
              EcsClients.probe(
                  server.endpoint(), c.accessKeyId(), c.secretAccessKey(), Duration.ofSeconds(2))) {
        ecs.createCluster(r -> r.clusterName(cluster));
        Agent agent =
            agents.docker(
                new Agents.Credentials(
                    URI.create(server.endpoint()),
                    c.accessKeyId(),
                    c.secretAccessKey(),
                    "us-east-1"),
                cluster,
                dockerHost,
                Files.createTempDirectory(home.resolve("target").toAbsolutePath(), "agent-outage-"),
                "local-1a");
        agent.registered().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String instanceArn =
            ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().get(0);

        String taskDefinition = AgentFaults.registerLongRunning(ecs, "outage-" + runId, runId);
        ecs.createService(
            r ->
                r.cluster(cluster)
                    .serviceName("web")
                    .taskDefinition(taskDefinition)
                    .desiredCount(3));
        List<String> runTasks =
            ecs
                .runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition).count(3))
                .tasks()
                .stream()
                .map(Task::taskArn)
                .toList();
        Map<String, String> before =
            Await.until(
                "six containers running",
                LIMIT,
                () -> runningContainers(runId),
                m -> m.size() == 6);
        Await.until(
            "six tasks RUNNING on their containers",
            LIMIT,
            () -> describe(ecs, cluster, before.keySet()),
            ts -> ts.stream().allMatch(t -> runningOn(t, before.get(t.taskArn()))));
        Set<String> serviceTasks = new HashSet<>(before.keySet());
        runTasks.forEach(serviceTasks::remove);
        String dies = serviceTasks.iterator().next();

        try (AgentFaults.StopWatch watch = new AgentFaults.StopWatch(runId, before)) {
          long down = System.nanoTime();
          cassandra.close(); // SIGTERM; waits until the process has exited
          System.out.printf(
              "[CassandraOutageIT] Cassandra stopped in %d ms%n",
              AgentFaults.since(down).toMillis());

          // During the outage: a user keeps calling (a RunTask whose reservation cannot be written
          // stops the
          // instance's entity, so the agent's next heartbeat finds it unable to answer), and one
          // container dies.
          List<String> missing = new ArrayList<>();
          Thread.sleep(3_000);
          try {
            probe.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition).count(1));
          } catch (RuntimeException expected) {
            System.out.printf(
                "[CassandraOutageIT] RunTask during the outage: %s%n", expected.getMessage());
          }
          watch.expectStop(dies);
          SharedDocker.runtime().client().killContainerCmd(before.get(dies)).exec();
          Duration left;
          while (!(left = OUTAGE.minus(AgentFaults.since(down))).isNegative()) {
            if (left.toSeconds() > 16)
              describeInstance(probe, cluster, instanceArn, missing); // answers in < 16 s
            Thread.sleep(Math.min(2_000, left.toMillis() + 1));
          }

          long restart = System.nanoTime();
          cassandra = EmbeddedCassandra.start(home, settings);
          long back = System.nanoTime();
          System.out.printf(
              "[CassandraOutageIT] Cassandra away for %d ms; answering again %d ms after its start%n",
              (back - down) / 1_000_000, (back - restart) / 1_000_000);

          // How long until the API answers correctly again (the instance's entity, stopped by the
          // RunTask, recovers
          // and is described as it is), then until it agrees with Docker on everything (the dead
          // task's report is
          // sent again with the agent's next heartbeat).
          Set<String> survivors = new HashSet<>(before.keySet());
          survivors.remove(dies);
          Duration answers = null;
          Duration agrees = null;
          long deadline = back + RECOVERY_LIMIT.plus(HEARTBEAT).plus(HEARTBEAT).toNanos();
          while (agrees == null && System.nanoTime() < deadline) {
            try {
              if (answers == null) {
                var instance =
                    poll.describeContainerInstances(
                            r -> r.cluster(cluster).containerInstances(instanceArn))
                        .containerInstances();
                if (instance.size() == 1 && instance.get(0).agentConnected())
                  answers = AgentFaults.since(back);
              }
              List<Task> now = describe(poll, cluster, before.keySet());
              boolean survivorsRight =
                  now.stream()
                          .filter(t -> survivors.contains(t.taskArn()))
                          .allMatch(t -> runningOn(t, before.get(t.taskArn())))
                      && now.size() == before.size();
              boolean deadRight =
                  now.stream()
                      .filter(t -> t.taskArn().equals(dies))
                      .allMatch(t -> t.lastStatus().equals("STOPPED"));
              List<String> listed =
                  poll.listTasks(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING))
                      .taskArns();
              if (answers != null
                  && survivorsRight
                  && deadRight
                  && listed.containsAll(survivors)
                  && !listed.contains(dies)) {
                agrees = AgentFaults.since(back);
              }
            } catch (RuntimeException notYet) {
              // a 5xx or a timeout while the control plane recovers
            }
            if (agrees == null) Thread.sleep(250);
          }
          System.out.printf(
              "[CassandraOutageIT] RECOVERY: after Cassandra answered again, the API described the "
                  + "instance again in %s ms and agreed with Docker (the dead task STOPPED) in %s ms%n",
              answers == null ? "(never)" : answers.toMillis(),
              agrees == null ? "(never)" : agrees.toMillis());
          describeInstance(probe, cluster, instanceArn, missing);

          assertEquals(
              Map.of(), watch.unexpectedStops(), "containers stopped (ms after the outage began)");
          assertTrue(
              answers != null && answers.compareTo(RECOVERY_LIMIT) <= 0,
              "the API answers again at most " + RECOVERY_LIMIT + " after Cassandra: " + answers);
          assertTrue(
              agrees != null && agrees.compareTo(RECOVERY_LIMIT.plus(HEARTBEAT)) <= 0,
              "the API agrees with Docker within a heartbeat of recovering: "
                  + agrees
                  + " "
                  + describe(ecs, cluster, before.keySet()));
          assertEquals(
              List.of(),
              missing,
              "DescribeContainerInstances said MISSING for a registered instance");
        }

        Task dead = describe(ecs, cluster, List.of(dies)).get(0);
        assertEquals("STOPPED", dead.lastStatus());
        assertEquals("EssentialContainerExited", dead.stopCodeAsString(), dead.toString());
        // The service replaces the task that died, and only it.
        Map<String, String> after =
            Await.until(
                "the service's replacement running",
                LIMIT,
                () -> runningContainers(runId),
                m -> m.size() == 6 && !m.containsKey(dies));
        var service =
            Await.until(
                "the service steady at 3",
                LIMIT,
                () ->
                    ecs.describeServices(r -> r.cluster(cluster).services("web")).services().get(0),
                s -> s.runningCount() == 3 && s.pendingCount() == 0);
        assertEquals(3, service.runningCount());
        before.forEach(
            (task, container) -> {
              if (!task.equals(dies))
                assertEquals(container, after.get(task), "the same container still runs " + task);
            });
        assertTrue(
            agent.unacknowledgedReports().isEmpty(),
            "every report acknowledged: " + agent.unacknowledgedReports());
      }
    } finally {
      agents.close();
      if (server != null) server.close();
      cassandra.close();
    }
  }

  /**
   * DescribeContainerInstances may fail (5xx) while the instance cannot answer, but never call it
   * MISSING.
   */
  private static void describeInstance(
      EcsClient probe, String cluster, String instanceArn, List<String> missing) {
    try {
      var answer =
          probe.describeContainerInstances(r -> r.cluster(cluster).containerInstances(instanceArn));
      answer.failures().forEach(f -> missing.add(f.arn() + " " + f.reason()));
    } catch (RuntimeException e) {
      System.out.printf("[CassandraOutageIT] DescribeContainerInstances: %s%n", e.getMessage());
    }
  }
}
