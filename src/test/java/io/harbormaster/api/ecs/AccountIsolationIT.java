package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * Tenants through the real SDK: the default (administrator) account is tenant A; tenant B is
 * created with {@code HarbormasterAdmin.CreateAccount}. Neither sees, names, changes or tags the
 * other's resources.
 */
class AccountIsolationIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static ServerProcess.Credentials tenantA;
  private static ServerProcess.Credentials tenantB;
  private static EcsClient a;
  private static EcsClient b;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("isolation");
    tenantA = server.credentials();
    a = EcsClients.sync(server, tenantA, serverErrors);
    SignedHttp.Response created =
        SignedHttp.post(
            server, SignedHttp.ADMIN_TARGET_PREFIX + "CreateAccount", "{\"name\":\"tenant-b\"}");
    assertEquals(200, created.status(), created.body());
    tenantB =
        new ServerProcess.Credentials(
            created.json().path("accountId").asText(),
            created.json().path("accessKeyId").asText(),
            created.json().path("secretAccessKey").asText());
    b = EcsClients.sync(server, tenantB, serverErrors);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (server != null) server.close();
  }

  @AfterEach
  void noServerErrors() {
    serverErrors.assertNone();
  }

  private static String unique(String what) {
    return what + "-" + RUN;
  }

  private static String clusterArn(ServerProcess.Credentials tenant, String name) {
    return "arn:aws:ecs:us-east-1:" + tenant.accountId() + ":cluster/" + name;
  }

  private static TaskDefinition register(EcsClient client, String family) {
    return client
        .registerTaskDefinition(
            r ->
                r.family(family)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("app")
                            .image("nginx")
                            .memory(128)
                            .build()))
        .taskDefinition();
  }

  private static List<String> allClusterArns(EcsClient client) {
    List<String> arns = new ArrayList<>();
    client.listClustersPaginator(r -> {}).clusterArns().forEach(arns::add);
    return arns;
  }

  private static List<String> allTaskDefinitionArns(EcsClient client, TaskDefinitionStatus status) {
    List<String> arns = new ArrayList<>();
    client
        .listTaskDefinitionsPaginator(r -> r.status(status))
        .taskDefinitionArns()
        .forEach(arns::add);
    return arns;
  }

  private static List<String> allFamilies(EcsClient client) {
    List<String> families = new ArrayList<>();
    client
        .listTaskDefinitionFamiliesPaginator(r -> r.status(TaskDefinitionFamilyStatus.ALL))
        .families()
        .forEach(families::add);
    return families;
  }

  private static List<Tag> tagsOf(EcsClient client, String arn) {
    return client.listTagsForResource(r -> r.resourceArn(arn)).tags();
  }

  @Test
  void createAccountAnswersWithANewAccountIdAndAWorkingKey() {
    assertTrue(tenantB.accountId().matches("\\d{12}"), tenantB.accountId());
    assertNotEquals(tenantA.accountId(), tenantB.accountId());
    assertFalse(tenantB.accessKeyId().isBlank());
    assertFalse(tenantB.secretAccessKey().isBlank());
    assertNotEquals(tenantA.accessKeyId(), tenantB.accessKeyId());

    String name = unique("b-first");
    Cluster cluster = b.createCluster(r -> r.clusterName(name)).cluster();
    assertEquals(
        clusterArn(tenantB, name), cluster.clusterArn(), "ARNs carry the caller's account id");
    assertEquals(
        "arn:aws:ecs:us-east-1:" + tenantB.accountId() + ":task-definition/" + name + ":1",
        register(b, name).taskDefinitionArn());
  }

  @Test
  void listingsShowOnlyTheCallersOwnResources() {
    String clusterOfA = unique("a-listed");
    String familyOfA = unique("a-listed-family");
    String arnOfA = a.createCluster(r -> r.clusterName(clusterOfA)).cluster().clusterArn();
    String tdOfA = register(a, familyOfA).taskDefinitionArn();
    String clusterOfB = unique("b-listed");
    b.createCluster(r -> r.clusterName(clusterOfB));
    register(b, unique("b-listed-family"));

    assertTrue(allClusterArns(a).contains(arnOfA));
    assertTrue(allTaskDefinitionArns(a, TaskDefinitionStatus.ACTIVE).contains(tdOfA));

    List<String> clustersOfB = allClusterArns(b);
    assertTrue(clustersOfB.contains(clusterArn(tenantB, clusterOfB)));
    assertTrue(
        clustersOfB.stream().allMatch(arn -> arn.contains(":" + tenantB.accountId() + ":")),
        clustersOfB.toString());
    assertFalse(
        allClusterArns(a).contains(clusterArn(tenantA, clusterOfB)), "A does not see B's cluster");
    List<String> taskDefinitionsOfB = allTaskDefinitionArns(b, TaskDefinitionStatus.ACTIVE);
    assertFalse(taskDefinitionsOfB.isEmpty());
    assertTrue(
        taskDefinitionsOfB.stream().allMatch(arn -> arn.contains(":" + tenantB.accountId() + ":")),
        taskDefinitionsOfB.toString());
    assertFalse(allFamilies(b).contains(familyOfA));
    assertEquals(
        List.of(), b.listTaskDefinitions(r -> r.familyPrefix(familyOfA)).taskDefinitionArns());
    assertEquals(
        List.of(), b.listTaskDefinitionFamilies(r -> r.familyPrefix(familyOfA)).families());
  }

  @Test
  void anotherTenantsClusterIsMissingByNameAndByArn() {
    String name = unique("a-private");
    String arnOfA =
        a.createCluster(
                r -> r.clusterName(name).tags(Tag.builder().key("owner").value("a").build()))
            .cluster()
            .clusterArn();

    DescribeClustersResponse seenByB = b.describeClusters(r -> r.clusters(name, arnOfA));
    assertEquals(List.of(), seenByB.clusters());
    assertEquals(
        List.of(
            Failure.builder().arn(clusterArn(tenantB, name)).reason("MISSING").build(),
            Failure.builder().arn(arnOfA).reason("MISSING").build()),
        seenByB.failures());

    assertThrows(ClusterNotFoundException.class, () -> b.deleteCluster(r -> r.cluster(arnOfA)));
    assertThrows(ClusterNotFoundException.class, () -> b.deleteCluster(r -> r.cluster(name)));
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            b.updateClusterSettings(
                r ->
                    r.cluster(arnOfA)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build())));
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            b.updateCluster(
                r ->
                    r.cluster(arnOfA)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build())));

    Cluster stillA =
        a.describeClusters(r -> r.clusters(name).include(ClusterField.TAGS, ClusterField.SETTINGS))
            .clusters()
            .get(0);
    assertEquals("ACTIVE", stillA.status());
    assertEquals(List.of(), stillA.settings());
    assertEquals(List.of(Tag.builder().key("owner").value("a").build()), stillA.tags());
  }

  @Test
  void anotherTenantsTaskDefinitionIsUnknownByNameAndByArn() {
    String family = unique("a-private-family");
    String arnOfA = register(a, family).taskDefinitionArn();

    assertThrows(
        ClientException.class, () -> b.describeTaskDefinition(r -> r.taskDefinition(family)));
    assertThrows(
        ClientException.class,
        () -> b.describeTaskDefinition(r -> r.taskDefinition(family + ":1")));
    assertThrows(
        ClientException.class, () -> b.describeTaskDefinition(r -> r.taskDefinition(arnOfA)));
    assertThrows(
        ClientException.class, () -> b.deregisterTaskDefinition(r -> r.taskDefinition(arnOfA)));
    var deleted = b.deleteTaskDefinitions(r -> r.taskDefinitions(arnOfA));
    assertEquals(List.of(), deleted.taskDefinitions());
    assertEquals(1, deleted.failures().size());

    TaskDefinition stillA =
        a.describeTaskDefinition(r -> r.taskDefinition(arnOfA)).taskDefinition();
    assertEquals(TaskDefinitionStatus.ACTIVE, stillA.status());
  }

  @Test
  void tenantsUseTheSameNamesIndependently() {
    String name = unique("shared-name");
    Cluster ofA =
        a.createCluster(
                r -> r.clusterName(name).tags(Tag.builder().key("owner").value("a").build()))
            .cluster();
    Cluster ofB =
        b.createCluster(
                r -> r.clusterName(name).tags(Tag.builder().key("owner").value("b").build()))
            .cluster();

    assertEquals(clusterArn(tenantA, name), ofA.clusterArn());
    assertEquals(clusterArn(tenantB, name), ofB.clusterArn());
    assertEquals(
        List.of(Tag.builder().key("owner").value("b").build()),
        ofB.tags(),
        "B's create made a new cluster, it did not find A's");
    assertEquals(
        List.of(Tag.builder().key("owner").value("a").build()), tagsOf(a, ofA.clusterArn()));

    b.deleteCluster(r -> r.cluster(name));
    assertEquals("INACTIVE", b.describeClusters(r -> r.clusters(name)).clusters().get(0).status());
    assertEquals("ACTIVE", a.describeClusters(r -> r.clusters(name)).clusters().get(0).status());

    register(a, name);
    register(a, name);
    TaskDefinition firstOfB = register(b, name);
    assertEquals(1, firstOfB.revision(), "revisions count per tenant");
    assertEquals(
        2, a.describeTaskDefinition(r -> r.taskDefinition(name)).taskDefinition().revision());
    b.deregisterTaskDefinition(r -> r.taskDefinition(name + ":1"));
    assertEquals(
        TaskDefinitionStatus.ACTIVE,
        a.describeTaskDefinition(r -> r.taskDefinition(name + ":1")).taskDefinition().status());
  }

  @Test
  void aTenantCannotTagAnotherTenantsResources() {
    String name = unique("a-tagged");
    String clusterOfA =
        a.createCluster(
                r -> r.clusterName(name).tags(Tag.builder().key("owner").value("a").build()))
            .cluster()
            .clusterArn();
    String tdOfA = register(a, name).taskDefinitionArn();
    Tag hijack = Tag.builder().key("owner").value("b").build();

    assertThrows(
        ClusterNotFoundException.class,
        () -> b.tagResource(r -> r.resourceArn(clusterOfA).tags(hijack)));
    assertThrows(
        ClusterNotFoundException.class,
        () -> b.untagResource(r -> r.resourceArn(clusterOfA).tagKeys("owner")));
    assertThrows(
        ClusterNotFoundException.class,
        () -> b.listTagsForResource(r -> r.resourceArn(clusterOfA)));
    assertThrows(
        ClientException.class, () -> b.tagResource(r -> r.resourceArn(tdOfA).tags(hijack)));
    assertThrows(
        ClientException.class, () -> b.untagResource(r -> r.resourceArn(tdOfA).tagKeys("owner")));
    assertThrows(ClientException.class, () -> b.listTagsForResource(r -> r.resourceArn(tdOfA)));

    assertEquals(List.of(Tag.builder().key("owner").value("a").build()), tagsOf(a, clusterOfA));
    assertEquals(List.of(), tagsOf(a, tdOfA));
  }

  @Test
  void aNextTokenIsWorthlessToAnotherTenant() {
    for (String name : List.of("x", "y")) {
      b.createCluster(r -> r.clusterName(unique("token-" + name)));
    }
    String tokenOfB = b.listClusters(r -> r.maxResults(1)).nextToken();
    assertNotNull(tokenOfB);
    assertThrows(
        InvalidParameterException.class,
        () -> a.listClusters(r -> r.maxResults(1).nextToken(tokenOfB)));
  }

  @Test
  void onlyAnAdministratorMayCreateAccounts() {
    SignedHttp.Response refused =
        SignedHttp.post(
            server,
            SignedHttp.ADMIN_TARGET_PREFIX + "CreateAccount",
            "{\"name\":\"tenant-c\"}",
            tenantB);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("AccessDeniedException", refused.errorType(), refused.body());
    assertTrue(refused.message().contains(tenantB.accountId()), refused.body());

    SignedHttp.Response keyRefused =
        SignedHttp.post(
            server,
            SignedHttp.ADMIN_TARGET_PREFIX + "CreateAccessKey",
            "{\"accountId\":\"" + tenantA.accountId() + "\"}",
            tenantB);
    assertEquals(403, keyRefused.status(), keyRefused.body());
    assertEquals("AccessDeniedException", keyRefused.errorType(), keyRefused.body());
  }

  @Test
  void anAdministratorsNewKeyForATenantActsAsThatTenant() {
    SignedHttp.Response issued =
        SignedHttp.post(
            server,
            SignedHttp.ADMIN_TARGET_PREFIX + "CreateAccessKey",
            "{\"accountId\":\"" + tenantB.accountId() + "\"}");
    assertEquals(200, issued.status(), issued.body());
    ServerProcess.Credentials secondKey =
        new ServerProcess.Credentials(
            issued.json().path("accountId").asText(),
            issued.json().path("accessKeyId").asText(),
            issued.json().path("secretAccessKey").asText());
    assertEquals(tenantB.accountId(), secondKey.accountId());
    assertNotEquals(tenantB.accessKeyId(), secondKey.accessKeyId());

    String name = unique("b-second-key");
    try (EcsClient bAgain = EcsClients.sync(server, secondKey, serverErrors)) {
      bAgain.createCluster(r -> r.clusterName(name));
    }
    assertEquals(
        clusterArn(tenantB, name),
        b.describeClusters(r -> r.clusters(name)).clusters().get(0).clusterArn());
  }
}
