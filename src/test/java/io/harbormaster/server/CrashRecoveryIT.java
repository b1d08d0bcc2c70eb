package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.AdminApi;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.SdkComparison;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * A node is killed with SIGKILL (no shutdown hook, no leaving the cluster) after a mix of writes; a
 * new node on the same Cassandra must answer every describe and list exactly as the first did, and
 * go on from there. Some entities get more than 100 events, so they come back from a snapshot plus
 * events, not from events alone.
 */
@ExtendWith(SharedCassandra.class)
class CrashRecoveryIT {
  /**
   * Bulk clusters: with the named ones the account's directory passes 100 events (a snapshot) and
   * two list pages.
   */
  private static final int BULK_CLUSTERS = 100;

  /** Tag operations on one cluster and on one task definition revision: past snapshotEvery(100). */
  private static final int TAG_OPERATIONS = 130;

  @Test
  void everythingDescribesAndListsExactlyAsBeforeAfterKill9AndWritesGoOn() throws Exception {
    long t0 = System.nanoTime();
    ServerProcess first = ServerProcess.startFirst("crash-before");
    System.out.printf("[CrashRecoveryIT] first node ready in %d ms%n", millisSince(t0));
    ServerProcess.Credentials account;
    Map<String, SdkPojo> before;
    try {
      account = AdminApi.createAccount(first.endpoint(), first.credentials(), "crash-recovery");
      try (EcsClient ecs =
          EcsClients.sync(first.endpoint(), account.accessKeyId(), account.secretAccessKey())) {
        long w0 = System.nanoTime();
        populate(ecs);
        System.out.printf("[CrashRecoveryIT] writes done in %d ms%n", millisSince(w0));
        before = observe(ecs);
      }
    } finally {
      first.kill();
    }
    assertFalse(first.isAlive(), "the first node survived SIGKILL");

    long t1 = System.nanoTime();
    ServerProcess second = ServerProcess.startFirst("crash-after");
    System.out.printf("[CrashRecoveryIT] second node ready in %d ms%n", millisSince(t1));
    try (second;
        EcsClient ecs =
            EcsClients.sync(second.endpoint(), account.accessKeyId(), account.secretAccessKey())) {
      long r0 = System.nanoTime();
      Map<String, SdkPojo> after = observe(ecs);
      System.out.printf(
          "[CrashRecoveryIT] all %d reads after the restart (recovering every entity) in %d ms%n",
          after.size(), millisSince(r0));

      assertEquals(before.keySet(), after.keySet());
      List<String> differences = new ArrayList<>();
      before.forEach(
          (call, response) ->
              differences.addAll(SdkComparison.differences(call, response, after.get(call))));
      assertTrue(
          differences.isEmpty(), "after the restart:\n  " + String.join("\n  ", differences));

      writesGoOn(ecs, before);
    }
  }

  // ---- the writes before the kill ----

  private static void populate(EcsClient ecs) {
    ecs.createCluster(
        r ->
            r.clusterName("alpha")
                .settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("enabled"))
                .configuration(
                    c -> c.executeCommandConfiguration(e -> e.logging("DEFAULT").kmsKeyId("key-1")))
                .serviceConnectDefaults(d -> d.namespace("alpha-ns"))
                .capacityProviders("FARGATE", "FARGATE_SPOT")
                .defaultCapacityProviderStrategy(
                    s -> s.capacityProvider("FARGATE").weight(2).base(1))
                .tags(tag("env", "prod"), tag("team", "core")));
    String alphaArn = EcsClients.clusterArn(ecs, "alpha");
    ecs.updateClusterSettings(
        r ->
            r.cluster("alpha")
                .settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("disabled")));
    // Only serviceConnectDefaults: the configuration must stay as it is, in memory and after a
    // replay.
    ecs.updateCluster(
        r -> r.cluster("alpha").serviceConnectDefaults(d -> d.namespace("alpha-ns-2")));
    ecs.tagResource(
        r -> r.resourceArn(alphaArn).tags(tag("owner", "ops"), tag("env", "production")));
    ecs.untagResource(r -> r.resourceArn(alphaArn).tagKeys("team"));

    ecs.createCluster(r -> r.clusterName("beta"));

    ecs.createCluster(r -> r.clusterName("gamma").tags(tag("doomed", "yes")));
    ecs.deleteCluster(r -> r.cluster("gamma"));

    // One cluster with many events: the snapshot at 100 plus the events after it.
    ecs.createCluster(r -> r.clusterName("busy"));
    String busyArn = EcsClients.clusterArn(ecs, "busy");
    for (int i = 0; i < TAG_OPERATIONS; i++) {
      int n = i;
      if (i % 7 == 6) {
        ecs.untagResource(r -> r.resourceArn(busyArn).tagKeys("k" + (n % 30)));
      } else {
        ecs.tagResource(r -> r.resourceArn(busyArn).tags(tag("k" + (n % 30), "v" + n)));
      }
    }

    for (int i = 0; i < BULK_CLUSTERS; i++) {
      String name = "bulk-%03d".formatted(i);
      ecs.createCluster(r -> r.clusterName(name));
    }

    register(
        ecs,
        "web",
        ContainerDefinition.builder()
            .name("web")
            .image("nginx:1.27")
            .memory(128)
            .portMappings(PortMapping.builder().containerPort(80).hostPort(8080).build())
            .build());
    register(
        ecs,
        "web",
        ContainerDefinition.builder()
            .name("web")
            .image("nginx:1.27")
            .memory(256)
            .cpu(128)
            .environment(KeyValuePair.builder().name("MODE").value("blue").build())
            .build());
    ecs.registerTaskDefinition(
        r ->
            r.family("web")
                .cpu("512")
                .memory("1024")
                .containerDefinitions(
                    ContainerDefinition.builder()
                        .name("web")
                        .image("nginx:1.28")
                        .essential(true)
                        .build(),
                    ContainerDefinition.builder()
                        .name("sidecar")
                        .image("busybox:1.36")
                        .essential(false)
                        .command("sh", "-c", "sleep 3600")
                        .build())
                .tags(tag("tier", "frontend")));
    ecs.deregisterTaskDefinition(r -> r.taskDefinition("web:2"));
    String web1Arn =
        ecs.describeTaskDefinition(r -> r.taskDefinition("web:1"))
            .taskDefinition()
            .taskDefinitionArn();
    for (int i = 0; i < TAG_OPERATIONS; i++) {
      int n = i;
      if (i % 5 == 4) {
        ecs.untagResource(r -> r.resourceArn(web1Arn).tagKeys("t" + (n % 20)));
      } else {
        ecs.tagResource(r -> r.resourceArn(web1Arn).tags(tag("t" + (n % 20), "v" + n)));
      }
    }

    ecs.registerTaskDefinition(
        r ->
            r.family("worker")
                .tags(tag("kind", "queue"))
                .containerDefinitions(
                    c -> c.name("worker").image("busybox:1.36").memory(64).command("sleep", "60")));
    ecs.deregisterTaskDefinition(r -> r.taskDefinition("worker:1"));

    register(
        ecs,
        "batch",
        ContainerDefinition.builder().name("job").image("busybox:1.36").memory(32).build());
    register(
        ecs,
        "batch",
        ContainerDefinition.builder().name("job").image("busybox:1.37").memory(32).build());
    ecs.deregisterTaskDefinition(r -> r.taskDefinition("batch:1"));
    ecs.deleteTaskDefinitions(r -> r.taskDefinitions("batch:1"));
  }

  private static void register(EcsClient ecs, String family, ContainerDefinition container) {
    ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(container));
  }

  // ---- what a client sees: every describe and list, keyed by the call ----

  private static Map<String, SdkPojo> observe(EcsClient ecs) {
    Map<String, SdkPojo> out = new LinkedHashMap<>();
    List<String> named = List.of("alpha", "beta", "gamma", "busy", "never-created");
    out.put(
        "DescribeClusters(named, all fields)",
        ecs.describeClusters(
            r ->
                r.clusters(named)
                    .include(ClusterField.TAGS, ClusterField.SETTINGS, ClusterField.STATISTICS)));
    out.put("DescribeClusters(named)", ecs.describeClusters(r -> r.clusters(named)));
    List<String> bulk = IntStream.range(0, BULK_CLUSTERS).mapToObj("bulk-%03d"::formatted).toList();
    out.put(
        "DescribeClusters(bulk)",
        ecs.describeClusters(r -> r.clusters(bulk).include(ClusterField.TAGS)));

    pages(
        out,
        "ListClusters",
        null,
        token -> ecs.listClusters(r -> r.nextToken(token)),
        ListClustersResponse::nextToken);
    pages(
        out,
        "ListClusters(maxResults 7)",
        null,
        token -> ecs.listClusters(r -> r.maxResults(7).nextToken(token)),
        ListClustersResponse::nextToken);

    for (String td :
        List.of("web:1", "web:2", "web:3", "web", "worker:1", "batch:1", "batch:2", "batch")) {
      out.put(
          "DescribeTaskDefinition(" + td + ")",
          ecs.describeTaskDefinition(r -> r.taskDefinition(td).include(TaskDefinitionField.TAGS)));
    }
    for (TaskDefinitionStatus status :
        List.of(
            TaskDefinitionStatus.ACTIVE,
            TaskDefinitionStatus.INACTIVE,
            TaskDefinitionStatus.DELETE_IN_PROGRESS)) {
      out.put(
          "ListTaskDefinitions(" + status + ")", ecs.listTaskDefinitions(r -> r.status(status)));
    }
    out.put(
        "ListTaskDefinitions(web, DESC)",
        ecs.listTaskDefinitions(r -> r.familyPrefix("web").sort(SortOrder.DESC)));
    pages(
        out,
        "ListTaskDefinitions(maxResults 2)",
        null,
        token -> ecs.listTaskDefinitions(r -> r.maxResults(2).nextToken(token)),
        ListTaskDefinitionsResponse::nextToken);
    for (TaskDefinitionFamilyStatus status :
        List.of(
            TaskDefinitionFamilyStatus.ACTIVE,
            TaskDefinitionFamilyStatus.INACTIVE,
            TaskDefinitionFamilyStatus.ALL)) {
      out.put(
          "ListTaskDefinitionFamilies(" + status + ")",
          ecs.listTaskDefinitionFamilies(r -> r.status(status)));
    }

    Map<String, Cluster> clusters =
        ecs.describeClusters(r -> r.clusters("alpha", "busy", "gamma")).clusters().stream()
            .collect(Collectors.toMap(Cluster::clusterName, Function.identity()));
    for (String name : List.of("alpha", "busy", "gamma")) {
      out.put(
          "ListTagsForResource(" + name + ")",
          ecs.listTagsForResource(r -> r.resourceArn(clusters.get(name).clusterArn())));
    }
    for (String td : List.of("web:1", "web:3", "worker:1")) {
      String arn =
          ecs.describeTaskDefinition(r -> r.taskDefinition(td))
              .taskDefinition()
              .taskDefinitionArn();
      out.put("ListTagsForResource(" + td + ")", ecs.listTagsForResource(r -> r.resourceArn(arn)));
    }
    return out;
  }

  private static <R extends SdkPojo> void pages(
      Map<String, SdkPojo> out,
      String call,
      String firstToken,
      Function<String, R> fetch,
      Function<R, String> nextToken) {
    String token = firstToken;
    int page = 1;
    do {
      R response = fetch.apply(token);
      out.put(call + " page " + page++, response);
      token = nextToken.apply(response);
    } while (token != null && page < 50);
  }

  // ---- after the restart ----

  private static void writesGoOn(EcsClient ecs, Map<String, SdkPojo> before) {
    int web =
        ecs.registerTaskDefinition(
                r ->
                    r.family("web")
                        .containerDefinitions(c -> c.name("web").image("nginx:1.29").memory(128)))
            .taskDefinition()
            .revision();
    assertEquals(4, web, "the next revision of web");
    int batch =
        ecs.registerTaskDefinition(
                r ->
                    r.family("batch")
                        .containerDefinitions(c -> c.name("job").image("busybox:1.37").memory(32)))
            .taskDefinition()
            .revision();
    assertEquals(3, batch, "the next revision of batch");
    assertEquals(
        4, ecs.describeTaskDefinition(r -> r.taskDefinition("web")).taskDefinition().revision());

    ecs.createCluster(r -> r.clusterName("delta"));
    Cluster gamma = ecs.createCluster(r -> r.clusterName("gamma")).cluster();
    assertEquals("ACTIVE", gamma.status());
    String busyArn = EcsClients.clusterArn(ecs, "busy");
    ecs.tagResource(r -> r.resourceArn(busyArn).tags(tag("after", "restart")));
    List<Tag> busyTags = ecs.listTagsForResource(r -> r.resourceArn(busyArn)).tags();
    List<Tag> busyBefore =
        ((software.amazon.awssdk.services.ecs.model.ListTagsForResourceResponse)
                before.get("ListTagsForResource(busy)"))
            .tags();
    List<Tag> expected = new ArrayList<>(busyBefore);
    expected.add(tag("after", "restart"));
    assertEquals(expected, busyTags);

    List<String> arns = EcsClients.allClusterArns(ecs);
    assertEquals(
        BULK_CLUSTERS + 5,
        arns.size(),
        "alpha, beta, busy, delta, gamma and the bulk clusters: " + arns);
    assertTrue(
        arns.stream().anyMatch(a -> a.endsWith("/delta"))
            && arns.stream().anyMatch(a -> a.endsWith("/gamma")));
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
