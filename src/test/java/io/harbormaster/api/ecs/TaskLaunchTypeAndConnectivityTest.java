package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import io.harbormaster.common.Rejection;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.EntityLaunchPorts;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskStatus;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.testing.OneNodeCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * A task shows the launch type it was run with and the connectivity of its instance's agent, as far
 * as that is known: RunTask and DescribeTasks against stand-ins of the entities behind real
 * sharding on a one-node cluster. Instance i-up has its agent connected, i-down not; i-silent does
 * not answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class TaskLaunchTypeAndConnectivityTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("TaskLaunchTypeAndConnectivityTest")
          .withCustomConfig(OneNodeCluster.config())
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "123456789012";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  /** The tasks the Task stand-ins were created with, by entity id. */
  private final Map<String, TaskView> tasks = new ConcurrentHashMap<>();

  private TaskHandlers handlers;

  @BeforeAll
  void startOneNodeClusterWithStandIns() {
    var system = testKit.system();
    OneNodeCluster.join(system);
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(Cluster.ENTITY_KEY, ctx -> cluster(lastPart(ctx.getEntityId()))));
    sharding.init(Entity.of(TaskDefinitionFamily.ENTITY_KEY, ctx -> taskDefinition()));
    sharding.init(
        Entity.of(ClusterPlacement.ENTITY_KEY, ctx -> placement(lastPart(ctx.getEntityId()))));
    sharding.init(Entity.of(Task.ENTITY_KEY, ctx -> task(ctx.getEntityId())));
    sharding.init(
        Entity.of(ContainerInstance.ENTITY_KEY, ctx -> instance(lastPart(ctx.getEntityId()))));
    Entities entities = new Entities(system, Duration.ofSeconds(1), Clock.systemUTC());
    EcsPaging paging = new EcsPaging(new byte[32]);
    handlers =
        new TaskHandlers(
            entities,
            paging,
            new InstanceHandlers(entities, paging),
            new TaskLauncher(new EntityLaunchPorts(entities), Clock.systemUTC()));
  }

  @Test
  void aTaskRunWithLaunchTypeExternalSaysSo() {
    JsonNode run =
        answer(
            handlers.runTask(
                ctx(),
                json(
                    "{\"cluster\":\"on-i-up\",\"taskDefinition\":\"web\","
                        + "\"launchType\":\"EXTERNAL\"}")));
    JsonNode task = run.path("tasks").path(0);
    assertEquals("EXTERNAL", task.path("launchType").asText());

    JsonNode described = describe("on-i-up", task.path("taskArn").asText());
    assertEquals("EXTERNAL", described.path("launchType").asText());
  }

  @Test
  void aTaskRunWithoutALaunchTypeIsEc2() {
    JsonNode run =
        answer(
            handlers.runTask(ctx(), json("{\"cluster\":\"on-i-up\",\"taskDefinition\":\"web\"}")));
    assertEquals("EC2", run.path("tasks").path(0).path("launchType").asText());
  }

  @Test
  void aTaskOnAnInstanceWhoseAgentIsConnectedIsConnected() {
    JsonNode described = describe("on-i-up", runOne("on-i-up"));
    assertEquals("CONNECTED", described.path("connectivity").asText());
    assertEquals(AT.getEpochSecond(), described.path("connectivityAt").asLong());
  }

  @Test
  void aTaskOnAnInstanceWhoseAgentIsDisconnectedIsDisconnected() {
    JsonNode described = describe("on-i-down", runOne("on-i-down"));
    assertEquals("DISCONNECTED", described.path("connectivity").asText());
  }

  @Test
  void aTaskWhoseInstanceDoesNotAnswerShowsNoConnectivityRatherThanAGuess() {
    JsonNode described = describe("on-i-silent", runOne("on-i-silent"));
    assertFalse(described.has("connectivity"), described::toString);
    assertFalse(described.has("connectivityAt"), described::toString);
    assertEquals("RUNNING", described.path("lastStatus").asText());
  }

  @Test
  void tasksInRunTasksAnswerShowNoConnectivityTheyDidNotLookUp() {
    JsonNode run =
        answer(
            handlers.runTask(
                ctx(), json("{\"cluster\":\"on-i-down\",\"taskDefinition\":\"web\"}")));
    assertFalse(run.path("tasks").path(0).has("connectivity"), run::toString);
  }

  // ---- the stand-ins ----

  private static Behavior<Cluster.Command> cluster(String name) {
    return Behaviors.receive(Cluster.Command.class)
        .onMessage(
            Cluster.Get.class,
            m -> {
              m.replyTo()
                  .tell(
                      StatusReply.success(
                          new Cluster.ClusterInfo(
                              ACCOUNT,
                              new Cluster.ClusterSpec(
                                  name, List.of(), null, null, List.of(), null, List.of()),
                              Cluster.Status.ACTIVE,
                              AT,
                              new TreeSet<>(List.of("i-up", "i-down", "i-silent")),
                              new TreeSet<>())));
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<TaskDefinitionFamily.Command> taskDefinition() {
    return Behaviors.receive(TaskDefinitionFamily.Command.class)
        .onMessage(
            TaskDefinitionFamily.Get.class,
            m -> {
              JsonNode definition =
                  json(
                      "{\"family\":\"web\",\"containerDefinitions\":[{\"name\":\"web\","
                          + "\"image\":\"busybox\",\"memory\":64}]}");
              m.replyTo()
                  .tell(
                      StatusReply.success(
                          new TaskDefinitionFamily.Revision(
                              "web",
                              1,
                              definition,
                              TaskDefinitionFamily.Status.ACTIVE,
                              List.of(),
                              "arn:aws:iam::" + ACCOUNT + ":root",
                              AT,
                              null,
                              null)));
              return Behaviors.same();
            })
        .build();
  }

  /** Places every task of cluster on-X on instance X. */
  private static Behavior<ClusterPlacement.Command> placement(String clusterName) {
    String instanceId = clusterName.substring("on-".length());
    return Behaviors.receive(ClusterPlacement.Command.class)
        .onMessage(
            ClusterPlacement.Place.class,
            m -> {
              m.replyTo()
                  .tell(
                      new ClusterPlacement.Outcome(
                          m.taskIds().stream()
                              .map(id -> new ClusterPlacement.Placed(id, instanceId))
                              .toList(),
                          List.of(),
                          java.util.Optional.empty()));
              return Behaviors.same();
            })
        .build();
  }

  /** A task that runs as soon as it is created, with the spec it was created with. */
  private Behavior<Task.Command> task(String entityId) {
    String[] parts = entityId.split("/");
    return Behaviors.receive(Task.Command.class)
        .onMessage(
            Task.Create.class,
            m -> {
              TaskView view =
                  new TaskView(
                      ACCOUNT,
                      parts[1],
                      parts[2],
                      m.spec(),
                      TaskStatus.RUNNING,
                      TaskStatus.RUNNING,
                      List.of(),
                      io.harbormaster.task.HealthStatus.UNKNOWN,
                      null,
                      null,
                      AT,
                      null,
                      null,
                      AT,
                      null,
                      null,
                      null,
                      2);
              tasks.put(entityId, view);
              m.replyTo().tell(StatusReply.success(view));
              return Behaviors.same();
            })
        .onMessage(
            Task.Get.class,
            m -> {
              TaskView view = tasks.get(entityId);
              m.replyTo()
                  .tell(
                      view != null
                          ? StatusReply.success(view)
                          : Rejection.reply(
                              ErrorType.INVALID_PARAMETER, "The referenced task was not found."));
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<ContainerInstance.Command> instance(String instanceId) {
    return Behaviors.receive(ContainerInstance.Command.class)
        .onMessage(
            ContainerInstance.Get.class,
            m -> {
              if (!instanceId.equals("i-silent"))
                m.replyTo().tell(StatusReply.success(instanceView(instanceId)));
              return Behaviors.same();
            })
        .build();
  }

  private static InstanceView instanceView(String instanceId) {
    var registration =
        new ContainerInstance.Registration(
            instanceId,
            null,
            new ContainerInstance.Resources(1024, 2048, new TreeSet<>(), new TreeSet<>()),
            List.of(),
            new ContainerInstance.VersionInfo("1.0.0", "abc", "27.3.1"),
            List.of());
    return new InstanceView(
        ACCOUNT,
        "c",
        registration,
        ContainerInstance.Status.ACTIVE,
        instanceId.equals("i-up"),
        registration.versionInfo(),
        AT,
        new TreeMap<>(),
        new TreeMap<>(),
        List.of(),
        3,
        instanceId.equals("i-up") ? null : AT);
  }

  // ---- helpers ----

  private String runOne(String cluster) {
    JsonNode run =
        answer(
            handlers.runTask(
                ctx(), json("{\"cluster\":\"" + cluster + "\",\"taskDefinition\":\"web\"}")));
    return run.path("tasks").path(0).path("taskArn").asText();
  }

  private JsonNode describe(String cluster, String taskArn) {
    JsonNode out =
        answer(
            handlers.describeTasks(
                ctx(), json("{\"cluster\":\"" + cluster + "\",\"tasks\":[\"" + taskArn + "\"]}")));
    assertEquals(List.of(), texts(out.path("failures")), out::toString);
    return out.path("tasks").path(0);
  }

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

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.toString()));
    return out;
  }
}
