package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Tag;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CreateService and UpdateService decoded once: what they keep, and the mistakes they report. */
class ServiceRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestContext CTX =
      new RequestContext("123456789012", "us-east-1", "request-1", Instant.EPOCH);

  @Test
  void createRefusesALaunchTypeWithAStrategy_inEcsWords() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.harbormaster.common.EcsException.class,
            () ->
                CreateServiceRequest.decode(
                    CTX,
                    json(
                        """
                        {"serviceName":"web","taskDefinition":"web:1","desiredCount":2,
                         "launchType":"EC2",
                         "capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1}]}
                        """)));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove one"
            + " and try again.",
        e.getMessage());
  }

  @Test
  void createTakesEcsDefaultsForWhatItLeavesOut() {
    CreateServiceRequest request =
        CreateServiceRequest.decode(
            CTX,
            json(
                """
                {"serviceName":"web","taskDefinition":"web:1","desiredCount":2,
                 "tags":[{"key":"team","value":"a"}]}
                """));

    assertEquals("default", request.cluster());
    assertEquals("web", request.serviceName());
    assertEquals(SchedulingStrategy.REPLICA, request.scheduling());
    // Decided at creation: the cluster's default strategy, else EC2.
    assertNull(request.launchType());
    assertEquals(List.of(), request.capacityProviderStrategy());
    assertEquals("web:1", request.taskDefinition());
    assertEquals(2, request.desiredCount());
    assertEquals(new DeploymentSettings(100, 200, false, false), request.deployment());
    assertEquals(List.of(), request.constraints());
    assertNull(request.healthCheckGracePeriodSeconds());
    assertEquals(List.of(new Tag("team", "a")), request.tags());
  }

  @Test
  void aDaemonHasNoDesiredCountAndItsOwnDeploymentDefaults() {
    CreateServiceRequest request =
        CreateServiceRequest.decode(
            CTX,
            json(
                """
                {"cluster":"prod","serviceName":"agent","taskDefinition":"agent",
                 "schedulingStrategy":"DAEMON","deploymentConfiguration":{"maximumPercent":150}}
                """));

    assertEquals(0, request.desiredCount());
    assertEquals(new DeploymentSettings(0, 150, false, false), request.deployment());
  }

  @Test
  void createReportsItsMistakesAsBefore() {
    assertInvalid(
        "The desired count must be specified for the REPLICA scheduling strategy.",
        "{\"serviceName\":\"web\",\"taskDefinition\":\"web\"}");
    assertInvalid(
        "maximumPercent must be at least 100, not 90.",
        "{\"serviceName\":\"web\",\"taskDefinition\":\"web\",\"desiredCount\":1,"
            + "\"deploymentConfiguration\":{\"maximumPercent\":90}}");
    assertInvalid(
        "Placement strategies are not supported with the DAEMON scheduling strategy.",
        "{\"serviceName\":\"d\",\"taskDefinition\":\"web\",\"schedulingStrategy\":\"DAEMON\","
            + "\"placementStrategy\":[{\"type\":\"spread\",\"field\":\"instanceId\"}]}");
    assertInvalid(
        "A task definition must be specified.", "{\"serviceName\":\"web\",\"desiredCount\":1}");
  }

  @Test
  void updateKeepsWhatItLeavesOutAsNull() {
    UpdateServiceRequest request =
        UpdateServiceRequest.decode(
            CTX,
            json(
                """
                {"cluster":"prod","service":"web","deploymentConfiguration":{"minimumHealthyPercent":50},
                 "placementStrategy":[{"type":"binpack","field":"memory"}]}
                """));

    assertEquals("prod", request.cluster());
    assertEquals("web", request.service().name());
    assertNull(request.desiredCount());
    assertNull(request.taskDefinition());
    assertNull(request.constraints());
    assertEquals(List.of(new StrategySpec("binpack", "memory")), request.strategies());
    assertEquals(
        new DeploymentSettings(50, 200, true, false),
        request.deployment().appliedTo(new DeploymentSettings(100, 200, true, false)));
  }

  @Test
  void loadBalancersAndRegistriesAreRefused_awsvpcIsChecked() {
    String base = "{\"serviceName\":\"web\",\"taskDefinition\":\"web\",\"desiredCount\":1,";
    assertInvalid(
        "loadBalancers are not supported by this control plane yet.",
        base
            + "\"loadBalancers\":[{\"targetGroupArn\":\"arn\",\"containerName\":\"app\",\"containerPort\":80}]}");
    assertInvalid(
        "serviceRegistries are not supported by this control plane yet.",
        base + "\"serviceRegistries\":[{\"registryArn\":\"arn\"}]}");
    assertInvalid(
        "The platform version must be null when specifying an EC2 launch type.",
        base + "\"platformVersion\":\"LATEST\"}");
    assertInvalid(
        "subnets can not be empty.",
        base + "\"networkConfiguration\":{\"awsvpcConfiguration\":{\"subnets\":[]}}}");

    CreateServiceRequest accepted =
        CreateServiceRequest.decode(
            CTX,
            json(
                base
                    + "\"networkConfiguration\":{\"awsvpcConfiguration\":{\"subnets\":[\"subnet-1\"]}},"
                    + "\"loadBalancers\":[]}"));
    assertEquals("web", accepted.serviceName());
  }

  private static void assertInvalid(String message, String input) {
    EcsException e =
        assertThrows(EcsException.class, () -> CreateServiceRequest.decode(CTX, json(input)));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(message, e.getMessage());
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
