package io.harbormaster.events;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.events.ResourceKind.Change;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.Registration;
import io.harbormaster.instance.ContainerInstance.Resources;
import io.harbormaster.task.Task;
import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.TaskStatus;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Journal events of tasks and container instances become the EventBridge events ECS publishes. */
class EcsEventMappingTest {
  private static final String REGION = "us-west-2";
  private static final String TASK_ID =
      "111122223333/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad";
  private static final Instant T0 = Instant.parse("2020-01-23T17:57:34.402Z");

  @Test
  void aTaskStateChangeHasTheEnvelopeAndTheDetailShapeOfEcsExample() throws Exception {
    List<EcsEvent> events = replayTask();
    EcsEvent running = events.get(events.size() - 1);
    ObjectNode ours = running.toJson();
    JsonNode example = fixture("ecs-task-state-change.json");

    assertSameMembersAndTypes(example, ours, Set.of("detail"));
    JsonNode detail = ours.path("detail");
    // the example is a Fargate task: attachments' ENI details, imageDigest and platformVersion have
    // no EC2 counterpart;
    // connectivity is the instance agent's, which the task's own journal does not know: left out
    // rather than guessed
    assertSameMembersAndTypes(
        example.path("detail"),
        detail,
        Set.of(
            "platformVersion",
            "attachments/0",
            "containers/0/imageDigest",
            "containers/0/networkInterfaces/0",
            "overrides/containerOverrides/0",
            "connectivity",
            "connectivityAt"));
    assertEquals("EC2", detail.path("launchType").asText());
    assertEquals("ECS Task State Change", ours.path("detail-type").asText());
    assertEquals("aws.ecs", ours.path("source").asText());
    assertEquals("111122223333", ours.path("account").asText());
    assertEquals(REGION, ours.path("region").asText());
    assertEquals(
        "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad",
        ours.path("resources").path(0).asText());
    assertEquals("RUNNING", detail.path("lastStatus").asText());
    assertEquals("2020-01-23T17:57:34.402Z", detail.path("createdAt").asText());
    assertEquals("2020-01-23T17:57:58.103Z", detail.path("startedAt").asText());
    assertEquals("2020-01-23T17:57:58.103Z", detail.path("updatedAt").asText());
    assertEquals("2020-01-23T17:57:58Z", ours.path("time").asText());
  }

  @Test
  void detailVersionIsTheTasksSequenceNumberAndIdsAreDeterministic() {
    List<EcsEvent> first = replayTask();
    List<EcsEvent> again = replayTask();
    List<Long> versions = first.stream().map(EcsEvent::version).toList();
    assertEquals(List.of(1L, 2L, 3L), versions);
    assertEquals(
        first.stream().map(EcsEvent::id).toList(), again.stream().map(EcsEvent::id).toList());
    assertEquals(3, first.stream().map(EcsEvent::id).distinct().count());
    assertEquals(EcsEvent.idFor("Task|" + TASK_ID, 2, 0), first.get(1).id());
  }

  @Test
  void aStoppedTaskCarriesItsStopTimesAsIsoStrings() throws Exception {
    var kind = ResourceKinds.TASK;
    var replay = kind.replay(TASK_ID);
    List<Object> journal = new ArrayList<>(taskJournal());
    journal.add(
        new Task.TaskStatusAdvanced(
            TaskStatus.STOPPED,
            T0.plusSeconds(60),
            null,
            null,
            null,
            "EssentialContainerExited",
            "Essential container in task exited"));
    List<EcsEvent> events = fold(kind, replay, "Task|" + TASK_ID, TASK_ID, journal);
    JsonNode detail = events.get(events.size() - 1).toJson().path("detail");
    assertEquals("STOPPED", detail.path("lastStatus").asText());
    assertEquals("EssentialContainerExited", detail.path("stopCode").asText());
    for (String at : List.of("stoppedAt", "stoppingAt", "executionStoppedAt")) {
      assertTrue(detail.path(at).isTextual(), at);
      Instant.parse(detail.path(at).asText());
    }
    assertSameMembersAndTypes(
        fixture("ecs-task-state-change-stopped.json").path("detail"),
        detail,
        Set.of(
            "attachments/0",
            "containers/0/imageDigest",
            "containers/0/networkInterfaces/0",
            "containers/0/managedAgents",
            "ephemeralStorage",
            "platformFamily",
            "platformVersion",
            "containers/0/gpuIds",
            "overrides/containerOverrides/0",
            "capacityProviderName",
            "inferenceAccelerators",
            "containers/0/runtimeId",
            "containers/0/exitCode",
            "containers/0/memoryReservation",
            "startedBy",
            "connectivity",
            "connectivityAt")); // the instance agent's, unknown to the task's journal: left out
  }

  @Test
  void aContainerInstanceStateChangeHasTheShapeOfEcsExampleAndOnlyVisibleChangesPublish()
      throws Exception {
    String entityId = "111122223333/default/b54a2a04-046f-4331-9d74-3f6d7f6ca315";
    var kind = ResourceKinds.CONTAINER_INSTANCE;
    Registration registration =
        new Registration(
            "b54a2a04-046f-4331-9d74-3f6d7f6ca315",
            "i-f3a8506b",
            new Resources(
                2048, 3767, new TreeSet<>(List.of(22, 2375, 2376, 51678, 51679)), new TreeSet<>()),
            List.of(
                new ContainerInstance.Attribute(
                    "com.amazonaws.ecs.capability.privileged-container", null)),
            new ContainerInstance.VersionInfo("1.13.0", "aebcbca", "DockerVersion: 1.11.2"),
            List.of());
    List<Object> journal =
        List.of(
            new ContainerInstance.InstanceRegistered(registration, T0),
            new ContainerInstance.AgentConnected(null, T0.plusSeconds(1)),
            new ContainerInstance.ResourcesReserved(
                "t1",
                new Demand(60, 3000, Set.of(), Set.of()),
                new ContainerInstance.TaskSummary("web", "family:web", null),
                T0.plusSeconds(2)),
            // the task is created: still pending, nothing a user sees changes
            new ContainerInstance.TaskPhaseTracked(
                "t1", ContainerInstance.TaskPhase.PENDING, T0.plusSeconds(3)),
            new ContainerInstance.TaskPhaseTracked(
                "t1", ContainerInstance.TaskPhase.RUNNING, T0.plusSeconds(4)));
    List<EcsEvent> events =
        fold(kind, kind.replay(entityId), "ContainerInstance|" + entityId, entityId, journal);

    assertEquals(List.of(1L, 2L, 3L, 5L), events.stream().map(EcsEvent::version).toList());
    ObjectNode ours = events.get(2).toJson();
    JsonNode example = fixture("ecs-container-instance-state-change.json");
    assertSameMembersAndTypes(example, ours, Set.of("detail"));
    assertSameMembersAndTypes(example.path("detail"), ours.path("detail"), Set.of());
    assertEquals("ECS Container Instance State Change", ours.path("detail-type").asText());
    assertEquals(
        1988, ours.path("detail").path("remainingResources").path(0).path("integerValue").asInt());
    assertEquals(
        767, ours.path("detail").path("remainingResources").path(1).path("integerValue").asInt());
    assertEquals(
        "arn:aws:ecs:us-west-2:111122223333:container-instance/default/b54a2a04-046f-4331-9d74-3f6d7f6ca315",
        ours.path("resources").path(0).asText());
    assertEquals(1, events.get(3).detail().path("runningTasksCount").asInt());
  }

  @Test
  void serviceEventsBecomeServiceActionsAndDeploymentStateChangesWithTheShapeOfEcsExamples()
      throws Exception {
    String entityId = "111122223333/default/servicetest";
    var kind = ResourceKinds.SERVICE;
    Instant at = Instant.parse("2019-11-19T19:27:22.695Z");
    var deployment =
        new io.harbormaster.service.ServiceReconciler.Deployment(
            "ecs-svc/123",
            io.harbormaster.service.ServiceReconciler.DeploymentStatus.PRIMARY,
            "arn:aws:ecs:us-west-2:111122223333:task-definition/web:1",
            io.harbormaster.service.ServiceReconciler.RolloutState.IN_PROGRESS,
            null,
            0,
            at,
            at);
    var spec =
        new io.harbormaster.service.Service.ServiceSpec(
            "servicetest",
            "arn:aws:ecs:us-west-2:111122223333:task-definition/web:1",
            1,
            io.harbormaster.service.ServiceReconciler.SchedulingStrategy.REPLICA,
            "EC2",
            new io.harbormaster.service.Service.DeploymentSettings(100, 200, false, false),
            List.of(),
            List.of(),
            null,
            List.of());
    List<Object> journal =
        List.of(
            new io.harbormaster.service.Service.ServiceCreated(spec, deployment, at),
            new io.harbormaster.service.Service.ServiceEventRecorded(
                new io.harbormaster.service.Service.ServiceEvent(
                    "e1",
                    at,
                    "SERVICE_STEADY_STATE",
                    "INFO",
                    "(service servicetest) has reached a steady state.")),
            new io.harbormaster.service.Service.ServiceEventRecorded(
                new io.harbormaster.service.Service.ServiceEvent(
                    "e2",
                    at,
                    "SERVICE_DEPLOYMENT_COMPLETED",
                    "INFO",
                    "ECS deployment ecs-svc/123 completed.")),
            new io.harbormaster.service.Service.ServiceEventRecorded(
                new io.harbormaster.service.Service.ServiceEvent(
                    "e3", at, "SERVICE_TASK_PLACEMENT_FAILURE", "WARN", "RESOURCE:MEMORY")));
    List<EcsEvent> events =
        fold(kind, kind.replay(entityId), "Service|" + entityId, entityId, journal);
    assertEquals(3, events.size(), "ServiceCreated itself publishes nothing");
    assertEquals(List.of(2L, 3L, 4L), events.stream().map(EcsEvent::version).toList());

    ObjectNode steady = events.get(0).toJson();
    assertSameMembersAndTypes(fixture("ecs-service-action.json"), steady, Set.of());
    assertEquals(
        "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest",
        steady.path("resources").path(0).asText());
    ObjectNode completed = events.get(1).toJson();
    assertSameMembersAndTypes(fixture("ecs-deployment-state-change.json"), completed, Set.of());
    assertEquals("ECS Deployment State Change", completed.path("detail-type").asText());
    assertEquals("ecs-svc/123", completed.path("detail").path("deploymentId").asText());
    ObjectNode placement = events.get(2).toJson();
    assertSameMembersAndTypes(
        fixture("ecs-service-action-task-placement-failure.json"),
        placement,
        Set.of("detail/capacityProviderArns"));
    assertEquals("RESOURCE:MEMORY", placement.path("detail").path("reason").asText());
    assertEquals(
        "Service|111122223333/default/servicetest",
        ResourceKinds.standard()
            .resolve("arn:aws:ecs:us-west-2:111122223333:service/default/servicetest")
            .orElseThrow()
            .persistenceId());
  }

  @Test
  void clustersAndTaskDefinitionsPublishNothingButResolveForHistory() {
    ResourceKinds kinds = ResourceKinds.standard();
    var cluster = kinds.resolve("arn:aws:ecs:us-east-1:000000000000:cluster/demo").orElseThrow();
    assertEquals("Cluster|000000000000/demo", cluster.persistenceId());
    var td =
        kinds.resolve("arn:aws:ecs:us-east-1:000000000000:task-definition/web:3").orElseThrow();
    assertEquals("TaskDefinitionFamily|000000000000/web", td.persistenceId());
    assertEquals("3", td.selector());
    var task = kinds.resolve("arn:aws:ecs:us-east-1:000000000000:task/demo/abc").orElseThrow();
    assertEquals("Task|000000000000/demo/abc", task.persistenceId());
    assertTrue(kinds.resolve("arn:aws:ecs:us-east-1:000000000000:task/abc").isEmpty());
    assertTrue(kinds.resolve("not-an-arn").isEmpty());
    assertEquals(
        List.of(
            "task-0",
            "task-1",
            "containerinstance-0",
            "containerinstance-1",
            "service-0",
            "service-1"),
        kinds.publishedTags(new io.harbormaster.common.EventTags(2)));
    assertNotEquals(EcsEvent.idFor("Task|a", 1, 0), EcsEvent.idFor("Task|a", 1, 1));
  }

  // ---- helpers ----

  private static List<Object> taskJournal() {
    ObjectNode definition = JSON.createObjectNode();
    definition
        .putArray("containerDefinitions")
        .addObject()
        .put("name", "FargateApp")
        .put("image", "111122223333.dkr.ecr.us-west-2.amazonaws.com/hello-repository:latest")
        .put("cpu", 0);
    TaskSpec spec =
        new TaskSpec(
            "arn:aws:ecs:us-west-2:111122223333:task-definition/sample-fargate:1",
            "sample-fargate",
            1,
            definition,
            null,
            "family:sample-fargate",
            null,
            List.of(),
            "instance-1",
            256,
            512,
            "us-west-2c",
            null,
            "EC2");
    ContainerState running =
        new ContainerState(
            "FargateApp",
            definition.path("containerDefinitions").path(0).path("image").asText(),
            "ad64cbc71c7f",
            io.harbormaster.task.ContainerStatus.RUNNING,
            null,
            null,
            List.of(),
            io.harbormaster.task.HealthStatus.UNKNOWN);
    Instant startedAt = Instant.parse("2020-01-23T17:57:58.103Z");
    return List.of(
        new Task.TaskCreated(spec, T0),
        new Task.ContainerStateChanged(running, startedAt),
        new Task.TaskStatusAdvanced(
            TaskStatus.RUNNING,
            startedAt,
            Instant.parse("2020-01-23T17:57:52.103Z"),
            Instant.parse("2020-01-23T17:57:55.103Z"),
            null,
            null,
            null));
  }

  private static List<EcsEvent> replayTask() {
    return fold(
        ResourceKinds.TASK,
        ResourceKinds.TASK.replay(TASK_ID),
        "Task|" + TASK_ID,
        TASK_ID,
        taskJournal());
  }

  static <S> List<EcsEvent> fold(
      ResourceKind<S> kind,
      ResourceKind.Replay<S> replay,
      String pid,
      String entityId,
      List<Object> journal) {
    List<EcsEvent> out = new ArrayList<>();
    S state = replay.empty();
    long seq = 0;
    for (Object event : journal) {
      seq++;
      S next = replay.apply(state, event);
      Instant at = atOf(event);
      out.addAll(kind.published(REGION, new Change<>(pid, entityId, seq, at, event, state, next)));
      state = next;
    }
    return out;
  }

  private static Instant atOf(Object event) {
    try {
      return (Instant) event.getClass().getMethod("at").invoke(event);
    } catch (NoSuchMethodException e) {
      return T0; // an event without its own time (ServiceEventRecorded carries it inside)
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every member of the example is in ours with the same JSON type (string times stay strings),
   * recursively.
   */
  private static void assertSameMembersAndTypes(
      JsonNode example, JsonNode ours, Set<String> ignored) {
    compare("", example, ours, ignored);
  }

  private static void compare(String path, JsonNode example, JsonNode ours, Set<String> ignored) {
    if (ignored.contains(path.isEmpty() ? path : path.substring(1))) return;
    assertEquals(example.getNodeType(), ours.getNodeType(), "type of " + path);
    if (example.isObject()) {
      for (Iterator<String> it = example.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        String child = path + "/" + name;
        if (ignored.contains(child.substring(1))) continue;
        assertTrue(ours.has(name), "missing " + child + " in " + ours);
        compare(child, example.get(name), ours.get(name), ignored);
      }
    } else if (example.isArray() && !example.isEmpty() && !ours.isEmpty()) {
      compare(path + "/0", example.get(0), ours.get(0), ignored);
    }
  }

  private static JsonNode fixture(String name) throws Exception {
    try (InputStream in =
        EcsEventMappingTest.class.getResourceAsStream("/fixtures/eventbridge/" + name)) {
      return JSON.readTree(in);
    }
  }
}
