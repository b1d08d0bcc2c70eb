package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterConfiguration;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.ExecuteCommandConfiguration;
import software.amazon.awssdk.services.ecs.model.ExecuteCommandLogConfiguration;
import software.amazon.awssdk.services.ecs.model.ExecuteCommandLogging;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The cluster operations through the real AWS SDK v2 client, against one server process and a real
 * Cassandra. The class works in a tenant account of its own, so listings hold exactly what its
 * tests created.
 */
class ClusterApiIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final List<String> PAGED =
      List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf");

  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static ServerProcess.Credentials account;
  private static EcsClient ecs;

  /** A second tenant holding exactly the seven clusters of {@link #PAGED}, for the paging tests. */
  private static ServerProcess.Credentials pagingAccount;

  private static EcsClient paging;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("cluster-api");
    account = SignedHttp.createAccount(server, "cluster-api-" + RUN);
    ecs = EcsClients.sync(server, account, serverErrors);
    pagingAccount = SignedHttp.createAccount(server, "cluster-paging-" + RUN);
    paging = EcsClients.sync(server, pagingAccount, serverErrors);
    // Created out of order: the listing order is the server's, not the creation order.
    for (String name : List.of("echo", "alpha", "golf", "charlie", "foxtrot", "bravo", "delta")) {
      paging.createCluster(r -> r.clusterName(name));
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (ecs != null) ecs.close();
    if (paging != null) paging.close();
    if (server != null) server.close();
  }

  @AfterEach
  void noServerErrors() {
    serverErrors.assertNone();
  }

  private static String unique(String what) {
    return what + "-" + RUN;
  }

  private static String arn(String accountId, String clusterName) {
    return "arn:aws:ecs:us-east-1:" + accountId + ":cluster/" + clusterName;
  }

  private static Map<String, String> tagMap(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b, TreeMap::new));
  }

  private static Map<String, String> settingMap(List<ClusterSetting> settings) {
    return settings.stream()
        .collect(
            Collectors.toMap(
                ClusterSetting::nameAsString, ClusterSetting::value, (a, b) -> b, TreeMap::new));
  }

  private static Cluster describeOne(String nameOrArn, ClusterField... include) {
    DescribeClustersResponse response =
        ecs.describeClusters(r -> r.clusters(nameOrArn).include(include));
    assertEquals(List.of(), response.failures(), "failures describing " + nameOrArn);
    assertEquals(1, response.clusters().size());
    return response.clusters().get(0);
  }

  private static List<String> allClusterArns(EcsClient client) {
    List<String> arns = new ArrayList<>();
    client.listClustersPaginator(r -> r.maxResults(100)).clusterArns().forEach(arns::add);
    return arns;
  }

  private static List<Tag> tags(int count, String prefix) {
    return IntStream.range(0, count)
        .mapToObj(i -> Tag.builder().key(prefix + i).value("v" + i).build())
        .toList();
  }

  // ---- CreateCluster ----

  @Test
  void createClusterAnswersWithTheNewClusterItsTagsAndSettings() {
    String name = unique("create");
    Cluster cluster =
        ecs.createCluster(
                r ->
                    r.clusterName(name)
                        .tags(
                            Tag.builder().key("team").value("platform").build(),
                            Tag.builder().key("env").value("test").build())
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build()))
            .cluster();

    assertEquals(name, cluster.clusterName());
    assertEquals(arn(account.accountId(), name), cluster.clusterArn());
    assertEquals("ACTIVE", cluster.status());
    assertEquals(Map.of("team", "platform", "env", "test"), tagMap(cluster.tags()));
    assertEquals(Map.of("containerInsights", "enabled"), settingMap(cluster.settings()));
    assertEquals(0, cluster.registeredContainerInstancesCount());
    assertEquals(0, cluster.runningTasksCount());
    assertEquals(0, cluster.pendingTasksCount());
    assertEquals(0, cluster.activeServicesCount());

    Cluster described = describeOne(name, ClusterField.TAGS, ClusterField.SETTINGS);
    assertEquals(Map.of("team", "platform", "env", "test"), tagMap(described.tags()));
    assertEquals(Map.of("containerInsights", "enabled"), settingMap(described.settings()));
  }

  @Test
  void createClusterOfAnExistingNameReturnsTheExistingClusterUnchanged() {
    String name = unique("idempotent");
    Cluster first =
        ecs.createCluster(r -> r.clusterName(name).tags(Tag.builder().key("v").value("1").build()))
            .cluster();
    Cluster second =
        ecs.createCluster(r -> r.clusterName(name).tags(Tag.builder().key("v").value("2").build()))
            .cluster();

    assertEquals(first.clusterArn(), second.clusterArn());
    assertEquals("ACTIVE", second.status());
    assertEquals(Map.of("v", "1"), tagMap(second.tags()), "the second create changes nothing");
    assertEquals(Map.of("v", "1"), tagMap(describeOne(name, ClusterField.TAGS).tags()));
    assertEquals(
        1, allClusterArns(ecs).stream().filter(first.clusterArn()::equals).count(), "listed once");
  }

  @Test
  void createClusterWithoutANameCreatesTheDefaultCluster() {
    // A fresh tenant has no default cluster: describing it without names reports it missing.
    ServerProcess.Credentials tenant = SignedHttp.createAccount(server, unique("default-cluster"));
    try (EcsClient client = EcsClients.sync(server, tenant, serverErrors)) {
      DescribeClustersResponse before = client.describeClusters(r -> {});
      assertEquals(List.of(), before.clusters());
      assertEquals(
          List.of(
              Failure.builder().arn(arn(tenant.accountId(), "default")).reason("MISSING").build()),
          before.failures());

      Cluster created = client.createCluster(r -> {}).cluster();
      assertEquals("default", created.clusterName());
      assertEquals(arn(tenant.accountId(), "default"), created.clusterArn());

      DescribeClustersResponse after = client.describeClusters(r -> {});
      assertEquals(List.of(), after.failures());
      assertEquals("default", after.clusters().get(0).clusterName());
    }
  }

  // ---- DescribeClusters ----

  @Test
  void describeClustersShowsTagsSettingsAndStatisticsOnlyWhenIncluded() {
    String name = unique("include");
    ecs.createCluster(
        r ->
            r.clusterName(name)
                .tags(Tag.builder().key("owner").value("me").build())
                .settings(
                    ClusterSetting.builder()
                        .name(ClusterSettingName.CONTAINER_INSIGHTS)
                        .value("disabled")
                        .build()));

    Cluster plain = describeOne(name);
    assertFalse(plain.hasTags(), "tags only with include TAGS");
    assertFalse(plain.hasSettings(), "settings only with include SETTINGS");
    assertFalse(plain.hasStatistics(), "statistics only with include STATISTICS");

    Cluster full =
        describeOne(name, ClusterField.TAGS, ClusterField.SETTINGS, ClusterField.STATISTICS);
    assertEquals(Map.of("owner", "me"), tagMap(full.tags()));
    assertEquals(Map.of("containerInsights", "disabled"), settingMap(full.settings()));
    Map<String, String> statistics =
        full.statistics().stream()
            .collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
    assertEquals("0", statistics.get("runningEC2TasksCount"), statistics.toString());
    assertEquals("0", statistics.get("activeFargateServiceCount"), statistics.toString());

    Cluster tagsOnly = describeOne(name, ClusterField.TAGS);
    assertEquals(Map.of("owner", "me"), tagMap(tagsOnly.tags()));
    assertFalse(tagsOnly.hasSettings());
  }

  @Test
  void describeClustersReportsUnknownNamesAndArnsAsMissingFailures() {
    String known = unique("known");
    ecs.createCluster(r -> r.clusterName(known));
    String unknown = unique("never-created");
    String unknownArn = arn(account.accountId(), unique("never-created-either"));

    DescribeClustersResponse response =
        ecs.describeClusters(r -> r.clusters(unknown, known, unknownArn));

    assertEquals(List.of(known), response.clusters().stream().map(Cluster::clusterName).toList());
    assertEquals(
        List.of(
            Failure.builder().arn(arn(account.accountId(), unknown)).reason("MISSING").build(),
            Failure.builder().arn(unknownArn).reason("MISSING").build()),
        response.failures());
  }

  @Test
  void describeClustersAcceptsNamesAndArnsAlike() {
    String name = unique("by-arn");
    String clusterArn = ecs.createCluster(r -> r.clusterName(name)).cluster().clusterArn();
    assertEquals(name, describeOne(clusterArn).clusterName());
    assertEquals(clusterArn, describeOne(name).clusterArn());
  }

  // ---- ListClusters ----

  @Test
  void listClustersPaginatorFollowsNextTokensThroughEveryCluster() {
    List<ListClustersResponse> pages =
        paging.listClustersPaginator(r -> r.maxResults(3)).stream().toList();

    assertEquals(List.of(3, 3, 1), pages.stream().map(p -> p.clusterArns().size()).toList());
    assertNotNull(pages.get(0).nextToken());
    assertNotNull(pages.get(1).nextToken());
    assertNull(pages.get(2).nextToken(), "the last page has no nextToken");
    List<String> arns = pages.stream().flatMap(p -> p.clusterArns().stream()).toList();
    assertEquals(
        PAGED.stream().map(n -> arn(pagingAccount.accountId(), n)).toList(),
        arns,
        "every cluster exactly once, in name order");
  }

  @Test
  void listClustersPagesByHandWithNextToken() {
    List<String> names = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    String token = null;
    do {
      String current = token;
      ListClustersResponse page = paging.listClusters(r -> r.maxResults(3).nextToken(current));
      assertTrue(page.clusterArns().size() <= 3);
      page.clusterArns().forEach(a -> names.add(a.substring(a.lastIndexOf('/') + 1)));
      token = page.nextToken();
      if (token != null) tokens.add(token);
    } while (token != null && names.size() <= PAGED.size());

    assertEquals(PAGED, names);
    assertEquals(2, tokens.size(), "two tokens for three pages");
    assertEquals(2, tokens.stream().distinct().count());
  }

  @Test
  void listClustersWithoutMaxResultsOrWhenAllFitReturnsOnePageWithoutToken() {
    ListClustersResponse all = paging.listClusters(r -> {});
    assertEquals(7, all.clusterArns().size());
    assertNull(all.nextToken());

    ListClustersResponse exact = paging.listClusters(r -> r.maxResults(7));
    assertEquals(7, exact.clusterArns().size());
    assertNull(exact.nextToken(), "a page that ends at the last cluster has no nextToken");
  }

  @Test
  void listClustersRefusesATamperedNextToken() {
    String token = paging.listClusters(r -> r.maxResults(2)).nextToken();
    assertNotNull(token);
    int middle = token.length() / 2;
    String tampered =
        token.substring(0, middle)
            + (token.charAt(middle) == 'A' ? 'B' : 'A')
            + token.substring(middle + 1);

    InvalidParameterException e =
        assertThrows(
            InvalidParameterException.class,
            () -> paging.listClusters(r -> r.maxResults(2).nextToken(tampered)));
    assertEquals(400, e.statusCode());
    assertTrue(e.awsErrorDetails().errorMessage().contains("nextToken"), e.getMessage());
    assertThrows(
        InvalidParameterException.class,
        () -> paging.listClusters(r -> r.nextToken("not-a-token")));
  }

  @Test
  void listClustersRefusesMaxResultsOutsideOneToHundred() {
    assertThrows(InvalidParameterException.class, () -> paging.listClusters(r -> r.maxResults(0)));
    assertThrows(
        InvalidParameterException.class, () -> paging.listClusters(r -> r.maxResults(101)));
  }

  // ---- UpdateCluster, UpdateClusterSettings ----

  @Test
  void updateClusterChangesSettingsAndExecuteCommandConfiguration() {
    String name = unique("update");
    ecs.createCluster(
        r ->
            r.clusterName(name)
                .settings(
                    ClusterSetting.builder()
                        .name(ClusterSettingName.CONTAINER_INSIGHTS)
                        .value("disabled")
                        .build()));
    ClusterConfiguration configuration =
        ClusterConfiguration.builder()
            .executeCommandConfiguration(
                ExecuteCommandConfiguration.builder()
                    .logging(ExecuteCommandLogging.OVERRIDE)
                    .logConfiguration(
                        ExecuteCommandLogConfiguration.builder()
                            .cloudWatchLogGroupName("/ecs/exec")
                            .cloudWatchEncryptionEnabled(true)
                            .build())
                    .build())
            .build();

    Cluster updated =
        ecs.updateCluster(
                r ->
                    r.cluster(name)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enhanced")
                                .build())
                        .configuration(configuration))
            .cluster();

    assertEquals(Map.of("containerInsights", "enhanced"), settingMap(updated.settings()));
    assertEquals(configuration, updated.configuration());
    Cluster described = describeOne(name, ClusterField.SETTINGS, ClusterField.CONFIGURATIONS);
    assertEquals(Map.of("containerInsights", "enhanced"), settingMap(described.settings()));
    assertEquals(configuration, described.configuration());
    assertEquals("ACTIVE", described.status());
  }

  @Test
  void updateClusterSettingsChangesTheNamedSetting() {
    String name = unique("settings");
    String clusterArn =
        ecs.createCluster(
                r ->
                    r.clusterName(name)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("disabled")
                                .build()))
            .cluster()
            .clusterArn();

    Cluster updated =
        ecs.updateClusterSettings(
                r ->
                    r.cluster(clusterArn)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build()))
            .cluster();

    assertEquals(clusterArn, updated.clusterArn());
    assertEquals(Map.of("containerInsights", "enabled"), settingMap(updated.settings()));
    assertEquals(
        Map.of("containerInsights", "enabled"),
        settingMap(describeOne(name, ClusterField.SETTINGS).settings()));
  }

  @Test
  void updateClusterSettingsRefusesAnUnknownContainerInsightsValue() {
    String name = unique("settings-bad");
    ecs.createCluster(r -> r.clusterName(name));
    InvalidParameterException e =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.updateClusterSettings(
                    r ->
                        r.cluster(name)
                            .settings(
                                ClusterSetting.builder()
                                    .name("containerInsights")
                                    .value("maybe")
                                    .build())));
    assertTrue(e.awsErrorDetails().errorMessage().contains("maybe"), e.getMessage());
    assertEquals(List.of(), describeOne(name, ClusterField.SETTINGS).settings());
  }

  @Test
  void updatingAClusterThatDoesNotExistIsClusterNotFound() {
    String name = unique("nowhere");
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            ecs.updateCluster(
                r ->
                    r.cluster(name)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build())));
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            ecs.updateClusterSettings(
                r ->
                    r.cluster(name)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build())));
    assertThrows(ClusterNotFoundException.class, () -> ecs.deleteCluster(r -> r.cluster(name)));
    assertEquals("MISSING", ecs.describeClusters(r -> r.clusters(name)).failures().get(0).reason());
  }

  // ---- DeleteCluster ----

  @Test
  void deletedClusterIsDescribedAsInactiveAndNoLongerListed() {
    String name = unique("delete");
    String clusterArn = ecs.createCluster(r -> r.clusterName(name)).cluster().clusterArn();
    assertTrue(allClusterArns(ecs).contains(clusterArn));

    Cluster deleted = ecs.deleteCluster(r -> r.cluster(name)).cluster();

    assertEquals("INACTIVE", deleted.status());
    assertEquals(clusterArn, deleted.clusterArn());
    assertEquals("INACTIVE", describeOne(name).status());
    assertFalse(allClusterArns(ecs).contains(clusterArn), "an INACTIVE cluster is not listed");
    assertThrows(
        ClusterNotFoundException.class,
        () -> ecs.deleteCluster(r -> r.cluster(name)),
        "deleting it again");
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            ecs.updateClusterSettings(
                r ->
                    r.cluster(name)
                        .settings(
                            ClusterSetting.builder()
                                .name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled")
                                .build())));
  }

  @Test
  void aDeletedClusterCanBeCreatedAgainAsANewActiveCluster() {
    String name = unique("recreate");
    ecs.createCluster(
        r -> r.clusterName(name).tags(Tag.builder().key("life").value("first").build()));
    ecs.deleteCluster(r -> r.cluster(name));

    Cluster again =
        ecs.createCluster(
                r -> r.clusterName(name).tags(Tag.builder().key("life").value("second").build()))
            .cluster();

    assertEquals("ACTIVE", again.status());
    assertEquals(Map.of("life", "second"), tagMap(again.tags()));
    Cluster described = describeOne(name, ClusterField.TAGS);
    assertEquals("ACTIVE", described.status());
    assertEquals(Map.of("life", "second"), tagMap(described.tags()));
    assertTrue(allClusterArns(ecs).contains(again.clusterArn()));
  }

  // ---- tags ----

  @Test
  void tagResourceAddsAndOverwritesUntagResourceRemovesListTagsShowsTheResult() {
    String name = unique("tagging");
    String clusterArn =
        ecs.createCluster(
                r ->
                    r.clusterName(name)
                        .tags(
                            Tag.builder().key("team").value("a").build(),
                            Tag.builder().key("keep").value("yes").build()))
            .cluster()
            .clusterArn();

    ecs.tagResource(
        r ->
            r.resourceArn(clusterArn)
                .tags(
                    Tag.builder().key("team").value("b").build(),
                    Tag.builder().key("cost-center").value("42").build()));
    assertEquals(
        Map.of("team", "b", "keep", "yes", "cost-center", "42"),
        tagMap(ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));

    ecs.untagResource(r -> r.resourceArn(clusterArn).tagKeys("team", "no-such-key"));
    assertEquals(
        Map.of("keep", "yes", "cost-center", "42"),
        tagMap(ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
    assertEquals(
        Map.of("keep", "yes", "cost-center", "42"),
        tagMap(describeOne(name, ClusterField.TAGS).tags()));
  }

  @Test
  void aTagWithoutValueIsStoredWithAnEmptyValue() {
    String clusterArn =
        ecs.createCluster(r -> r.clusterName(unique("empty-value"))).cluster().clusterArn();
    ecs.tagResource(r -> r.resourceArn(clusterArn).tags(Tag.builder().key("flag").build()));
    assertEquals(
        Map.of("flag", ""), tagMap(ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags()));
  }

  @Test
  void taggingAnUnknownClusterIsClusterNotFound() {
    String unknownArn = arn(account.accountId(), unique("untaggable"));
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            ecs.tagResource(
                r -> r.resourceArn(unknownArn).tags(Tag.builder().key("k").value("v").build())));
    assertThrows(
        ClusterNotFoundException.class,
        () -> ecs.listTagsForResource(r -> r.resourceArn(unknownArn)));
  }

  @Test
  void moreThanFiftyTagsOnAClusterAreRefused() {
    String name = unique("many-tags");
    InvalidParameterException atCreate =
        assertThrows(
            InvalidParameterException.class,
            () -> ecs.createCluster(r -> r.clusterName(name).tags(tags(51, "k"))));
    assertTrue(atCreate.awsErrorDetails().errorMessage().contains("50"), atCreate.getMessage());
    assertEquals(
        "MISSING",
        ecs.describeClusters(r -> r.clusters(name)).failures().get(0).reason(),
        "the refused create created nothing");

    String clusterArn =
        ecs.createCluster(r -> r.clusterName(name).tags(tags(30, "first"))).cluster().clusterArn();
    assertThrows(
        InvalidParameterException.class,
        () -> ecs.tagResource(r -> r.resourceArn(clusterArn).tags(tags(51, "k"))),
        "51 in one request");
    InvalidParameterException overTotal =
        assertThrows(
            InvalidParameterException.class,
            () -> ecs.tagResource(r -> r.resourceArn(clusterArn).tags(tags(21, "second"))));
    assertTrue(overTotal.awsErrorDetails().errorMessage().contains("50"), overTotal.getMessage());
    assertEquals(
        30,
        ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags().size(),
        "nothing was added");

    ecs.tagResource(r -> r.resourceArn(clusterArn).tags(tags(20, "second")));
    assertEquals(
        50,
        ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags().size(),
        "exactly 50 is fine");
    ecs.tagResource(r -> r.resourceArn(clusterArn).tags(tags(5, "first")));
    assertEquals(
        50,
        ecs.listTagsForResource(r -> r.resourceArn(clusterArn)).tags().size(),
        "overwriting existing keys does not count against the limit");
  }
}
