package io.harbormaster.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ClusterContainsContainerInstancesException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container instances through the SDK, with one real agent on Docker: resources, draining,
 * attributes and memberOf placement, filters, StartTask, API-only registration, deregistration and
 * cluster deletion.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerInstanceIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;
  private String instanceArn;
  private String loopTd;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("instances");
    ecs = docker.ecs();
    cluster = docker.cluster();
    instanceArn =
        ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().get(0);
    loopTd =
        ecs.registerTaskDefinition(
                r ->
                    r.family("inst-loop-" + UUID.randomUUID().toString().substring(0, 6))
                        .networkMode(NetworkMode.HOST)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .cpu(256)
                                .memory(64)
                                .command("sh", "-c", LOOP)
                                .stopTimeout(2)
                                .dockerLabels(SharedDocker.testLabels())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  // ---- helpers ----

  private ContainerInstance instance() {
    return ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(instanceArn))
        .containerInstances()
        .get(0);
  }

  private static int remaining(ContainerInstance instance, String name) {
    return instance.remainingResources().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow()
        .integerValue();
  }

  private Task describe(String taskArn) {
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
  }

  private String runLoop(PlacementConstraint... constraints) {
    RunTaskResponse run =
        ecs.runTask(
            r -> r.cluster(cluster).taskDefinition(loopTd).placementConstraints(constraints));
    assertTrue(run.failures().isEmpty(), run.failures().toString());
    return run.tasks().get(0).taskArn();
  }

  private void stopAndWait(String taskArn) {
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
    ecs.waiter()
        .waitUntilTasksStopped(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
  }

  private void awaitRunning(String taskArn) {
    ecs.waiter()
        .waitUntilTasksRunning(
            r -> r.cluster(cluster).tasks(taskArn), o -> o.waitTimeout(Duration.ofMinutes(2)));
  }

  private static PlacementConstraint memberOf(String expression) {
    return PlacementConstraint.builder()
        .type(PlacementConstraintType.MEMBER_OF)
        .expression(expression)
        .build();
  }

  // ---- tests ----

  @Test
  @Order(1)
  void remainingResourcesShrinkWhileATaskRuns() {
    ContainerInstance before = instance();
    assertTrue(before.agentConnected());
    int cpu = remaining(before, "CPU");
    int memory = remaining(before, "MEMORY");
    String taskArn = runLoop();
    awaitRunning(taskArn);
    ContainerInstance during = instance();
    assertEquals(cpu - 256, remaining(during, "CPU"));
    assertEquals(memory - 64, remaining(during, "MEMORY"));
    assertEquals(1, during.runningTasksCount());
    stopAndWait(taskArn);
    ContainerInstance after =
        Await.until(
            "resources back",
            Duration.ofSeconds(30),
            this::instance,
            i -> remaining(i, "MEMORY") == memory);
    assertEquals(cpu, remaining(after, "CPU"));
    assertEquals(0, after.runningTasksCount());
  }

  @Test
  @Order(2)
  void aDrainingInstanceGetsNoNewTasks() {
    try {
      ContainerInstance draining =
          ecs.updateContainerInstancesState(
                  r ->
                      r.cluster(cluster)
                          .containerInstances(instanceArn)
                          .status(ContainerInstanceStatus.DRAINING))
              .containerInstances()
              .get(0);
      assertEquals("DRAINING", draining.status());
      assertEquals(
          List.of(instanceArn),
          ecs.listContainerInstances(
                  r -> r.cluster(cluster).status(ContainerInstanceStatus.DRAINING))
              .containerInstanceArns());
      assertEquals(
          List.of(),
          ecs.listContainerInstances(r -> r.cluster(cluster).status(ContainerInstanceStatus.ACTIVE))
              .containerInstanceArns());
      RunTaskResponse refused = ecs.runTask(r -> r.cluster(cluster).taskDefinition(loopTd));
      assertTrue(refused.tasks().isEmpty());
      assertFalse(refused.failures().isEmpty());
      assertEquals(instanceArn, refused.failures().get(0).arn());
      assertEquals("DRAINING", refused.failures().get(0).reason());
    } finally {
      ecs.updateContainerInstancesState(
          r ->
              r.cluster(cluster)
                  .containerInstances(instanceArn)
                  .status(ContainerInstanceStatus.ACTIVE));
    }
    assertEquals("ACTIVE", instance().status());
    String taskArn = runLoop();
    assertEquals(instanceArn, describe(taskArn).containerInstanceArn());
    stopAndWait(taskArn);
  }

  @Test
  @Order(3)
  void memberOfPlacesOnlyWhereTheAttributeMatches() {
    ecs.putAttributes(
        r ->
            r.cluster(cluster)
                .attributes(
                    Attribute.builder()
                        .name("stack")
                        .value("blue")
                        .targetType("container-instance")
                        .targetId(instanceArn)
                        .build()));
    assertTrue(
        instance().attributes().stream()
            .anyMatch(a -> a.name().equals("stack") && "blue".equals(a.value())));
    List<Attribute> listed =
        ecs.listAttributes(
                r -> r.cluster(cluster).targetType("container-instance").attributeName("stack"))
            .attributes();
    assertEquals(1, listed.size(), listed.toString());
    assertEquals("blue", listed.get(0).value());
    assertEquals(instanceArn, listed.get(0).targetId());

    String placed = runLoop(memberOf("attribute:stack == blue"));
    assertEquals(instanceArn, describe(placed).containerInstanceArn());
    stopAndWait(placed);

    RunTaskResponse green =
        ecs.runTask(
            r ->
                r.cluster(cluster)
                    .taskDefinition(loopTd)
                    .placementConstraints(memberOf("attribute:stack == green")));
    assertTrue(green.tasks().isEmpty());
    assertEquals("MemberOf placement constraint unsatisfied.", green.failures().get(0).reason());
    assertEquals(instanceArn, green.failures().get(0).arn());

    ecs.deleteAttributes(
        r ->
            r.cluster(cluster)
                .attributes(
                    Attribute.builder()
                        .name("stack")
                        .targetType("container-instance")
                        .targetId(instanceArn)
                        .build()));
    assertTrue(
        ecs.listAttributes(
                r -> r.cluster(cluster).targetType("container-instance").attributeName("stack"))
            .attributes()
            .isEmpty());
    assertTrue(instance().attributes().stream().noneMatch(a -> a.name().equals("stack")));
    RunTaskResponse gone =
        ecs.runTask(
            r ->
                r.cluster(cluster)
                    .taskDefinition(loopTd)
                    .placementConstraints(memberOf("attribute:stack == blue")));
    assertTrue(gone.tasks().isEmpty());
    assertEquals("MemberOf placement constraint unsatisfied.", gone.failures().get(0).reason());
  }

  @Test
  @Order(4)
  void aMalformedMemberOfExpressionIsInvalid() {
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.runTask(
                r ->
                    r.cluster(cluster)
                        .taskDefinition(loopTd)
                        .placementConstraints(memberOf("attribute:stack =="))));
  }

  @Test
  @Order(5)
  void listContainerInstancesFilters() {
    assertEquals(
        List.of(instanceArn),
        ecs.listContainerInstances(r -> r.cluster(cluster).filter("attribute:ecs.os-type == linux"))
            .containerInstanceArns());
    assertEquals(
        List.of(),
        ecs.listContainerInstances(
                r -> r.cluster(cluster).filter("attribute:ecs.os-type == windows"))
            .containerInstanceArns());
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.listContainerInstances(r -> r.cluster(cluster).filter("attribute:ecs.os-type ==")));
  }

  @Test
  @Order(6)
  void startTaskRunsOnTheNamedInstance() {
    var started =
        ecs.startTask(
            r ->
                r.cluster(cluster)
                    .taskDefinition(loopTd)
                    .containerInstances(instanceArn)
                    .startedBy("start-it"));
    assertTrue(started.failures().isEmpty(), started.failures().toString());
    String taskArn = started.tasks().get(0).taskArn();
    awaitRunning(taskArn);
    Task running = describe(taskArn);
    assertEquals(instanceArn, running.containerInstanceArn());
    assertEquals("start-it", running.startedBy());
    stopAndWait(taskArn);
  }

  @Test
  @Order(7)
  void anInstanceRegisteredThroughTheApiHasNoAgent() {
    String other = "api-only-" + UUID.randomUUID().toString().substring(0, 8);
    ecs.createCluster(r -> r.clusterName(other));
    ContainerInstance registered =
        ecs.registerContainerInstance(
                r ->
                    r.cluster(other)
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
            .containerInstance();
    assertFalse(registered.agentConnected());
    assertEquals("ACTIVE", registered.status());
    ContainerInstance described =
        ecs.describeContainerInstances(
                r -> r.cluster(other).containerInstances(registered.containerInstanceArn()))
            .containerInstances()
            .get(0);
    assertFalse(described.agentConnected());

    ClusterContainsContainerInstancesException refused =
        assertThrows(
            ClusterContainsContainerInstancesException.class,
            () -> ecs.deleteCluster(r -> r.cluster(other)));
    assertEquals(400, refused.statusCode());

    ContainerInstance gone =
        ecs.deregisterContainerInstance(
                r -> r.cluster(other).containerInstance(registered.containerInstanceArn()))
            .containerInstance();
    assertEquals("INACTIVE", gone.status());
    assertEquals("INACTIVE", ecs.deleteCluster(r -> r.cluster(other)).cluster().status());
  }

  @Test
  @Order(8)
  void aClusterWithTheAgentsInstanceCannotBeDeleted() {
    assertThrows(
        ClusterContainsContainerInstancesException.class,
        () -> ecs.deleteCluster(r -> r.cluster(cluster)));
  }

  /** Last: it takes the agent's instance away. */
  @Test
  @Order(100)
  void deregisteringAnInstanceWithTasksNeedsForce() {
    String taskArn = runLoop();
    awaitRunning(taskArn);
    InvalidParameterException refused =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.deregisterContainerInstance(
                    r -> r.cluster(cluster).containerInstance(instanceArn)));
    assertEquals(400, refused.statusCode());
    assertEquals("ACTIVE", instance().status());

    ContainerInstance forced =
        ecs.deregisterContainerInstance(
                r -> r.cluster(cluster).containerInstance(instanceArn).force(true))
            .containerInstance();
    assertEquals("INACTIVE", forced.status());
    assertEquals("INACTIVE", instance().status());
    assertTrue(
        ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns().isEmpty());
  }
}
