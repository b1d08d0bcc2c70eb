package io.harbormaster.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.harbormaster.persistence.CassandraSchema;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import io.harbormaster.testing.SharedDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * Issue 14, logs: a container with the awslogs log driver prints 1,000 numbered lines; its agent (a
 * process of its own) is killed with SIGKILL in the middle and started again on its state folder.
 * Every line is stored once, in order, and reads back through the {@link LogStore} after the task
 * stopped.
 */
class ContainerLogsIT {
  private static final int LINES = 1000;
  private static ServerProcess server;
  private static EcsClient ecs;
  private static CqlSession session;
  private static ExecutorService pool;
  private static LogStore logs;

  @BeforeAll
  static void start() throws Exception {
    SharedDocker.dockerHost();
    server = ServerProcess.startFirst("container-logs");
    ecs = EcsClients.sync(server);
    session = SharedCassandra.openSession();
    pool = Executors.newFixedThreadPool(2);
    logs =
        new LogStore(
            session,
            CassandraSchema.JOURNAL_KEYSPACE,
            new LogsSettings(Duration.ofSeconds(1), 1000, 100_000, 2),
            pool,
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    if (ecs != null) ecs.close();
    if (server != null) server.close();
    if (session != null) session.close();
    if (pool != null) pool.shutdownNow();
  }

  @Test
  void everyLineIsStoredOnceAndInOrder_acrossAKilledAgent() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String cluster = "logs-" + run;
    String group = "/hm-it/logs-" + run;
    ecs.createCluster(r -> r.clusterName(cluster));
    Path state =
        Files.createTempDirectory(ProjectHome.resolve("target").toAbsolutePath(), "agent-logs-");
    AgentProcess agent = AgentProcess.start(server, cluster, state, "first");
    AgentProcess restarted = null;
    try {
      // 1,000 lines over about 10 s, so the agent is killed while the container prints.
      String printer =
          "i=1; while [ $i -le " + LINES + " ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done";
      String taskDefinition =
          ecs.registerTaskDefinition(
                  r ->
                      r.family("printer-" + run)
                          .networkMode(NetworkMode.HOST)
                          .containerDefinitions(
                              ContainerDefinition.builder()
                                  .name("printer")
                                  .image(SharedDocker.TEST_IMAGE)
                                  .memory(16)
                                  .command("sh", "-c", printer)
                                  .dockerLabels(SharedDocker.testLabels())
                                  .logConfiguration(
                                      LogConfiguration.builder()
                                          .logDriver(LogDriver.AWSLOGS)
                                          .options(
                                              Map.of(
                                                  "awslogs-group", group,
                                                  "awslogs-region", "us-east-1",
                                                  "awslogs-stream-prefix", "it",
                                                  "awslogs-create-group", "true"))
                                          .build())
                                  .build()))
              .taskDefinition()
              .taskDefinitionArn();
      String taskArn =
          ecs.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition))
              .tasks()
              .get(0)
              .taskArn();
      String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
      String stream = "it/printer/" + taskId;

      int storedAtKill =
          Await.until(
              "some lines stored",
              Duration.ofSeconds(90),
              () -> readAll(group, stream).size(),
              n -> n >= 150);
      agent.kill();
      System.out.printf("[ContainerLogsIT] agent killed with %d lines stored%n", storedAtKill);
      assertTrue(storedAtKill < LINES, "the agent was killed before the container finished");
      Thread.sleep(2_000);
      restarted = AgentProcess.start(server, cluster, state, "restarted");

      List<LogStore.LogEvent> events =
          Await.until(
              "all lines stored",
              Duration.ofSeconds(120),
              () -> readAll(group, stream),
              e -> e.size() >= LINES);
      Await.until(
          "the task stopped",
          Duration.ofSeconds(60),
          () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0),
          t -> t.lastStatus().equals("STOPPED"));
      Thread.sleep(3_000); // a duplicate the restarted agent might still send would land now
      events = readAll(group, stream);

      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= LINES; i++) expected.add("line " + i);
      assertEquals(expected, events.stream().map(LogStore.LogEvent::message).toList());
      for (int i = 1; i < events.size(); i++) {
        assertTrue(
            events.get(i - 1).position().compareTo(events.get(i).position()) < 0,
            "in order by position");
      }

      // The stopped task's stream stays, as ECS names it, and reads backward from its tail.
      var streams =
          logs.describeLogStreams(
                  server.credentials().accountId(), group, "it/", null, false, null, null)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(
          List.of(stream), streams.items().stream().map(LogStore.LogStream::name).toList());
      var tail =
          logs.getLogEvents(
                  server.credentials().accountId(), group, stream, null, null, false, 10, null)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(
          expected.subList(LINES - 10, LINES),
          tail.events().stream().map(LogStore.LogEvent::message).toList());
      var before =
          logs.getLogEvents(
                  server.credentials().accountId(),
                  group,
                  stream,
                  null,
                  null,
                  false,
                  10,
                  tail.nextBackwardToken())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(
          expected.subList(LINES - 20, LINES - 10),
          before.events().stream().map(LogStore.LogEvent::message).toList());

      var found =
          logs.filterLogEvents(
                  server.credentials().accountId(),
                  group,
                  LogStore.StreamSelection.ALL,
                  null,
                  null,
                  "\"line 50\" -\"line 500\"",
                  null,
                  null)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(
          List.of(
              "line 50",
              "line 501",
              "line 502",
              "line 503",
              "line 504",
              "line 505",
              "line 506",
              "line 507",
              "line 508",
              "line 509"),
          found.items().stream().map(LogStore.LogEvent::message).toList());

      // Another account sees no such group.
      var other =
          logs.describeLogGroups("999999999999", group, null, null)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(List.of(), other.items());

      // A group that does not exist, without awslogs-create-group: the container cannot start,
      // as Docker's awslogs driver fails it.
      String missing = "/hm-it/missing-" + run;
      String missingTask = runTask(cluster, "missing-" + run, missing, false, "echo never");
      var stopped =
          Await.until(
              "the task without its log group stopped",
              Duration.ofSeconds(60),
              () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(missingTask)).tasks().get(0),
              t -> t.lastStatus().equals("STOPPED"));
      assertTrue(
          stopped.stoppedReason().startsWith("CannotStartContainerError"), stopped.stoppedReason());
      assertTrue(
          stopped
              .containers()
              .get(0)
              .reason()
              .contains("ResourceNotFoundException: The specified log group does not exist."),
          stopped.containers().get(0).reason());

      // A group created beforehand takes the stream without awslogs-create-group.
      String explicit = "/hm-it/explicit-" + run;
      logs.createLogGroup(server.credentials().accountId(), explicit)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      String helloTask = runTask(cluster, "explicit-" + run, explicit, false, "echo hello");
      String helloStream = "it/printer/" + helloTask.substring(helloTask.lastIndexOf('/') + 1);
      assertEquals(
          List.of("hello"),
          Await.until(
                  "the explicit group's line",
                  Duration.ofSeconds(60),
                  () -> readAll(explicit, helloStream),
                  e -> !e.isEmpty())
              .stream()
              .map(LogStore.LogEvent::message)
              .toList());
    } finally {
      agent.kill();
      if (restarted != null) restarted.kill();
    }
  }

  private static String runTask(
      String cluster, String family, String group, boolean createGroup, String script) {
    String taskDefinition =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .networkMode(NetworkMode.HOST)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("printer")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(16)
                                .command("sh", "-c", script)
                                .dockerLabels(SharedDocker.testLabels())
                                .logConfiguration(
                                    LogConfiguration.builder()
                                        .logDriver(LogDriver.AWSLOGS)
                                        .options(
                                            Map.of(
                                                "awslogs-group",
                                                group,
                                                "awslogs-stream-prefix",
                                                "it",
                                                "awslogs-create-group",
                                                Boolean.toString(createGroup)))
                                        .build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    return ecs.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinition))
        .tasks()
        .get(0)
        .taskArn();
  }

  /** The whole stream, from its head, a page of 300 at a time through the forward tokens. */
  private static List<LogStore.LogEvent> readAll(String group, String stream) {
    String account = server.credentials().accountId();
    List<LogStore.LogEvent> all = new ArrayList<>();
    String token = null;
    try {
      while (true) {
        LogStore.StreamEvents page =
            logs.getLogEvents(account, group, stream, null, null, true, 300, token)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        all.addAll(page.events());
        if (page.nextForwardToken().equals(token)) return all;
        token = page.nextForwardToken();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof LogsException l && l.error() == LogsError.RESOURCE_NOT_FOUND) {
        return List.of(); // the group or stream is not there yet
      }
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code harbormaster agent} as a process of its own, so that it can be killed with SIGKILL. */
  private static final class AgentProcess {
    private final Process process;

    private AgentProcess(Process process) {
      this.process = process;
    }

    static AgentProcess start(ServerProcess server, String cluster, Path state, String name)
        throws Exception {
      var c = server.credentials();
      Path env = state.resolve("credentials.env");
      Files.writeString(
          env,
          "export AWS_ACCESS_KEY_ID="
              + c.accessKeyId()
              + "\nexport AWS_SECRET_ACCESS_KEY="
              + c.secretAccessKey()
              + "\nexport AWS_DEFAULT_REGION=us-east-1\n");
      Path log = ProjectHome.resolve("target/it-servers").resolve("agent-logs-" + name + ".log");
      Files.createDirectories(log.getParent());
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx256m",
              "-Dharbormaster.home=" + ProjectHome.path(),
              "-cp",
              System.getProperty("java.class.path"),
              "io.harbormaster.Main",
              "agent",
              "--cluster",
              cluster,
              "--endpoint",
              server.endpoint(),
              "--env",
              env.toString(),
              "--state-dir",
              state.toString(),
              "--docker-host",
              SharedDocker.dockerHost());
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The process's own AWS_* variables would win over the file's.
      builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
      Process process = builder.start();
      AgentProcess agent = new AgentProcess(process);
      boolean registered =
          Await.within(
              Duration.ofSeconds(60),
              Duration.ofMillis(200),
              () -> {
                try {
                  return Files.readString(log).contains("Agent registered");
                } catch (java.io.IOException e) {
                  return false;
                }
              });
      if (!registered) {
        agent.kill();
        throw new IllegalStateException("the agent did not register; log: " + log);
      }
      return agent;
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
