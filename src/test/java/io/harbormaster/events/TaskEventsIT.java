package io.harbormaster.events;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import io.harbormaster.testing.SignedHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * A task on real Docker, from RunTask to its exit: its ECS Task State Change events reach a webhook
 * in order with the DescribeTasks shape, its history lists every journal event, and its state at an
 * earlier instant is replayed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
class TaskEventsIT {
  private DockerCluster docker;
  private EcsClient ecs;
  private WebhookReceiver receiver;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("task-events");
    ecs = docker.ecs();
    receiver = new WebhookReceiver("task-events-secret");
  }

  @AfterAll
  void stop() throws Exception {
    if (receiver != null) receiver.close();
    if (docker != null) docker.close();
  }

  private JsonNode call(String target, Map<String, Object> input) {
    SignedHttp.Response r =
        SignedHttp.post(docker.server(), target, JSON.valueToTree(input).toString());
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void aRetentionPurgesTheHistoryOfOldStoppedTasksOnly() throws Exception {
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family("ret-" + UUID.randomUUID().toString().substring(0, 6))
                        .networkMode(NetworkMode.HOST)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(32)
                                .command("sh", "-c", "exit 0")
                                .dockerLabels(SharedDocker.testLabels())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String stoppedArn =
        ecs.runTask(r -> r.cluster(docker.cluster()).taskDefinition(td)).tasks().get(0).taskArn();
    ecs.waiter()
        .waitUntilTasksStopped(
            r -> r.cluster(docker.cluster()).tasks(stoppedArn),
            o -> o.waitTimeout(Duration.ofMinutes(2)));
    assertTrue(
        call("HarbormasterHistory.ListResourceEvents", Map.of("arn", stoppedArn))
                .path("events")
                .size()
            > 0);
    assertTrue(
        call("HarbormasterEvents.GetRetention", Map.of()).path("retention").isNull(),
        "default: forever");
    assertEquals(
        0, call("HarbormasterEvents.ApplyRetention", Map.of()).path("purgedTasks").asInt());

    call("HarbormasterEvents.PutRetention", Map.of("retention", "PT1S"));
    try {
      Thread.sleep(1500);
      assertTrue(
          call("HarbormasterEvents.ApplyRetention", Map.of()).path("purgedTasks").asInt() >= 1);
      assertEquals(
          0,
          call("HarbormasterHistory.ListResourceEvents", Map.of("arn", stoppedArn))
              .path("events")
              .size());
      SignedHttp.Response at =
          SignedHttp.post(
              docker.server(),
              "HarbormasterHistory.DescribeResourceAt",
              JSON.valueToTree(Map.of("arn", stoppedArn, "at", Instant.now().toString()))
                  .toString());
      assertEquals("ResourceNotFoundException", at.errorType());
      // the cluster (a live resource) keeps its history
      String clusterArn =
          ecs.describeClusters(r -> r.clusters(docker.cluster())).clusters().get(0).clusterArn();
      assertTrue(
          call("HarbormasterHistory.ListResourceEvents", Map.of("arn", clusterArn))
                  .path("events")
                  .size()
              > 0);
    } finally {
      // the account's retention outlives this test in the shared Cassandra of the IT run (and of
      // the next run)
      call("HarbormasterEvents.PutRetention", new java.util.HashMap<>());
    }
    assertTrue(call("HarbormasterEvents.GetRetention", Map.of()).path("retention").isNull());
  }

  @Test
  void aServicePublishesItsDeploymentAndSteadyStateAndKeepsEveryServiceEvent() throws Exception {
    WebhookReceiver services = new WebhookReceiver("service-secret");
    try {
      call(
          "HarbormasterEvents.PutRule",
          Map.of(
              "name",
              "services",
              "targetUrl",
              services.url(),
              "secret",
              "service-secret",
              "eventPattern",
              "{\"detail-type\":[\"ECS Service Action\",\"ECS Deployment State Change\"]}"));
      String td =
          ecs.registerTaskDefinition(
                  r ->
                      r.family("svc-" + UUID.randomUUID().toString().substring(0, 6))
                          .networkMode(NetworkMode.HOST)
                          .containerDefinitions(
                              ContainerDefinition.builder()
                                  .name("main")
                                  .image(SharedDocker.TEST_IMAGE)
                                  .memory(32)
                                  .command(
                                      "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done")
                                  .stopTimeout(2)
                                  .dockerLabels(SharedDocker.testLabels())
                                  .build()))
              .taskDefinition()
              .taskDefinitionArn();
      String name = "web-" + UUID.randomUUID().toString().substring(0, 6);
      String serviceArn =
          ecs.createService(
                  r ->
                      r.cluster(docker.cluster())
                          .serviceName(name)
                          .taskDefinition(td)
                          .desiredCount(1))
              .service()
              .serviceArn();

      List<WebhookReceiver.Received> got =
          Await.until(
              "steady state and deployment completed",
              Duration.ofMinutes(2),
              () -> List.copyOf(services.received),
              list ->
                  list.stream()
                          .anyMatch(
                              e ->
                                  e.event()
                                      .path("detail")
                                      .path("eventName")
                                      .asText()
                                      .equals("SERVICE_STEADY_STATE"))
                      && list.stream()
                          .anyMatch(
                              e ->
                                  e.event()
                                      .path("detail")
                                      .path("eventName")
                                      .asText()
                                      .equals("SERVICE_DEPLOYMENT_COMPLETED")));
      long previous = 0;
      for (WebhookReceiver.Received e : got) {
        assertEquals(serviceArn, e.resource());
        assertTrue(e.version() > previous, "in the service's order");
        previous = e.version();
        JsonNode detail = e.event().path("detail");
        if (e.event().path("detail-type").asText().equals("ECS Deployment State Change")) {
          assertTrue(
              detail.path("deploymentId").asText().startsWith("ecs-svc/"), detail.toString());
        } else {
          assertTrue(
              detail.path("clusterArn").asText().endsWith("/" + docker.cluster()),
              detail.toString());
        }
      }
      // the service's whole history, every service event included (ECS keeps 100)
      JsonNode history = call("HarbormasterHistory.ListResourceEvents", Map.of("arn", serviceArn));
      assertEquals("ServiceCreated", history.path("events").path(0).path("type").asText());
      int published = 0;
      for (JsonNode e : history.path("events")) published += e.path("published").size();
      assertTrue(published >= got.size());
      ecs.deleteService(r -> r.cluster(docker.cluster()).service(name).force(true));
    } finally {
      services.close();
    }
  }

  @Test
  void aTasksLifeIsPublishedInOrderAndCanBeReplayed() throws Exception {
    call(
        "HarbormasterEvents.PutRule",
        Map.of(
            "name",
            "tasks",
            "targetUrl",
            receiver.url(),
            "secret",
            "task-events-secret",
            "eventPattern",
            "{\"detail-type\":[\"ECS Task State Change\"],\"detail\":{"
                + "\"clusterArn\":[{\"suffix\":\"/"
                + docker.cluster()
                + "\"}]}}"));
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family("ev-" + UUID.randomUUID().toString().substring(0, 6))
                        .networkMode(NetworkMode.HOST)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(32)
                                .command("sh", "-c", "sleep 1; exit 3")
                                .dockerLabels(SharedDocker.testLabels())
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String taskArn =
        ecs.runTask(r -> r.cluster(docker.cluster()).taskDefinition(td)).tasks().get(0).taskArn();
    ecs.waiter()
        .waitUntilTasksStopped(
            r -> r.cluster(docker.cluster()).tasks(taskArn),
            o -> o.waitTimeout(Duration.ofMinutes(2)));

    // only this task's events: the cluster's other tests' tasks (a service's) match the rule too
    List<WebhookReceiver.Received> events =
        Await.until(
            "the STOPPED event",
            Duration.ofSeconds(60),
            () -> receiver.received.stream().filter(e -> e.resource().equals(taskArn)).toList(),
            list ->
                list.stream()
                    .anyMatch(
                        e ->
                            e.event()
                                .path("detail")
                                .path("lastStatus")
                                .asText()
                                .equals("STOPPED")));
    List<String> statuses = new ArrayList<>();
    long previous = 0;
    for (WebhookReceiver.Received e : events) {
      JsonNode detail = e.event().path("detail");
      assertEquals(taskArn, detail.path("taskArn").asText());
      assertTrue(
          detail.path("version").asLong() > previous, "versions rise: " + detail.path("version"));
      previous = detail.path("version").asLong();
      assertTrue(detail.path("createdAt").isTextual(), "ISO-8601 times in events");
      Instant.parse(detail.path("updatedAt").asText());
      if (statuses.isEmpty()
          || !statuses.get(statuses.size() - 1).equals(detail.path("lastStatus").asText())) {
        statuses.add(detail.path("lastStatus").asText());
      }
    }
    assertEquals("PENDING", statuses.get(0));
    assertTrue(statuses.contains("RUNNING"), statuses.toString());
    assertEquals("STOPPED", statuses.get(statuses.size() - 1));
    JsonNode stopped = events.get(events.size() - 1).event().path("detail");
    assertEquals("EssentialContainerExited", stopped.path("stopCode").asText());
    assertEquals(3, stopped.path("containers").path(0).path("exitCode").asInt());

    JsonNode history = call("HarbormasterHistory.ListResourceEvents", Map.of("arn", taskArn));
    assertEquals("TaskCreated", history.path("events").path(0).path("type").asText());
    int published = 0;
    for (JsonNode e : history.path("events")) published += e.path("published").size();
    assertEquals(events.size(), published, "every published event reached the hook once");

    Instant createdAt = Instant.parse(history.path("events").path(0).path("time").asText());
    JsonNode atCreation =
        call(
            "HarbormasterHistory.DescribeResourceAt",
            Map.of("arn", taskArn, "at", createdAt.toString()));
    assertEquals("PENDING", atCreation.path("resource").path("lastStatus").asText());
    assertEquals(1, atCreation.path("sequenceNr").asInt());
    // DescribeTasks, the API's own view, agrees with the last replayed state
    JsonNode now =
        call(
            "HarbormasterHistory.DescribeResourceAt",
            Map.of("arn", taskArn, "at", Instant.now().toString()));
    assertEquals("STOPPED", now.path("resource").path("lastStatus").asText());
    assertEquals(
        ecs.describeTasks(r -> r.cluster(docker.cluster()).tasks(taskArn)).tasks().get(0).version(),
        now.path("resource").path("version").asLong());
  }
}
