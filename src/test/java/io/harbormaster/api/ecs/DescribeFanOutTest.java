package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.Rejection;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.EntityLaunchPorts;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.Service;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.service.ServiceReconciler.Throttle;
import io.harbormaster.task.Task;
import io.harbormaster.testing.OneNodeCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every Describe* and List* fan-out treats an entity alike: one that answers that it does not exist
 * is MISSING (or left out of a list), one that does not answer at all fails the call with a
 * ServerException, never MISSING, never dropped, never shown with a made-up 0. The handlers run
 * against hand-written stand-ins of the entities behind real sharding on a one-node cluster; a
 * stand-in named "silent" (or a placement of a cluster named "quiet") never answers, one named
 * "gone" answers that it does not exist.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class DescribeFanOutTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("DescribeFanOutTest")
          .withCustomConfig(OneNodeCluster.config())
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "123456789012";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private ClusterHandlers clusters;
  private ServiceHandlers services;
  private TaskHandlers tasks;
  private InstanceHandlers instances;

  @BeforeAll
  void startOneNodeClusterWithStandIns() {
    var system = testKit.system();
    OneNodeCluster.join(system);
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(Cluster.ENTITY_KEY, ctx -> cluster(lastPart(ctx.getEntityId()))));
    sharding.init(
        Entity.of(ClusterPlacement.ENTITY_KEY, ctx -> placement(lastPart(ctx.getEntityId()))));
    sharding.init(Entity.of(Service.ENTITY_KEY, ctx -> service(ctx.getEntityId())));
    sharding.init(Entity.of(Task.ENTITY_KEY, ctx -> task(lastPart(ctx.getEntityId()))));
    sharding.init(
        Entity.of(
            ContainerInstance.ENTITY_KEY, ctx -> containerInstance(lastPart(ctx.getEntityId()))));
    Entities entities = new Entities(system, Duration.ofSeconds(1), Clock.systemUTC());
    EcsPaging paging = new EcsPaging(new byte[32]);
    instances = new InstanceHandlers(entities, paging);
    clusters = new ClusterHandlers(entities, paging);
    services = new ServiceHandlers(entities, paging, instances);
    tasks =
        new TaskHandlers(
            entities,
            paging,
            instances,
            new TaskLauncher(new EntityLaunchPorts(entities), Clock.systemUTC()));
  }

  // ---- DescribeClusters ----

  @Test
  void describeClustersShowsAClusterThatDoesNotExistAsMissing() {
    JsonNode out =
        answer(clusters.describeClusters(ctx(), json("{\"clusters\":[\"calm\",\"gone\"]}")));
    assertEquals(List.of("calm"), names(out.path("clusters"), "clusterName"));
    assertEquals(List.of("MISSING"), names(out.path("failures"), "reason"));
  }

  @Test
  void describeClustersFailsWhenAClusterDoesNotAnswer() {
    assertServerError(
        clusters.describeClusters(ctx(), json("{\"clusters\":[\"calm\",\"silent\"]}")));
  }

  @Test
  void describeClustersFailsWhenTheTaskCountsCannotBeRead() {
    // not runningTasksCount 0
    assertServerError(
        clusters.describeClusters(
            ctx(), json("{\"clusters\":[\"quiet\"],\"include\":[\"STATISTICS\"]}")));
  }

  // ---- DescribeServices, ListServices ----

  @Test
  void describeServicesShowsAServiceThatDoesNotExistAsMissing() {
    JsonNode out =
        answer(
            services.describeServices(
                ctx(), json("{\"cluster\":\"calm\",\"services\":[\"web\",\"gone\"]}")));
    assertEquals(List.of("web"), names(out.path("services"), "serviceName"));
    assertEquals(List.of("MISSING"), names(out.path("failures"), "reason"));
  }

  @Test
  void describeServicesFailsWhenAServiceDoesNotAnswer() {
    assertServerError(
        services.describeServices(
            ctx(), json("{\"cluster\":\"calm\",\"services\":[\"web\",\"silent\"]}")));
  }

  @Test
  void describeServicesFailsWhenADaemonsDesiredCountCannotBeRead() {
    // not desiredCount 0
    assertServerError(
        services.describeServices(
            ctx(), json("{\"cluster\":\"quiet\",\"services\":[\"daemon\"]}")));
  }

  @Test
  void listServicesLeavesOutAServiceThatDoesNotExist() {
    JsonNode out =
        answer(
            services.listServices(
                ctx(), json("{\"cluster\":\"calm\",\"schedulingStrategy\":\"REPLICA\"}")));
    assertEquals(
        List.of("arn:aws:ecs:us-east-1:123456789012:service/calm/web"),
        texts(out.path("serviceArns")));
  }

  @Test
  void listServicesFailsWhenAServiceItFiltersDoesNotAnswer() {
    // not silently left out of the list
    assertServerError(
        services.listServices(
            ctx(), json("{\"cluster\":\"busy\",\"schedulingStrategy\":\"REPLICA\"}")));
  }

  // ---- DescribeTasks ----

  @Test
  void describeTasksShowsATaskThatDoesNotExistAsMissing() {
    JsonNode out =
        answer(tasks.describeTasks(ctx(), json("{\"cluster\":\"calm\",\"tasks\":[\"gone\"]}")));
    assertEquals(0, out.path("tasks").size());
    assertEquals(List.of("MISSING"), names(out.path("failures"), "reason"));
  }

  @Test
  void describeTasksFailsWhenATaskDoesNotAnswer() {
    assertServerError(
        tasks.describeTasks(ctx(), json("{\"cluster\":\"calm\",\"tasks\":[\"gone\",\"silent\"]}")));
  }

  // ---- DescribeContainerInstances ----

  @Test
  void describeContainerInstancesShowsAnInstanceThatDoesNotExistAsMissing() {
    JsonNode out =
        answer(
            instances.describeInstances(
                ctx(), json("{\"cluster\":\"calm\",\"containerInstances\":[\"gone\"]}")));
    assertEquals(0, out.path("containerInstances").size());
    assertEquals(List.of("MISSING"), names(out.path("failures"), "reason"));
    assertEquals(
        List.of("arn:aws:ecs:us-east-1:123456789012:container-instance/calm/gone"),
        names(out.path("failures"), "arn"));
  }

  @Test
  void describeContainerInstancesFailsWhenAnInstanceDoesNotAnswer() {
    assertServerError(
        instances.describeInstances(
            ctx(), json("{\"cluster\":\"calm\",\"containerInstances\":[\"gone\",\"silent\"]}")));
  }

  // ---- the stand-ins ----

  /**
   * Clusters calm and quiet (each with services web, daemon and gone) and busy (web and silent).
   */
  private static Behavior<Cluster.Command> cluster(String name) {
    return Behaviors.receive(Cluster.Command.class)
        .onMessage(
            Cluster.Get.class,
            m -> {
              if (name.equals("silent")) return Behaviors.same();
              if (name.equals("gone")) {
                m.replyTo()
                    .tell(Rejection.reply(ErrorType.CLUSTER_NOT_FOUND, "Cluster not found."));
              } else {
                TreeSet<String> members =
                    new TreeSet<>(
                        name.equals("busy")
                            ? List.of("web", "silent")
                            : List.of("web", "daemon", "gone"));
                m.replyTo()
                    .tell(
                        StatusReply.success(
                            new Cluster.ClusterInfo(
                                ACCOUNT,
                                new Cluster.ClusterSpec(
                                    name, List.of(), null, null, List.of(), null, List.of()),
                                Cluster.Status.ACTIVE,
                                AT,
                                new TreeSet<>(),
                                members)));
              }
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<ClusterPlacement.Command> placement(String clusterName) {
    return Behaviors.receive(ClusterPlacement.Command.class)
        .onMessage(
            ClusterPlacement.GetInstances.class,
            m -> {
              if (!clusterName.equals("quiet"))
                m.replyTo().tell(new ClusterPlacement.Instances(List.of()));
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<Service.Command> service(String entityId) {
    String[] parts = entityId.split("/");
    String clusterName = parts[1];
    String name = parts[2];
    return Behaviors.receive(Service.Command.class)
        .onMessage(
            Service.Get.class,
            m -> {
              switch (name) {
                case "silent" -> {}
                case "gone" ->
                    m.replyTo()
                        .tell(Rejection.reply(ErrorType.SERVICE_NOT_FOUND, "Service not found."));
                default -> m.replyTo().tell(StatusReply.success(serviceView(clusterName, name)));
              }
              return Behaviors.same();
            })
        .build();
  }

  private static Service.ServiceView serviceView(String clusterName, String name) {
    String td = "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task-definition/web:1";
    SchedulingStrategy scheduling =
        name.equals("daemon") ? SchedulingStrategy.DAEMON : SchedulingStrategy.REPLICA;
    var spec =
        new Service.ServiceSpec(
            name,
            td,
            1,
            scheduling,
            "EC2",
            new Service.DeploymentSettings(100, 200, false, false),
            List.of(),
            List.of(),
            null,
            List.of());
    var deployment =
        new Deployment(
            "ecs-svc/1", DeploymentStatus.PRIMARY, td, RolloutState.COMPLETED, null, 0, AT, AT);
    return new Service.ServiceView(
        ACCOUNT,
        clusterName,
        spec,
        Service.ServiceStatus.ACTIVE,
        AT,
        List.of(deployment),
        new TreeMap<>(),
        Throttle.NONE,
        true,
        List.of(),
        1);
  }

  private static Behavior<Task.Command> task(String taskId) {
    return Behaviors.receive(Task.Command.class)
        .onMessage(
            Task.Get.class,
            m -> {
              if (taskId.equals("gone")) {
                m.replyTo()
                    .tell(
                        Rejection.reply(
                            ErrorType.INVALID_PARAMETER, "The referenced task was not found."));
              }
              return Behaviors.same();
            })
        .build();
  }

  /** An instance named "gone" answers that it does not exist; the others never answer. */
  private static Behavior<ContainerInstance.Command> containerInstance(String instanceId) {
    return Behaviors.receive(ContainerInstance.Command.class)
        .onMessage(
            ContainerInstance.Get.class,
            m -> {
              if (instanceId.equals("gone")) {
                m.replyTo()
                    .tell(
                        Rejection.reply(
                            ErrorType.INVALID_PARAMETER,
                            "The referenced container instance was not found."));
              }
              return Behaviors.same();
            })
        .build();
  }

  // ---- helpers ----

  private static String lastPart(String entityId) {
    return entityId.substring(entityId.lastIndexOf('/') + 1);
  }

  private static RequestContext ctx() {
    return new RequestContext(ACCOUNT, "us-east-1", "request-1", AT);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode answer(CompletionStage<JsonNode> call) {
    try {
      return call.toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call failed", e);
    }
  }

  private static void assertServerError(CompletionStage<JsonNode> call) {
    try {
      JsonNode out = call.toCompletableFuture().get(15, TimeUnit.SECONDS);
      fail("expected a ServerException, got " + out);
    } catch (ExecutionException e) {
      EcsException error = Entities.asEcsException(e.getCause());
      assertEquals("ServerException", error.errorType(), error::toString);
      assertEquals(500, error.httpStatus());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> names(JsonNode array, String member) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(member).asText()));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
