package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The service operations through the real AWS SDK v2 and CLI v2, against one server process and a
 * real Cassandra: create, describe, list, update, delete, tags, the errors ECS gives, and the
 * services-stable / services-inactive waiters. No container instance takes part: these services run
 * no tasks (ServiceSchedulingIT runs them on Docker).
 */
class ServiceApiIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static ServerProcess.Credentials account;
  private static EcsClient ecs;
  private static String cluster;
  private static String td1;
  private static String td2;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.startFirst("service-api");
    account = SignedHttp.createAccount(server, "service-api-" + RUN);
    ecs = EcsClients.sync(server, account, serverErrors);
    cluster = "svc-" + RUN;
    ecs.createCluster(r -> r.clusterName(cluster));
    td1 = register("web-" + RUN);
    td2 = register("web-" + RUN);
  }

  @AfterAll
  static void stop() throws Exception {
    if (ecs != null) ecs.close();
    if (server != null) server.close();
  }

  @AfterEach
  void noServerErrors() {
    serverErrors.assertNone();
  }

  private static String register(String family) {
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("web")
                            .image("busybox")
                            .memory(32)
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String serviceArn(String clusterName, String name) {
    return "arn:aws:ecs:us-east-1:" + account.accountId() + ":service/" + clusterName + "/" + name;
  }

  private static software.amazon.awssdk.services.ecs.model.Service create(
      String name, int desired) {
    return ecs.createService(
            r -> r.cluster(cluster).serviceName(name).taskDefinition(td1).desiredCount(desired))
        .service();
  }

  private static software.amazon.awssdk.services.ecs.model.Service describe(String name) {
    return ecs.describeServices(r -> r.cluster(cluster).services(name).include(ServiceField.TAGS))
        .services()
        .get(0);
  }

  private static List<String> listAll(String clusterName) {
    List<String> arns = new ArrayList<>();
    ecs.listServicesPaginator(r -> r.cluster(clusterName).maxResults(2))
        .serviceArns()
        .forEach(arns::add);
    return arns;
  }

  // ---- create, describe, list ----

  @Test
  void aCreatedServiceIsDescribedAsEcsShowsIt() {
    String name = unique("web");

    var created =
        ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(name)
                        .taskDefinition("web-" + RUN + ":1")
                        .desiredCount(0)
                        .healthCheckGracePeriodSeconds(30)
                        .deploymentConfiguration(
                            c ->
                                c.minimumHealthyPercent(50)
                                    .maximumPercent(150)
                                    .deploymentCircuitBreaker(b -> b.enable(true).rollback(true)))
                        .placementConstraints(
                            c -> c.type("memberOf").expression("attribute:ecs.os-type == linux"))
                        .placementStrategy(
                            s -> s.type(PlacementStrategyType.SPREAD).field("instanceId"))
                        .tags(Tag.builder().key("team").value("web").build()))
            .service();

    assertEquals(serviceArn(cluster, name), created.serviceArn());
    assertEquals(name, created.serviceName());
    assertEquals(
        "arn:aws:ecs:us-east-1:" + account.accountId() + ":cluster/" + cluster,
        created.clusterArn());
    assertEquals("ACTIVE", created.status());
    assertEquals(0, created.desiredCount());
    assertEquals(0, created.runningCount());
    assertEquals(0, created.pendingCount());
    assertEquals("EC2", created.launchTypeAsString());
    assertEquals(SchedulingStrategy.REPLICA, created.schedulingStrategy());
    assertEquals(td1, created.taskDefinition());
    assertEquals(30, created.healthCheckGracePeriodSeconds());
    assertEquals(50, created.deploymentConfiguration().minimumHealthyPercent());
    assertEquals(150, created.deploymentConfiguration().maximumPercent());
    assertTrue(created.deploymentConfiguration().deploymentCircuitBreaker().enable());
    assertTrue(created.deploymentConfiguration().deploymentCircuitBreaker().rollback());
    assertEquals("memberOf", created.placementConstraints().get(0).typeAsString());
    assertEquals("instanceId", created.placementStrategy().get(0).field());
    assertEquals(1, created.deployments().size());
    Deployment primary = created.deployments().get(0);
    assertEquals("PRIMARY", primary.status());
    assertTrue(primary.id().matches("ecs-svc/\\d{19}"), primary.id());
    assertEquals(td1, primary.taskDefinition());
    assertEquals("IN_PROGRESS", primary.rolloutStateAsString());
    assertNotNull(primary.createdAt());
    assertNotNull(created.createdAt());

    var described =
        ecs.describeServices(
            r ->
                r.cluster(cluster)
                    .services(name, serviceArn(cluster, name), "missing-" + name)
                    .include(ServiceField.TAGS));
    assertEquals(2, described.services().size());
    assertEquals(created.serviceArn(), described.services().get(1).serviceArn());
    assertEquals(
        List.of(Tag.builder().key("team").value("web").build()),
        described.services().get(0).tags());
    assertEquals(1, described.failures().size());
    assertEquals(serviceArn(cluster, "missing-" + name), described.failures().get(0).arn());
    assertEquals("MISSING", described.failures().get(0).reason());
    assertTrue(
        ecs.describeServices(r -> r.cluster(cluster).services(name))
            .services()
            .get(0)
            .tags()
            .isEmpty(),
        "tags only with include TAGS");
  }

  @Test
  void listServicesPagesAndFilters() {
    String listed = "list-" + RUN;
    ecs.createCluster(r -> r.clusterName(listed));
    List<String> names = List.of("e", "a", "d", "b", "c");
    for (String n : names) {
      ecs.createService(r -> r.cluster(listed).serviceName(n).taskDefinition(td1).desiredCount(0));
    }
    ecs.createService(
        r ->
            r.cluster(listed)
                .serviceName("daemon")
                .taskDefinition(td1)
                .schedulingStrategy(SchedulingStrategy.DAEMON));

    assertEquals(
        List.of("a", "b", "c", "d", "daemon", "e").stream()
            .map(n -> serviceArn(listed, n))
            .toList(),
        listAll(listed));
    var firstPage = ecs.listServices(r -> r.cluster(listed).maxResults(2));
    assertEquals(2, firstPage.serviceArns().size());
    assertNotNull(firstPage.nextToken());
    assertEquals(
        List.of(serviceArn(listed, "daemon")),
        ecs.listServices(r -> r.cluster(listed).schedulingStrategy(SchedulingStrategy.DAEMON))
            .serviceArns());
    assertEquals(
        6, ecs.describeClusters(r -> r.clusters(listed)).clusters().get(0).activeServicesCount());
    assertThrows(
        ClusterContainsServicesException.class, () -> ecs.deleteCluster(r -> r.cluster(listed)));
  }

  // ---- update ----

  @Test
  void updatingTheTaskDefinitionStartsANewPrimaryDeploymentAndKeepsTheOldOneActive() {
    String name = unique("roll");
    String first = create(name, 0).deployments().get(0).id();

    var updated =
        ecs.updateService(
                r ->
                    r.cluster(cluster)
                        .service(name)
                        .taskDefinition(td2)
                        .desiredCount(3)
                        .deploymentConfiguration(c -> c.maximumPercent(120)))
            .service();

    assertEquals(td2, updated.taskDefinition());
    assertEquals(3, updated.desiredCount());
    assertEquals(120, updated.deploymentConfiguration().maximumPercent());
    assertEquals(
        100, updated.deploymentConfiguration().minimumHealthyPercent(), "members left out stay");
    assertEquals(2, updated.deployments().size());
    assertEquals("PRIMARY", updated.deployments().get(0).status());
    assertEquals(td2, updated.deployments().get(0).taskDefinition());
    assertEquals(3, updated.deployments().get(0).desiredCount());
    assertEquals("ACTIVE", updated.deployments().get(1).status());
    assertEquals(first, updated.deployments().get(1).id());

    var forced =
        ecs.updateService(
                r ->
                    r.cluster(cluster)
                        .service(serviceArn(cluster, name))
                        .desiredCount(0)
                        .forceNewDeployment(true))
            .service();
    // The first deployment may already be drained (it had no tasks) and INACTIVE, so no longer
    // shown.
    assertTrue(
        List.of(2, 3).contains(forced.deployments().size()), forced.deployments().toString());
    assertEquals("PRIMARY", forced.deployments().get(0).status());
    assertEquals(td2, forced.deployments().get(0).taskDefinition());
    assertEquals(updated.deployments().get(0).id(), forced.deployments().get(1).id());
    assertEquals("ACTIVE", forced.deployments().get(1).status());
    assertFalse(forced.deployments().get(0).id().equals(updated.deployments().get(0).id()));
  }

  // ---- delete and the waiters ----

  @Test
  void deleteNeedsForceWhileScaledAboveZeroAndAnInactiveServiceIsNoLongerListed() {
    String name = unique("gone");
    create(name, 2);

    InvalidParameterException refused =
        assertThrows(
            InvalidParameterException.class,
            () -> ecs.deleteService(r -> r.cluster(cluster).service(name)));
    assertEquals(
        "The service cannot be stopped while it is scaled above 0.",
        refused.awsErrorDetails().errorMessage());

    var deleted = ecs.deleteService(r -> r.cluster(cluster).service(name).force(true)).service();
    assertTrue(List.of("DRAINING", "INACTIVE").contains(deleted.status()), deleted.status());
    ecs.waiter()
        .waitUntilServicesInactive(
            r -> r.cluster(cluster).services(name), o -> o.waitTimeout(Duration.ofMinutes(2)));
    assertEquals("INACTIVE", describe(name).status());
    Await.until(
        "the cluster to forget " + name,
        Duration.ofSeconds(30),
        () -> listAll(cluster),
        arns -> !arns.contains(serviceArn(cluster, name)));
    assertThrows(
        ServiceNotActiveException.class,
        () -> ecs.updateService(r -> r.cluster(cluster).service(name).desiredCount(1)));

    var again = create(name, 0);
    assertEquals("ACTIVE", again.status());
    assertEquals(1, again.deployments().size());
  }

  @Test
  void aServiceWithNothingToRunIsStableForTheSdkWaiter() {
    String name = unique("stable");
    create(name, 0);

    var outcome =
        ecs.waiter()
            .waitUntilServicesStable(
                r -> r.cluster(cluster).services(name), o -> o.waitTimeout(Duration.ofMinutes(2)));

    DescribeServicesResponse response = outcome.matched().response().orElseThrow();
    assertEquals(1, response.services().get(0).deployments().size());
  }

  @Test
  void theCliCreatesDescribesWaitsAndDeletes() {
    AwsCli aws = cli();
    String name = unique("cli");

    JsonNode created =
        aws.run(
                "ecs",
                "create-service",
                "--cluster",
                cluster,
                "--service-name",
                name,
                "--task-definition",
                td1,
                "--desired-count",
                "0",
                "--tags",
                "key=env,value=test")
            .orFail()
            .get("service");
    assertEquals(serviceArn(cluster, name), created.get("serviceArn").asText());
    assertEquals("ACTIVE", created.get("status").asText());

    aws.run("ecs", "wait", "services-stable", "--cluster", cluster, "--services", name).orFail();

    JsonNode described =
        aws.run(
                "ecs",
                "describe-services",
                "--cluster",
                cluster,
                "--services",
                name,
                "--include",
                "TAGS")
            .orFail()
            .get("services")
            .get(0);
    assertEquals("env", described.get("tags").get(0).get("key").asText());
    assertEquals(1, described.get("deployments").size());
    assertTrue(
        aws.run("ecs", "list-services", "--cluster", cluster)
            .orFail()
            .get("serviceArns")
            .toString()
            .contains(serviceArn(cluster, name)));

    JsonNode deleted =
        aws.run("ecs", "delete-service", "--cluster", cluster, "--service", name)
            .orFail()
            .get("service");
    assertTrue(List.of("DRAINING", "INACTIVE").contains(deleted.get("status").asText()));
    aws.run("ecs", "wait", "services-inactive", "--cluster", cluster, "--services", name).orFail();
  }

  private static AwsCli cli() {
    var found = AwsCli.v2();
    Assumptions.assumeTrue(found.isPresent(), "no AWS CLI v2 on this machine");
    return found
        .get()
        .endpoint(server.endpoint())
        .credentials(account.accessKeyId(), account.secretAccessKey());
  }

  // ---- tags ----

  @Test
  void tagsOfAServiceAreChangedThroughItsArn() {
    String name = unique("tags");
    create(name, 0);
    String arn = serviceArn(cluster, name);

    ecs.tagResource(
        r ->
            r.resourceArn(arn)
                .tags(
                    Tag.builder().key("a").value("1").build(),
                    Tag.builder().key("b").value("2").build()));
    ecs.untagResource(r -> r.resourceArn(arn).tagKeys("a"));

    Map<String, String> tags =
        ecs.listTagsForResource(r -> r.resourceArn(arn)).tags().stream()
            .collect(Collectors.toMap(Tag::key, Tag::value));
    assertEquals(Map.of("b", "2"), tags);
    assertEquals(List.of(Tag.builder().key("b").value("2").build()), describe(name).tags());
  }

  // ---- errors ----

  @Test
  void mistakesAreRefusedWithTheErrorsEcsGives() {
    String name = unique("bad");
    assertThrows(
        ClusterNotFoundException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster("no-such-" + RUN)
                        .serviceName(name)
                        .taskDefinition(td1)
                        .desiredCount(0)));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName("not a name!")
                        .taskDefinition(td1)
                        .desiredCount(0)));
    assertThrows(
        ClientException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(name)
                        .taskDefinition("no-such-family-" + RUN)
                        .desiredCount(0)));
    assertThrows(
        InvalidParameterException.class,
        () -> ecs.createService(r -> r.cluster(cluster).serviceName(name).taskDefinition(td1)),
        "REPLICA needs a desired count");
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(name)
                        .taskDefinition(td1)
                        .schedulingStrategy(SchedulingStrategy.DAEMON)
                        .placementStrategy(
                            s -> s.type(PlacementStrategyType.BINPACK).field("memory"))));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(name)
                        .taskDefinition(td1)
                        .desiredCount(1)
                        .deploymentConfiguration(c -> c.maximumPercent(50))));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(name)
                        .taskDefinition(td1)
                        .desiredCount(1)
                        .placementConstraints(
                            c -> c.type("memberOf").expression("attribute:ecs.os-type =="))));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                CreateServiceRequest.builder()
                    .cluster(cluster)
                    .serviceName(name)
                    .taskDefinition(td1)
                    .desiredCount(1)
                    .launchType("FARGATE")
                    .build()));
    assertThrows(
        ServiceNotFoundException.class,
        () ->
            ecs.updateService(r -> r.cluster(cluster).service("missing-" + name).desiredCount(1)));
    assertThrows(
        ServiceNotFoundException.class,
        () -> ecs.deleteService(r -> r.cluster(cluster).service("missing-" + name)));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.describeServices(
                r ->
                    r.cluster(cluster)
                        .services("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")));

    create(name, 0);
    InvalidParameterException twice =
        assertThrows(InvalidParameterException.class, () -> create(name, 0));
    assertEquals("Creation of service was not idempotent.", twice.awsErrorDetails().errorMessage());
  }
}
