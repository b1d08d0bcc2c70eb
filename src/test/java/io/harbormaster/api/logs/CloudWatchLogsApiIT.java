package io.harbormaster.api.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.AdminApi;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedDocker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * A task's awslogs output read back through the unmodified clients of the CloudWatch Logs API: the
 * AWS CLI v2 ({@code describe-log-groups}, {@code describe-log-streams}, {@code get-log-events},
 * {@code filter-log-events}, {@code logs tail}) and the SDK v2 (paging GetLogEvents by its forward
 * token), each line once and in order; another account sees nothing of it.
 */
class CloudWatchLogsApiIT {
  private static final int LINES = 300;
  private static DockerCluster cluster;
  private static String group;
  private static String stream;

  @BeforeAll
  static void runAPrintingTask() throws Exception {
    cluster = DockerCluster.start("logs-api");
    String run = UUID.randomUUID().toString().substring(0, 8);
    group = "/hm-it/api-" + run;
    String printer =
        "i=1; while [ $i -le "
            + LINES
            + " ]; do if [ $((i % 50)) -eq 0 ]; then echo \"ERROR at line $i\"; else echo \"line $i\"; fi;"
            + " i=$((i+1)); done";
    var ecs = cluster.ecs();
    String taskDefinition =
        ecs.registerTaskDefinition(
                r ->
                    r.family("logs-api-" + run)
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
                                                "awslogs-stream-prefix", "web",
                                                "awslogs-create-group", "true"))
                                        .build())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String taskArn =
        ecs.runTask(r -> r.cluster(cluster.cluster()).taskDefinition(taskDefinition))
            .tasks()
            .get(0)
            .taskArn();
    stream = "web/printer/" + taskArn.substring(taskArn.lastIndexOf('/') + 1);
    Await.until(
        "the task stopped",
        Duration.ofSeconds(90),
        () -> ecs.describeTasks(r -> r.cluster(cluster.cluster()).tasks(taskArn)).tasks().get(0),
        t -> t.lastStatus().equals("STOPPED"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  private static AwsCli cli() {
    AwsCli cli = AwsCli.v2().orElse(null);
    Assumptions.assumeTrue(cli != null, "needs the AWS CLI v2");
    return cli.against(cluster.server());
  }

  private static List<String> expectedLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= LINES; i++) lines.add(i % 50 == 0 ? "ERROR at line " + i : "line " + i);
    return lines;
  }

  @Test
  void theCliListsTheGroupAndStreamAndReadsEveryLineInOrder() {
    AwsCli cli = cli();
    JsonNode groups =
        cli.run("logs", "describe-log-groups", "--log-group-name-prefix", group).orFail();
    assertEquals(group, groups.at("/logGroups/0/logGroupName").asText(), groups.toString());
    assertTrue(groups.at("/logGroups/0/arn").asText().startsWith("arn:aws:logs:us-east-1:"));

    JsonNode streams = cli.run("logs", "describe-log-streams", "--log-group-name", group).orFail();
    assertEquals(stream, streams.at("/logStreams/0/logStreamName").asText(), streams.toString());

    List<String> read = new ArrayList<>();
    Await.until(
        "all lines readable",
        Duration.ofSeconds(30),
        () -> {
          read.clear();
          JsonNode events =
              cli.run(
                      "logs",
                      "get-log-events",
                      "--log-group-name",
                      group,
                      "--log-stream-name",
                      stream,
                      "--start-from-head")
                  .orFail()
                  .get("events");
          events.forEach(e -> read.add(e.get("message").asText()));
          return read.size();
        },
        n -> n >= LINES);
    assertEquals(expectedLines(), read);

    JsonNode errors =
        cli.run(
                "logs",
                "filter-log-events",
                "--log-group-name",
                group,
                "--filter-pattern",
                "\"ERROR at\"")
            .orFail();
    List<String> matched = new ArrayList<>();
    errors.get("events").forEach(e -> matched.add(e.get("message").asText()));
    assertEquals(expectedLines().stream().filter(l -> l.startsWith("ERROR")).toList(), matched);
    errors.get("events").forEach(e -> assertEquals(stream, e.get("logStreamName").asText()));

    AwsCli.Result tail = cli.runText("logs", "tail", group, "--since", "1h", "--format", "short");
    assertEquals(0, tail.exitCode(), tail.toString());
    List<String> tailed = new ArrayList<>();
    tail.stdout()
        .lines()
        .forEach(l -> tailed.add(l.substring(l.indexOf(' ') + 1))); // "<time> <message>"
    assertEquals(expectedLines(), tailed);

    AwsCli.Result missing =
        cli.run("logs", "get-log-events", "--log-group-name", "/no/such", "--log-stream-name", "x");
    assertFalse(missing.succeeded());
    assertTrue(missing.stderr().contains("ResourceNotFoundException"), missing.toString());
  }

  @Test
  void theSdkPagesForwardByTokenAndAnotherAccountSeesNothing() throws Exception {
    ServerProcess server = cluster.server();
    var c = server.credentials();
    List<String> read;
    try (CloudWatchLogsClient logs =
        client(server.endpoint(), c.accessKeyId(), c.secretAccessKey())) {
      // The task has stopped; its last batches may still be on their way from the agent.
      read =
          Await.until(
              "every line readable page by page",
              Duration.ofSeconds(30),
              () -> readByForwardToken(logs),
              lines -> lines.size() >= LINES);
    }
    assertEquals(expectedLines(), read);

    ServerProcess.Credentials other =
        AdminApi.createAccount(server.endpoint(), server.credentials(), "logs-other");
    try (CloudWatchLogsClient logs =
        client(server.endpoint(), other.accessKeyId(), other.secretAccessKey())) {
      assertTrue(logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().isEmpty());
      assertThrows(
          ResourceNotFoundException.class,
          () -> logs.getLogEvents(r -> r.logGroupName(group).logStreamName(stream)));
    }
  }

  /** GetLogEvents from the head, 70 at a time, until the forward token comes back unchanged. */
  private static List<String> readByForwardToken(CloudWatchLogsClient logs) {
    List<String> read = new ArrayList<>();
    String token = null;
    for (int pages = 0; pages < 20; pages++) {
      String from = token;
      GetLogEventsResponse page =
          logs.getLogEvents(
              r ->
                  r.logGroupName(group)
                      .logStreamName(stream)
                      .startFromHead(true)
                      .limit(70)
                      .nextToken(from));
      page.events().stream().map(OutputLogEvent::message).forEach(read::add);
      if (page.nextForwardToken().equals(from)) break; // the end: the same token again
      token = page.nextForwardToken();
    }
    return read;
  }

  private static CloudWatchLogsClient client(String endpoint, String keyId, String secret) {
    return CloudWatchLogsClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
        .httpClient(software.amazon.awssdk.http.apache5.Apache5HttpClient.create())
        .build();
  }
}
