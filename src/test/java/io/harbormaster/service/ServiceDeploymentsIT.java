package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.UnsupportedFeatureException;

/**
 * Service deployments and revisions through the real SDK on real Docker and Cassandra, read the way
 * Terraform's provider waits for a steady state ({@code wait_for_steady_state}: the PRIMARY
 * deployment created after the update, its {@code ecs-svc/<id>} digits looked for in the
 * targetServiceRevisionArn of ListServiceDeployments(createdAt.after), then
 * DescribeServiceDeployments until a terminal status), for a successful update and for a circuit
 * breaker rollback; StopServiceDeployment rolls back as {@code sigint_rollback} asks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceDeploymentsIT {
  private static final String LOOP = "trap 'exit 0' TERM; while :; do sleep 1; done";
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;

  @BeforeAll
  void start() throws Exception {
    docker =
        DockerCluster.start(
            "deployments",
            Map.of(
                "harbormaster.service.reconcile-interval", "2s",
                "harbormaster.service.task-refresh-interval", "5s"));
    ecs = docker.ecs();
    cluster = docker.cluster();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  @AfterEach
  void deleteServices() {
    for (String arn : ecs.listServices(r -> r.cluster(cluster).maxResults(100)).serviceArns()) {
      ecs.deleteService(r -> r.cluster(cluster).service(arn).force(true));
      ecs.waiter()
          .waitUntilServicesInactive(
              r -> r.cluster(cluster).services(arn), o -> o.waitTimeout(LIMIT));
    }
  }

  // ---- Terraform's wait, step by step (internal/service/ecs/service.go) ----

  /** What the wait ended with: STABLE, or the error Terraform reports; and the deployment ARN. */
  private record WaitOutcome(String result, String serviceDeploymentArn) {}

  /**
   * statusServiceWaitForStable, findPrimaryDeploymentARN and findDeploymentStatus of the provider,
   * polled until stable or failed.
   */
  private WaitOutcome waitForSteadyState(String name, Instant operationTime, Duration limit)
      throws InterruptedException {
    Deployment primaryTaskSet = null;
    boolean isNewPrimaryDeployment = false;
    String primaryDeploymentArn = null;
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      Service output = describe(name);
      if (!"ACTIVE".equals(output.status())) {
        Thread.sleep(1000);
        continue;
      }
      if (primaryTaskSet == null) {
        primaryTaskSet =
            output.deployments().stream()
                .filter(d -> "PRIMARY".equals(d.status()))
                .findFirst()
                .orElse(null);
        if (primaryTaskSet != null && primaryTaskSet.createdAt() != null) {
          isNewPrimaryDeployment = primaryTaskSet.createdAt().isAfter(operationTime);
        }
      }
      boolean isNewEcsDeployment =
          output.deploymentController() != null
              && output.deploymentController().type() == DeploymentControllerType.ECS
              && isNewPrimaryDeployment;
      if (isNewEcsDeployment) {
        if (primaryDeploymentArn == null) {
          String[] parts = primaryTaskSet.id().split("/");
          assertTrue(
              parts.length >= 2, "invalid primary task set ID format: " + primaryTaskSet.id());
          String taskSetId = parts[1];
          List<ServiceDeploymentBrief> deployments = new ArrayList<>();
          String token = null;
          do { // listServiceDeploymentsPages
            var page =
                ecs.listServiceDeployments(
                    ListServiceDeploymentsRequest.builder()
                        .cluster(cluster)
                        .service(name)
                        .createdAt(c -> c.after(operationTime))
                        .nextToken(token)
                        .build());
            deployments.addAll(page.serviceDeployments());
            token = page.nextToken();
          } while (token != null);
          for (ServiceDeploymentBrief d : deployments) {
            if (d.targetServiceRevisionArn() != null
                && d.targetServiceRevisionArn().contains(taskSetId)) {
              primaryDeploymentArn = d.serviceDeploymentArn();
              break;
            }
          }
          if (primaryDeploymentArn == null) {
            Thread.sleep(1000);
            continue;
          }
        }
        String arn = primaryDeploymentArn;
        List<ServiceDeployment> described =
            ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn)).serviceDeployments();
        if (!described.isEmpty()) {
          ServiceDeployment deployment = described.get(0);
          switch (deployment.statusAsString()) {
            case "SUCCESSFUL":
              return new WaitOutcome("STABLE", arn);
            case "STOPPED", "ROLLBACK_FAILED", "ROLLBACK_SUCCESSFUL":
              return new WaitOutcome(
                  deployment.statusReason() != null
                      ? deployment.statusReason()
                      : "Deployment failed",
                  arn);
            default:
              break;
          }
        }
      } else if (output.deployments().size() == 1
          && output.desiredCount() == output.runningCount()) {
        return new WaitOutcome("STABLE", null);
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("no steady state within " + limit);
  }

  // ---- the tests ----

  @Test
  void aSuccessfulUpdateIsWaitedForAsTerraformDoes() throws Exception {
    String family = unique("steady");
    String td1 = register(family, SharedDocker.TEST_IMAGE);
    String td2 = register(family, SharedDocker.TEST_IMAGE);
    String name = unique("steady");
    ecs.createService(
        r -> r.cluster(cluster).serviceName(name).taskDefinition(td1).desiredCount(1));
    Await.until("one running", LIMIT, () -> describe(name), s -> stable(s, 1));

    Instant operationTime = Instant.now();
    ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(td2));
    WaitOutcome outcome = waitForSteadyState(name, operationTime, LIMIT);

    assertEquals("STABLE", outcome.result());
    assertNotNull(outcome.serviceDeploymentArn(), "the new deployment was found by its id");
    String prefix = "arn:aws:ecs:us-east-1:";
    assertTrue(
        outcome
            .serviceDeploymentArn()
            .matches(prefix + "\\d{12}:service-deployment/" + cluster + "/" + name + "/\\w+"),
        outcome.serviceDeploymentArn());
    ServiceDeployment deployment =
        ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(outcome.serviceDeploymentArn()))
            .serviceDeployments()
            .get(0);
    assertEquals(ServiceDeploymentStatus.SUCCESSFUL, deployment.status());
    assertNotNull(deployment.finishedAt());
    assertEquals(1, deployment.targetServiceRevision().runningTaskCount());
    assertEquals(1, deployment.targetServiceRevision().requestedTaskCount());
    assertEquals(1, deployment.sourceServiceRevisions().size());
    String source = deployment.sourceServiceRevisions().get(0).arn();
    List<ServiceRevision> revisions =
        ecs.describeServiceRevisions(
                r ->
                    r.serviceRevisionArns(
                        deployment.targetServiceRevision().arn(),
                        source,
                        source.replaceAll("/\\d+$", "/42")))
            .serviceRevisions();
    assertEquals(
        List.of(td2, td1), revisions.stream().map(ServiceRevision::taskDefinition).toList());

    // Both deployments are kept, newest first; filters and pages as ECS has them.
    List<ServiceDeploymentBrief> all =
        ecs.listServiceDeployments(r -> r.cluster(cluster).service(name)).serviceDeployments();
    assertEquals(2, all.size());
    assertEquals(outcome.serviceDeploymentArn(), all.get(0).serviceDeploymentArn());
    var firstPage = ecs.listServiceDeployments(r -> r.cluster(cluster).service(name).maxResults(1));
    assertEquals(1, firstPage.serviceDeployments().size());
    var secondPage =
        ecs.listServiceDeployments(
            r -> r.cluster(cluster).service(name).maxResults(1).nextToken(firstPage.nextToken()));
    assertEquals(
        all.get(1).serviceDeploymentArn(),
        secondPage.serviceDeployments().get(0).serviceDeploymentArn());
    assertEquals(
        2,
        ecs.listServiceDeployments(
                r -> r.cluster(cluster).service(name).status(ServiceDeploymentStatus.SUCCESSFUL))
            .serviceDeployments()
            .size());

    // A finished deployment cannot be stopped; lifecycle hooks do not exist here.
    assertThrows(
        ConflictException.class,
        () ->
            ecs.stopServiceDeployment(
                r ->
                    r.serviceDeploymentArn(outcome.serviceDeploymentArn())
                        .stopType(StopServiceDeploymentStopType.ROLLBACK)));
    assertThrows(
        UnsupportedFeatureException.class,
        () ->
            ecs.continueServiceDeployment(
                r -> r.serviceDeploymentArn(outcome.serviceDeploymentArn()).hookId("hook")));
    assertThrows(
        ServiceDeploymentNotFoundException.class,
        () ->
            ecs.stopServiceDeployment(
                r -> r.serviceDeploymentArn(outcome.serviceDeploymentArn() + "x")));

    // The CLI lists them too (v1: the installed v2 predates these operations).
    Optional<AwsCli> cli = AwsCli.v1();
    Assumptions.assumeTrue(cli.isPresent(), "no AWS CLI v1 on this machine");
    var credentials = docker.server().credentials();
    JsonNode listed =
        cli.get()
            .endpoint(docker.server().endpoint())
            .credentials(credentials.accessKeyId(), credentials.secretAccessKey())
            .run("ecs", "list-service-deployments", "--cluster", cluster, "--service", name)
            .orFail();
    assertEquals(
        outcome.serviceDeploymentArn(),
        listed.get("serviceDeployments").get(0).get("serviceDeploymentArn").asText());
  }

  @Test
  void aCircuitBreakerRollbackEndsTerraformsWaitWithTheBreakersReason() throws Exception {
    String family = unique("broken");
    String good = register(family, SharedDocker.TEST_IMAGE);
    String broken = register(family, "harbormaster/no-such-image:" + family);
    String name = unique("broken");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(good)
                .desiredCount(2)
                .deploymentConfiguration(
                    c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true))));
    Await.until("two running", LIMIT, () -> describe(name), s -> stable(s, 2));

    Instant operationTime = Instant.now();
    ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(broken));
    WaitOutcome outcome = waitForSteadyState(name, operationTime, Duration.ofMinutes(4));

    assertEquals("ECS deployment circuit breaker: tasks failed to start.", outcome.result());
    ServiceDeployment deployment =
        ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(outcome.serviceDeploymentArn()))
            .serviceDeployments()
            .get(0);
    assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, deployment.status());
    assertEquals("TRIGGERED", deployment.deploymentCircuitBreaker().statusAsString());
    assertTrue(deployment.deploymentCircuitBreaker().failureCount() >= 3);
    assertEquals(3, deployment.deploymentCircuitBreaker().threshold());
    String source = deployment.sourceServiceRevisions().get(0).arn();
    assertEquals(source, deployment.rollback().serviceRevisionArn());
    assertEquals(2, deployment.sourceServiceRevisions().get(0).runningTaskCount());
    assertEquals(0, deployment.targetServiceRevision().runningTaskCount());
    assertEquals(
        broken,
        ecs.describeServiceRevisions(
                r -> r.serviceRevisionArns(deployment.targetServiceRevision().arn()))
            .serviceRevisions()
            .get(0)
            .taskDefinition());
    assertEquals(good, describe(name).taskDefinition());
  }

  @Test
  void stoppingADeploymentUnderWayRollsItBackAsSigintRollbackAsks() throws Exception {
    String family = unique("stop");
    String good = register(family, SharedDocker.TEST_IMAGE);
    String broken = register(family, "harbormaster/no-such-image:" + family);
    String name = unique("stop");
    ecs.createService(
        r -> r.cluster(cluster).serviceName(name).taskDefinition(good).desiredCount(1));
    Await.until("one running", LIMIT, () -> describe(name), s -> stable(s, 1));
    ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(broken));
    String arn =
        ecs.listServiceDeployments(
                r -> r.cluster(cluster).service(name).status(ServiceDeploymentStatus.IN_PROGRESS))
            .serviceDeployments()
            .get(0)
            .serviceDeploymentArn();

    ecs.stopServiceDeployment(
        r -> r.serviceDeploymentArn(arn).stopType(StopServiceDeploymentStopType.ROLLBACK));

    ServiceDeployment done =
        Await.until(
            "the rollback done",
            LIMIT,
            () ->
                ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn))
                    .serviceDeployments()
                    .get(0),
            d -> d.status() == ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL);
    assertEquals(done.sourceServiceRevisions().get(0).arn(), done.rollback().serviceRevisionArn());
    Service back = Await.until("stable again", LIMIT, () -> describe(name), s -> stable(s, 1));
    assertEquals(good, back.taskDefinition());
  }

  // ---- helpers ----

  private String register(String family, String image) {
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(image)
                            .memory(32)
                            .command("sh", "-c", LOOP)
                            .stopTimeout(2)
                            .dockerLabels(SharedDocker.testLabels())
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Service describe(String name) {
    return ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0);
  }

  private static boolean stable(Service s, int count) {
    return s.deployments().size() == 1
        && s.runningCount() == count
        && s.desiredCount() == count
        && s.pendingCount() == 0;
  }
}
