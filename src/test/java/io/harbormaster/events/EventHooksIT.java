package io.harbormaster.events;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.events.stream.EventStreamClient;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import io.harbormaster.testing.SignedHttp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.Resource;

/**
 * Webhooks, the event stream and the history against a real server process and Cassandra. Container
 * instances registered through the API (no agent) make a scripted, fast scenario: each one is
 * registered, gets attributes, is drained, activated and deregistered, and every step is an ECS
 * Container Instance State Change.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventHooksIT {
  private static final String INSTANCE_EVENTS =
      "{\"source\":[\"aws.ecs\"],\"detail-type\":[\"ECS Container Instance State Change\"]}";
  private static final Duration DELIVERY = Duration.ofSeconds(90);

  private ServerProcess server;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    server = ServerProcess.startFirst("events");
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : closing) c.close();
    if (server != null) server.close();
  }

  private WebhookReceiver receiver(String secret) throws Exception {
    WebhookReceiver r = new WebhookReceiver(secret);
    closing.add(r);
    return r;
  }

  private SignedHttp.Response call(String target, Object input, ServerProcess.Credentials as) {
    return SignedHttp.post(server, target, JSON.valueToTree(input).toString(), as);
  }

  private void putRule(
      ServerProcess.Credentials as, String name, String pattern, String url, String secret) {
    SignedHttp.Response r =
        call(
            "HarbormasterEvents.PutRule",
            Map.of("name", name, "eventPattern", pattern, "targetUrl", url, "secret", secret),
            as);
    assertEquals(200, r.status(), r.body());
  }

  /**
   * Registers {@code count} instances in a fresh cluster and takes each through 7 visible changes.
   */
  private List<String> scenario(ServerProcess.Credentials as, int count) {
    try (EcsClient ecs = EcsClients.sync(server, as)) {
      String cluster = "ev-" + UUID.randomUUID().toString().substring(0, 8);
      ecs.createCluster(r -> r.clusterName(cluster));
      List<String> arns = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        arns.add(
            ecs.registerContainerInstance(
                    r ->
                        r.cluster(cluster)
                            .totalResources(
                                Resource.builder()
                                    .name("CPU")
                                    .type("INTEGER")
                                    .integerValue(1024)
                                    .build(),
                                Resource.builder()
                                    .name("MEMORY")
                                    .type("INTEGER")
                                    .integerValue(2048)
                                    .build()))
                .containerInstance()
                .containerInstanceArn());
      }
      for (String arn : arns) {
        for (int a = 0; a < 3; a++) {
          int n = a;
          ecs.putAttributes(
              r ->
                  r.cluster(cluster)
                      .attributes(
                          Attribute.builder()
                              .name("step-" + n)
                              .value("x")
                              .targetType("container-instance")
                              .targetId(arn)
                              .build()));
        }
        ecs.updateContainerInstancesState(
            r ->
                r.cluster(cluster)
                    .containerInstances(arn)
                    .status(ContainerInstanceStatus.DRAINING));
        ecs.updateContainerInstancesState(
            r -> r.cluster(cluster).containerInstances(arn).status(ContainerInstanceStatus.ACTIVE));
        ecs.deregisterContainerInstance(r -> r.cluster(cluster).containerInstance(arn));
      }
      return arns;
    }
  }

  /** The ids of every EventBridge event the resource's history says it published. */
  private List<String> publishedIds(ServerProcess.Credentials as, String arn) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      var input = JSON.createObjectNode().put("arn", arn).put("maxResults", 3);
      if (token != null) input.put("nextToken", token);
      SignedHttp.Response r =
          SignedHttp.post(server, "HarbormasterHistory.ListResourceEvents", input.toString(), as);
      assertEquals(200, r.status(), r.body());
      for (JsonNode e : r.json().path("events")) {
        for (JsonNode p : e.path("published")) ids.add(p.path("id").asText());
      }
      token = r.json().path("nextToken").asText(null);
    } while (token != null);
    return ids;
  }

  private void awaitAllDelivered(WebhookReceiver receiver, Set<String> expected) {
    Await.until(
        "all " + expected.size() + " events delivered",
        DELIVERY,
        receiver::ids,
        ids -> ids.containsAll(expected));
  }

  private static void assertInOrderPerResource(WebhookReceiver receiver) {
    receiver
        .firstDeliveryVersionsByResource()
        .forEach(
            (resource, versions) -> {
              for (int i = 1; i < versions.size(); i++) {
                assertTrue(
                    versions.get(i) > versions.get(i - 1),
                    resource + " got versions out of order: " + versions);
              }
            });
  }

  @Test
  void everyEventOfAScenarioReachesItsAccountsHookInOrderPerResourceAndSigned() throws Exception {
    ServerProcess.Credentials a = server.credentials();
    ServerProcess.Credentials b =
        SignedHttp.createAccount(server, "tenant-" + UUID.randomUUID().toString().substring(0, 6));
    WebhookReceiver forA = receiver("secret-of-a");
    WebhookReceiver forB = receiver("secret-of-b");
    putRule(
        a,
        "all-instances-" + UUID.randomUUID().toString().substring(0, 6),
        INSTANCE_EVENTS,
        forA.url(),
        "secret-of-a");
    putRule(b, "all-instances", INSTANCE_EVENTS, forB.url(), "secret-of-b");

    List<String> instancesOfA = scenario(a, 4);
    List<String> instancesOfB = scenario(b, 2);

    Set<String> expectedA = new LinkedHashSet<>();
    for (String arn : instancesOfA) {
      List<String> ids = publishedIds(a, arn);
      assertEquals(7, ids.size(), "events of " + arn);
      expectedA.addAll(ids);
    }
    Set<String> expectedB = new LinkedHashSet<>();
    for (String arn : instancesOfB) expectedB.addAll(publishedIds(b, arn));
    awaitAllDelivered(forA, expectedA);
    awaitAllDelivered(forB, expectedB);

    assertInOrderPerResource(forA);
    assertTrue(forA.received.stream().allMatch(WebhookReceiver.Received::signatureValid));
    assertTrue(
        forA.received.stream()
            .allMatch(r -> r.event().path("account").asText().equals(a.accountId())));
    assertTrue(
        forB.received.stream()
            .allMatch(r -> r.event().path("account").asText().equals(b.accountId())));
    Set<String> leaked = new HashSet<>(forA.ids());
    leaked.retainAll(expectedB);
    assertTrue(leaked.isEmpty(), "account A received B's events");
    // B cannot read A's history either
    SignedHttp.Response foreign =
        call("HarbormasterHistory.ListResourceEvents", Map.of("arn", instancesOfA.get(0)), b);
    assertEquals(400, foreign.status());
    assertEquals("ResourceNotFoundException", foreign.errorType());
  }

  @Test
  void aFailingReceiverFillsTheDeadLettersAndRedriveEmptiesThem() throws Exception {
    ServerProcess.Credentials a = server.credentials();
    WebhookReceiver receiver = receiver("dead-letter-secret");
    receiver.failing = true;
    String rule = "failing-" + UUID.randomUUID().toString().substring(0, 6);
    putRule(a, rule, INSTANCE_EVENTS, receiver.url(), "dead-letter-secret");
    String arn = scenario(a, 1).get(0);
    List<String> ids = publishedIds(a, arn);

    JsonNode letters =
        Await.until(
            "7 dead letters",
            DELIVERY,
            () -> call("HarbormasterEvents.ListDeadLetters", Map.of("name", rule), a).json(),
            j -> j.path("deadLetters").size() == 7);
    List<String> deadIds = new ArrayList<>();
    letters.path("deadLetters").forEach(d -> deadIds.add(d.path("eventId").asText()));
    assertEquals(ids, deadIds, "dead letters in the resource's order");
    assertTrue(
        receiver.failures >= 5,
        "the first event was tried max-attempts times: " + receiver.failures);
    assertEquals(5, letters.path("deadLetters").path(0).path("attempts").asInt());

    receiver.failing = false;
    JsonNode redriven =
        call("HarbormasterEvents.RedriveDeadLetters", Map.of("name", rule), a).json();
    assertEquals(7, redriven.path("redriven").asInt(), redriven.toString());
    assertEquals(0, redriven.path("remaining").asInt());
    assertEquals(
        0,
        call("HarbormasterEvents.ListDeadLetters", Map.of("name", rule), a)
            .json()
            .path("deadLetters")
            .size());
    assertEquals(ids, receiver.received.stream().map(WebhookReceiver.Received::eventId).toList());
    assertTrue(receiver.received.stream().allMatch(WebhookReceiver.Received::signatureValid));
  }

  @Test
  void theStreamResumesWithLastEventIdWithoutGapsAndShowsOnlyTheCallersAccount() throws Exception {
    ServerProcess.Credentials a =
        SignedHttp.createAccount(
            server, "streamer-" + UUID.randomUUID().toString().substring(0, 6));
    ServerProcess.Credentials other = server.credentials();
    EventStreamClient client =
        new EventStreamClient(
            URI.create(server.endpoint()), a.accessKeyId(), a.secretAccessKey(), "us-east-1");
    String since = Instant.now().minusSeconds(1).toString();
    List<String> arns = scenario(a, 2);
    scenario(other, 1);
    List<String> expected = new ArrayList<>();
    for (String arn : arns) expected.addAll(publishedIds(a, arn));

    // first connection: read 5 events, then drop the connection
    List<EventStreamClient.Received> got = new ArrayList<>();
    class Enough extends RuntimeException {}
    try {
      client.readOnce(
          INSTANCE_EVENTS,
          since,
          null,
          e -> {
            got.add(e);
            if (got.size() == 5) throw new Enough();
          });
    } catch (Enough expectedStop) {
      // disconnected on purpose
    }
    String lastId = got.get(got.size() - 1).id();
    // second connection resumes after the 5th: the remaining 9, none twice, none missing
    try {
      client.readOnce(
          INSTANCE_EVENTS,
          null,
          lastId,
          e -> {
            got.add(e);
            if (got.size() == expected.size()) throw new Enough();
          });
    } catch (Enough expectedStop) {
      // all there
    }
    List<String> ids =
        got.stream()
            .map(e -> e.data())
            .map(
                d -> {
                  try {
                    return JSON.readTree(d).path("id").asText();
                  } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                  }
                })
            .toList();
    assertEquals(new HashSet<>(expected), new HashSet<>(ids));
    assertEquals(expected.size(), ids.size(), "no event twice");
  }

  @Test
  void historyListsEveryEventAndReplaysTheStateAtAnyInstant() throws Exception {
    ServerProcess.Credentials a = server.credentials();
    String arn = scenario(a, 1).get(0);
    JsonNode page = call("HarbormasterHistory.ListResourceEvents", Map.of("arn", arn), a).json();
    List<String> types = new ArrayList<>();
    page.path("events").forEach(e -> types.add(e.path("type").asText()));
    assertEquals(
        List.of(
            "InstanceRegistered",
            "AttributesPut",
            "AttributesPut",
            "AttributesPut",
            "InstanceStatusChanged",
            "InstanceStatusChanged",
            "InstanceDeregistered"),
        types);
    JsonNode draining = page.path("events").path(4);
    Instant drainedAt = Instant.parse(draining.path("time").asText());
    JsonNode then =
        call(
                "HarbormasterHistory.DescribeResourceAt",
                Map.of("arn", arn, "at", drainedAt.toString()),
                a)
            .json();
    assertEquals("DRAINING", then.path("resource").path("status").asText(), then.toString());
    assertEquals(5, then.path("sequenceNr").asInt());
    JsonNode now =
        call(
                "HarbormasterHistory.DescribeResourceAt",
                Map.of("arn", arn, "at", Instant.now().toString()),
                a)
            .json();
    assertEquals("INACTIVE", now.path("resource").path("status").asText());
    SignedHttp.Response before =
        call(
            "HarbormasterHistory.DescribeResourceAt",
            Map.of("arn", arn, "at", "2020-01-01T00:00:00Z"),
            a);
    assertEquals("ResourceNotFoundException", before.errorType());
  }

  private ProcessBuilder cli(ServerProcess.Credentials as, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.harbormaster.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("HARBORMASTER_ENDPOINT"));
    env.put("AWS_ACCESS_KEY_ID", as.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", as.secretAccessKey());
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("HARBORMASTER_ENDPOINT", server.endpoint());
    return builder;
  }

  @Test
  void theCommandLineFollowsEventsManagesRulesAndReadsHistory() throws Exception {
    ServerProcess.Credentials a =
        SignedHttp.createAccount(server, "cli-" + UUID.randomUUID().toString().substring(0, 6));
    String since = Instant.now().minusSeconds(1).toString();
    Process follow =
        cli(
                a,
                "events",
                "--follow",
                "--env",
                "/nonexistent",
                "--pattern",
                INSTANCE_EVENTS,
                "--since",
                since)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (var in =
                    new java.io.BufferedReader(
                        new java.io.InputStreamReader(follow.getInputStream()))) {
                  for (String line = in.readLine(); line != null; line = in.readLine())
                    lines.add(line);
                } catch (java.io.IOException ignored) {
                  // the process was stopped
                }
              });
      reader.setDaemon(true);
      reader.start();
      // --since: however long the CLI's JVM takes to connect, the scenario's events are in its
      // stream
      String arn = scenario(a, 1).get(0);
      List<String> expected = publishedIds(a, arn);
      Await.until("the CLI printed 7 events", DELIVERY, () -> lines.size(), n -> n >= 7);
      List<String> printed = new ArrayList<>();
      for (String line : lines) printed.add(JSON.readTree(line).path("id").asText());
      assertEquals(expected, printed);
    } finally {
      follow.destroy();
      follow.waitFor();
    }

    Process put =
        cli(
                a,
                "hooks",
                "put-rule",
                "--name",
                "from-cli",
                "--pattern",
                INSTANCE_EVENTS,
                "--target-url",
                "http://127.0.0.1:9/hook",
                "--secret",
                "cli-secret-1")
            .start();
    assertEquals(0, put.waitFor(), new String(put.getErrorStream().readAllBytes()));
    Process list = cli(a, "hooks", "list-rules").start();
    String listed = new String(list.getInputStream().readAllBytes());
    assertEquals(0, list.waitFor());
    assertEquals(
        "from-cli", JSON.readTree(listed).path("rules").path(0).path("name").asText(), listed);
    assertFalse(listed.contains("cli-secret-1"), "the secret is never shown");
    Process delete = cli(a, "hooks", "delete-rule", "--name", "from-cli").start();
    assertEquals(0, delete.waitFor());
  }

  @Test
  void badInputGetsEcsStyleErrors() throws Exception {
    ServerProcess.Credentials a = server.credentials();
    SignedHttp.Response badPattern =
        call(
            "HarbormasterEvents.PutRule",
            Map.of(
                "name",
                "bad",
                "eventPattern",
                "{\"source\": \"not-an-array\"}",
                "targetUrl",
                "http://127.0.0.1:9/",
                "secret",
                "long-enough"),
            a);
    assertEquals(400, badPattern.status(), badPattern.body());
    assertEquals("InvalidParameterException", badPattern.errorType());
    SignedHttp.Response badUrl =
        call(
            "HarbormasterEvents.PutRule",
            Map.of(
                "name",
                "bad",
                "eventPattern",
                INSTANCE_EVENTS,
                "targetUrl",
                "ftp://x/",
                "secret",
                "long-enough"),
            a);
    assertEquals("InvalidParameterException", badUrl.errorType());
    assertEquals(
        "ResourceNotFoundException",
        call("HarbormasterEvents.ListDeadLetters", Map.of("name", "no-such-rule"), a).errorType());
    assertEquals(
        "InvalidParameterException",
        call(
                "HarbormasterHistory.ListResourceEvents",
                Map.of("arn", "arn:aws:ecs:us-east-1:000000000000:nonsense"),
                a)
            .errorType());
    assertEquals(
        "UnknownOperationException",
        call("HarbormasterHistory.NoSuchAction", Map.of(), a).errorType());

    EventStreamClient client =
        new EventStreamClient(
            URI.create(server.endpoint()), a.accessKeyId(), a.secretAccessKey(), "us-east-1");
    java.io.IOException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () -> client.readOnce(null, null, "not-a-resume-point", e -> {}));
    assertTrue(refused.getMessage().startsWith("HTTP 400"), refused.getMessage());
    EventStreamClient stranger =
        new EventStreamClient(
            URI.create(server.endpoint()), a.accessKeyId(), "wrong-secret", "us-east-1");
    java.io.IOException denied =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class, () -> stranger.readOnce(null, null, null, e -> {}));
    assertTrue(denied.getMessage().startsWith("HTTP 403"), denied.getMessage());
  }

  @Test
  void killingTheServerDuringDeliveryLosesNothing() throws Exception {
    ServerProcess.Credentials a = server.credentials();
    WebhookReceiver receiver = receiver("kill-secret");
    // a resource's events go one at a time: 7 × 1 s each, 8 resources side by side, so the kill
    // lands mid-way
    receiver.delayMillis = 1000;
    putRule(
        a,
        "kill-" + UUID.randomUUID().toString().substring(0, 6),
        INSTANCE_EVENTS,
        receiver.url(),
        "kill-secret");
    List<String> arns = scenario(a, 8);
    Set<String> expected = new LinkedHashSet<>();
    for (String arn : arns) expected.addAll(publishedIds(a, arn));
    assertEquals(56, expected.size());

    Await.until("deliveries under way", DELIVERY, () -> receiver.received.size(), n -> n >= 5);
    server.kill();
    int beforeRestart = receiver.ids().size();
    server = ServerProcess.startFirst("events-restarted");
    assertTrue(
        beforeRestart < expected.size(),
        "the kill came too late to test anything: " + beforeRestart);

    awaitAllDelivered(receiver, expected);
    assertInOrderPerResource(receiver);
    assertFalse(receiver.received.isEmpty());
  }
}
