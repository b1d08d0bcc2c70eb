package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * Bad requests get the error class a client expects, HTTP 400 (403 for authentication), a message
 * that says what was wrong, and change nothing. Requests the SDK cannot send go over java.net.http,
 * signed like the CLI signs.
 *
 * <p>The class's tenant holds one cluster and one task definition revision, made before the tests;
 * after every test the tenant must hold exactly those, unchanged. No answer is ever a 5xx.
 */
class BadInputIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final String EXISTING = "existing";
  private static final String ECS = SignedHttp.ECS_TARGET_PREFIX;

  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static ServerProcess.Credentials account;
  private static EcsClient ecs;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("bad-input");
    account = SignedHttp.createAccount(server, "bad-input-" + RUN);
    ecs = EcsClients.sync(server, account, serverErrors);
    ecs.createCluster(r -> r.clusterName(EXISTING));
    ecs.registerTaskDefinition(
        r ->
            r.family(EXISTING)
                .containerDefinitions(
                    ContainerDefinition.builder().name("app").image("nginx").memory(128).build()));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (ecs != null) ecs.close();
    if (server != null) server.close();
  }

  @AfterEach
  void nothingChangedAndNoServerErrors() {
    assertEquals(
        List.of(clusterArn(EXISTING)), ecs.listClusters(r -> {}).clusterArns(), "clusters");
    var cluster =
        ecs.describeClusters(
                r -> r.clusters(EXISTING).include(ClusterField.TAGS, ClusterField.SETTINGS))
            .clusters()
            .get(0);
    assertEquals("ACTIVE", cluster.status());
    assertEquals(List.of(), cluster.tags());
    assertEquals(List.of(), cluster.settings());
    assertEquals(
        List.of(EXISTING),
        ecs.listTaskDefinitionFamilies(r -> r.status(TaskDefinitionFamilyStatus.ALL)).families(),
        "task definition families");
    for (TaskDefinitionStatus status :
        List.of(TaskDefinitionStatus.INACTIVE, TaskDefinitionStatus.DELETE_IN_PROGRESS)) {
      assertEquals(
          List.of(),
          ecs.listTaskDefinitions(r -> r.status(status)).taskDefinitionArns(),
          status.toString());
    }
    assertEquals(
        List.of(taskDefinitionArn(EXISTING, 1)),
        ecs.listTaskDefinitions(r -> {}).taskDefinitionArns());
    assertEquals(
        List.of(),
        ecs.listTagsForResource(r -> r.resourceArn(taskDefinitionArn(EXISTING, 1))).tags());
    serverErrors.assertNone();
  }

  private static String clusterArn(String name) {
    return "arn:aws:ecs:us-east-1:" + account.accountId() + ":cluster/" + name;
  }

  private static String taskDefinitionArn(String family, int revision) {
    return "arn:aws:ecs:us-east-1:"
        + account.accountId()
        + ":task-definition/"
        + family
        + ":"
        + revision;
  }

  /**
   * The call fails with {@code type}, HTTP 400, and a message containing each fragment (ignoring
   * case).
   */
  private static <T extends EcsException> T assertRefused(
      Class<T> type, Executable call, String... fragments) {
    T e = assertThrows(type, call);
    assertEquals(400, e.statusCode(), e.toString());
    assertEquals(type.getSimpleName(), e.awsErrorDetails().errorCode());
    String message = e.awsErrorDetails().errorMessage();
    assertNotNull(message, "an error needs a message");
    for (String fragment : fragments) {
      assertTrue(
          message.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
          "'" + message + "' should mention '" + fragment + "'");
    }
    return e;
  }

  /** A raw signed request as this class's tenant. */
  private static SignedHttp.Response raw(String target, String body) {
    return SignedHttp.post(server, target, body, account);
  }

  /**
   * HTTP {@code status} with a JSON error body of {@code errorType} whose message contains each
   * fragment.
   */
  private static void assertJsonError(
      SignedHttp.Response response, int status, String errorType, String... fragments) {
    assertEquals(status, response.status(), response.body());
    assertEquals(errorType, response.errorType(), response.body());
    assertNotNull(response.message(), response.body());
    for (String fragment : fragments) {
      assertTrue(
          response.message().contains(fragment),
          "'" + response.message() + "' should mention '" + fragment + "'");
    }
    assertTrue(
        response.headers().containsKey("x-amzn-requestid"), "x-amzn-RequestId on errors too");
  }

  private static ContainerDefinition container(String name) {
    return ContainerDefinition.builder().name(name).image("nginx:1.27").memory(64).build();
  }

  // ---- clusters ----

  @Test
  void aClusterNameWithIllegalCharactersIsRefused() {
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.createCluster(r -> r.clusterName("my cluster!")),
        "my cluster!",
        "letters",
        "hyphens");
    assertRefused(
        InvalidParameterException.class, () -> ecs.createCluster(r -> r.clusterName("a/b")));
  }

  @Test
  void aClusterNameOf256CharactersIsRefused() {
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.createCluster(r -> r.clusterName("c".repeat(256))),
        "255");
  }

  @Test
  void describeClustersWithMoreThan100NamesIsRefused() {
    List<String> names = IntStream.range(0, 101).mapToObj(i -> "cluster-" + i).toList();
    assertRefused(
        InvalidParameterException.class, () -> ecs.describeClusters(r -> r.clusters(names)), "100");
  }

  @Test
  void describeClustersReportsAnIllegalNameAsMissingRatherThanFailing() {
    var response = ecs.describeClusters(r -> r.clusters("no such cluster!"));
    assertEquals(List.of(), response.clusters());
    assertEquals("MISSING", response.failures().get(0).reason());
  }

  @Test
  void aReservedOrOverlongTagIsRefused() {
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.tagResource(
                r ->
                    r.resourceArn(clusterArn(EXISTING))
                        .tags(Tag.builder().key("aws:owner").value("me").build())),
        "aws:");
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.tagResource(
                r ->
                    r.resourceArn(clusterArn(EXISTING))
                        .tags(Tag.builder().key("k".repeat(129)).value("v").build())),
        "128");
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.tagResource(
                r ->
                    r.resourceArn(clusterArn(EXISTING))
                        .tags(
                            Tag.builder().key("dup").value("1").build(),
                            Tag.builder().key("dup").value("2").build())),
        "dup");
  }

  @Test
  void taggingSomethingThatIsNotAnArnIsRefused() {
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.tagResource(
                r -> r.resourceArn(EXISTING).tags(Tag.builder().key("k").value("v").build())),
        "resourceArn");
  }

  // ---- task definitions ----

  @Test
  void aTaskDefinitionWithElevenContainersIsRefused() {
    List<ContainerDefinition> eleven =
        IntStream.range(0, 11).mapToObj(i -> container("c" + i)).toList();
    assertRefused(
        ClientException.class,
        () -> ecs.registerTaskDefinition(r -> r.family(EXISTING).containerDefinitions(eleven)),
        "Too many containers",
        "10");
  }

  @Test
  void aTaskDefinitionOver64KiBIsRefused() {
    List<KeyValuePair> environment =
        IntStream.range(0, 70)
            .mapToObj(i -> KeyValuePair.builder().name("VAR_" + i).value("x".repeat(1000)).build())
            .toList();
    assertRefused(
        ClientException.class,
        () ->
            ecs.registerTaskDefinition(
                r ->
                    r.family(EXISTING)
                        .containerDefinitions(
                            container("app").toBuilder().environment(environment).build())),
        "65536");
  }

  @Test
  void aContainerWithoutImageIsRefused() {
    assertRefused(
        ClientException.class,
        () ->
            ecs.registerTaskDefinition(
                r ->
                    r.family(EXISTING)
                        .containerDefinitions(
                            ContainerDefinition.builder().name("app").memory(64).build())),
        "image",
        "app");
  }

  @Test
  void aContainerWithoutMemoryInATaskWithoutMemoryIsRefused() {
    assertRefused(
        ClientException.class,
        () ->
            ecs.registerTaskDefinition(
                r ->
                    r.family(EXISTING)
                        .containerDefinitions(
                            ContainerDefinition.builder().name("app").image("nginx").build())),
        "memory",
        "memoryReservation",
        "app");
  }

  @Test
  void aTaskDefinitionWithoutContainersOrFamilyIsRefused() {
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.registerTaskDefinition(
                RegisterTaskDefinitionRequest.builder().family(EXISTING).build()),
        "containerDefinitions");
    assertRefused(
        InvalidParameterException.class,
        () ->
            ecs.registerTaskDefinition(
                RegisterTaskDefinitionRequest.builder()
                    .containerDefinitions(container("app"))
                    .build()),
        "family");
    assertRefused(
        ClientException.class,
        () ->
            ecs.registerTaskDefinition(
                r -> r.family("bad family").containerDefinitions(container("app"))),
        "Family");
  }

  @Test
  void anUnknownRevisionIsAClientException() {
    assertRefused(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(EXISTING + ":99")));
    assertRefused(
        ClientException.class,
        () -> ecs.deregisterTaskDefinition(r -> r.taskDefinition(EXISTING + ":99")));
    assertRefused(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(EXISTING + ":zero")),
        "revision");
    assertRefused(
        ClientException.class,
        () ->
            ecs.tagResource(
                r ->
                    r.resourceArn(taskDefinitionArn(EXISTING, 99))
                        .tags(Tag.builder().key("k").value("v").build())));
  }

  @Test
  void aMissingRequiredMemberIsNamed() {
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.describeTaskDefinition(r -> {}),
        "taskDefinition");
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.deleteTaskDefinitions(r -> {}),
        "taskDefinitions");
  }

  @Test
  void deleteTaskDefinitionsOfMoreThanTenIsRefused() {
    List<String> eleven = IntStream.rangeClosed(1, 11).mapToObj(i -> EXISTING + ":" + i).toList();
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.deleteTaskDefinitions(r -> r.taskDefinitions(eleven)),
        "10");
  }

  @Test
  void aNextTokenOfAnotherListOperationIsRefused() {
    // A tenant of its own with two clusters and two families, so that both listings have a second
    // page.
    ServerProcess.Credentials other = SignedHttp.createAccount(server, "bad-input-tokens-" + RUN);
    try (EcsClient client = EcsClients.sync(server, other, serverErrors)) {
      for (String name : List.of("one", "two")) {
        client.createCluster(r -> r.clusterName(name));
        client.registerTaskDefinition(r -> r.family(name).containerDefinitions(container("app")));
      }
      String clustersToken = client.listClusters(r -> r.maxResults(1)).nextToken();
      String familiesToken = client.listTaskDefinitionFamilies(r -> r.maxResults(1)).nextToken();
      assertNotNull(clustersToken);
      assertNotNull(familiesToken);

      assertRefused(
          InvalidParameterException.class,
          () -> client.listTaskDefinitions(r -> r.maxResults(1).nextToken(clustersToken)),
          "nextToken");
      assertRefused(
          InvalidParameterException.class,
          () -> client.listTaskDefinitions(r -> r.maxResults(1).nextToken(familiesToken)),
          "nextToken");
    }
  }

  @Test
  void illegalEnumValuesAndRangesAreInvalidParameters() {
    assertJsonError(
        raw(ECS + "ListTaskDefinitions", "{\"status\":\"DELETED\"}"),
        400,
        "InvalidParameterException",
        "DELETED",
        "ACTIVE");
    assertRefused(
        InvalidParameterException.class,
        () -> ecs.listClusters(r -> r.maxResults(1000)),
        "maxResults");
  }

  // ---- the wire: bodies and targets the SDK would never send ----

  @Test
  void aMalformedJsonBodyIsASerializationException() {
    assertJsonError(
        raw(ECS + "CreateCluster", "{\"clusterName\": \"half"),
        400,
        "SerializationException",
        "JSON");
    assertJsonError(
        raw(ECS + "CreateCluster", "[\"clusterName\"]"), 400, "SerializationException", "object");
  }

  @Test
  void anUnknownTargetIsAnUnknownOperationException() {
    assertJsonError(
        raw(ECS + "LaunchRockets", "{}"), 400, "UnknownOperationException", "LaunchRockets");
    assertJsonError(
        raw("DynamoDB_20120810.ListTables", "{}"),
        400,
        "UnknownOperationException",
        "DynamoDB_20120810.ListTables");
    assertJsonError(
        raw(SignedHttp.ADMIN_TARGET_PREFIX + "DropEverything", "{}"),
        400,
        "UnknownOperationException",
        "DropEverything");
  }

  @Test
  void aStringWhereTheModelHasAnIntegerIsASerializationException() {
    String body =
        "{\"family\":\"typed-"
            + RUN
            + "\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"nginx\","
            + "\"memory\":128,\"cpu\":\"256\"}]}";
    assertJsonError(
        raw(ECS + "RegisterTaskDefinition", body),
        400,
        "SerializationException",
        "containerDefinitions[0].cpu",
        "integer");
    assertJsonError(
        raw(ECS + "ListClusters", "{\"maxResults\":\"3\"}"),
        400,
        "SerializationException",
        "maxResults");
  }

  @Test
  void aBodyOverTheSizeLimitIsRefusedAsJsonNotAsServerError() {
    // 2 MiB of otherwise valid JSON: far over any ECS request, and over the server's 1 MiB body
    // limit.
    String body = "{\"clusterName\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    SignedHttp.Response response = raw(ECS + "CreateCluster", body);
    assertEquals(413, response.status(), response.body());
    assertEquals("RequestEntityTooLargeException", response.errorType(), response.body());
    assertTrue(response.message().contains("1048576"), response.body());
  }

  @Test
  void aRequestThatIsNotPostToTheRootIsRefusedAsJson() throws Exception {
    var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (var request :
        List.of(
            HttpRequest.newBuilder(URI.create(server.endpoint() + "/")).GET().build(),
            HttpRequest.newBuilder(URI.create(server.endpoint() + "/clusters"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build())) {
      var response = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(400, response.statusCode(), request + ": " + response.body());
      assertTrue(
          response.body().contains("\"__type\":\"UnknownOperationException\""), response.body());
    }
  }

  // ---- authentication ----

  @Test
  void aWrongSecretIsAnInvalidSignature() {
    try (EcsClient wrong =
        EcsClients.sync(server.endpoint(), account.accessKeyId(), "not-the-secret", serverErrors)) {
      EcsException e = assertThrows(EcsException.class, () -> wrong.listClusters(r -> {}));
      assertEquals(403, e.statusCode());
      assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
      assertTrue(e.awsErrorDetails().errorMessage().contains("signature"), e.getMessage());
      assertThrows(
          EcsException.class, () -> wrong.createCluster(r -> r.clusterName("by-impostor")));
    }
  }

  @Test
  void anUnknownAccessKeyIsAnUnrecognizedClient() {
    for (String keyId : List.of("AKIAIOSFODNN7EXAMPLE", "AKHM999999999999ABCD")) {
      try (EcsClient stranger =
          EcsClients.sync(server.endpoint(), keyId, "whatever", serverErrors)) {
        EcsException e =
            assertThrows(EcsException.class, () -> stranger.listClusters(r -> {}), keyId);
        assertEquals(403, e.statusCode(), keyId);
        assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode(), keyId);
      }
    }
  }

  @Test
  void aSignatureTwentyMinutesOldHasExpired() {
    byte[] body = "{\"clusterName\":\"replayed\"}".getBytes(StandardCharsets.UTF_8);
    SignedHttp.Response response =
        SignedHttp.post(
            server,
            ECS + "CreateCluster",
            body,
            account.accessKeyId(),
            account.secretAccessKey(),
            Instant.now().minus(Duration.ofMinutes(20)));
    assertJsonError(response, 403, "InvalidSignatureException", "Signature expired");

    SignedHttp.Response fresh =
        SignedHttp.post(
            server,
            ECS + "ListClusters",
            "{}".getBytes(StandardCharsets.UTF_8),
            account.accessKeyId(),
            account.secretAccessKey(),
            Instant.now().minus(Duration.ofMinutes(5)));
    assertEquals(200, fresh.status(), "five minutes of skew are tolerated: " + fresh.body());
  }

  @Test
  void aRequestWithoutSignatureIsRefused() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", ECS + "ListClusters")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    var response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(403, response.statusCode(), response.body());
    assertTrue(
        response.body().contains("\"__type\":\"MissingAuthenticationTokenException\""),
        response.body());
  }
}
