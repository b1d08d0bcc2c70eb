package io.harbormaster.api.elbv2;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.aws.AwsCall;
import io.harbormaster.api.aws.AwsService;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.common.EventTags;
import io.harbormaster.loadbalancing.LoadBalancer;
import io.harbormaster.loadbalancing.LoadBalancing;
import io.harbormaster.loadbalancing.LoadBalancingIndex;
import io.harbormaster.loadbalancing.TargetGroup;
import io.harbormaster.testing.OneNodeCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ELBv2 handlers on real entities behind real sharding (in-memory journal), input and output in
 * the JSON form the query protocol decodes to and encodes from: what ElbCliIT checks through the
 * CLI, without HTTP and Cassandra.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class ElbHandlersTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("ElbHandlersTest")
          .withCustomConfig(OneNodeCluster.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private AwsService service;

  @BeforeAll
  void start() {
    OneNodeCluster.join(testKit.system());
    EventTags tags = new EventTags(4);
    LoadBalancer.init(testKit.system(), tags);
    TargetGroup.init(testKit.system(), tags);
    LoadBalancingIndex.init(testKit.system(), tags);
    service =
        new ElbHandlers(new LoadBalancing(testKit.system(), Duration.ofSeconds(10), "us-east-1"))
            .service();
  }

  private JsonNode call(String operation, String input) {
    AwsCall call =
        new AwsCall("elasticloadbalancing", operation, ACCOUNT, "us-east-1", "r", Instant.now());
    try {
      return service
          .handler(operation)
          .orElseThrow()
          .handle(call, json(input))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void refused(String code, String operation, String input) {
    try {
      JsonNode out = call(operation, input);
      fail("expected " + code + ", got " + out);
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t != null && !(t instanceof AwsServiceException)) t = t.getCause();
      if (t == null) throw e;
      assertEquals(code, ((AwsServiceException) t).code(), t.getMessage());
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void loadBalancerListenerRuleTargetsAndTheirErrors() {
    String tgName = unique("tg");
    JsonNode tg =
        call(
                "CreateTargetGroup",
                "{\"Name\":\""
                    + tgName
                    + "\",\"Protocol\":\"HTTP\",\"Port\":8080,\"TargetType\":\"ip\","
                    + "\"HealthCheckPath\":\"/health\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"web\"}]}")
            .path("TargetGroups")
            .get(0);
    String tgArn = tg.path("TargetGroupArn").asText();
    assertEquals("/health", tg.path("HealthCheckPath").asText());
    String lbName = unique("alb");
    JsonNode lb =
        call(
                "CreateLoadBalancer",
                "{\"Name\":\"" + lbName + "\",\"Subnets\":[\"subnet-1\",\"subnet-2\"]}")
            .path("LoadBalancers")
            .get(0);
    String lbArn = lb.path("LoadBalancerArn").asText();
    assertEquals("provisioning", lb.path("State").path("Code").asText());

    call(
        "RegisterTargets",
        "{\"TargetGroupArn\":\""
            + tgArn
            + "\",\"Targets\":[{\"Id\":\"127.0.0.1\",\"Port\":8081},{\"Id\":\"127.0.0.2\"}]}");
    JsonNode health =
        call("DescribeTargetHealth", "{\"TargetGroupArn\":\"" + tgArn + "\"}")
            .path("TargetHealthDescriptions");
    assertEquals("unused", health.get(0).path("TargetHealth").path("State").asText());

    String forward = "[{\"Type\":\"forward\",\"TargetGroupArn\":\"" + tgArn + "\"}]";
    JsonNode listener =
        call(
                "CreateListener",
                "{\"LoadBalancerArn\":\""
                    + lbArn
                    + "\",\"Protocol\":\"HTTP\",\"Port\":80,\"DefaultActions\":"
                    + forward
                    + "}")
            .path("Listeners")
            .get(0);
    String listenerArn = listener.path("ListenerArn").asText();
    health =
        call("DescribeTargetHealth", "{\"TargetGroupArn\":\"" + tgArn + "\"}")
            .path("TargetHealthDescriptions");
    assertEquals("initial", health.get(0).path("TargetHealth").path("State").asText());
    assertEquals(
        "Elb.RegistrationInProgress", health.get(0).path("TargetHealth").path("Reason").asText());
    assertEquals(8080, health.get(1).path("Target").path("Port").asInt());

    JsonNode rule =
        call(
                "CreateRule",
                "{\"ListenerArn\":\""
                    + listenerArn
                    + "\",\"Priority\":10,\"Conditions\":[{\"Field\":\"path-pattern\",\"Values\":[\"/api/*\"]}],"
                    + "\"Actions\":[{\"Type\":\"fixed-response\",\"FixedResponseConfig\":{\"StatusCode\":\"418\"}}]}")
            .path("Rules")
            .get(0);
    refused(
        "PriorityInUse",
        "CreateRule",
        "{\"ListenerArn\":\""
            + listenerArn
            + "\",\"Priority\":10,\"Conditions\":[{\"Field\":\"path-pattern\",\"Values\":[\"/b\"]}],\"Actions\":"
            + forward
            + "}");
    JsonNode rules =
        call("DescribeRules", "{\"ListenerArn\":\"" + listenerArn + "\"}").path("Rules");
    assertEquals(2, rules.size());
    assertTrue(rules.get(1).path("IsDefault").asBoolean());
    refused(
        "DuplicateListener",
        "CreateListener",
        "{\"LoadBalancerArn\":\""
            + lbArn
            + "\",\"Protocol\":\"HTTP\",\"Port\":80,\"DefaultActions\":"
            + forward
            + "}");
    String missing = tgArn.substring(0, tgArn.lastIndexOf('/') + 1) + "0123456789abcdef";
    refused(
        "TargetGroupNotFound",
        "DescribeTargetGroups",
        "{\"TargetGroupArns\":[\"" + missing + "\"]}");
    refused(
        "TargetGroupNotFound",
        "CreateListener",
        "{\"LoadBalancerArn\":\""
            + lbArn
            + "\",\"Protocol\":\"HTTP\",\"Port\":81,\"DefaultActions\":[{\"Type\":\"forward\",\"TargetGroupArn\":\""
            + missing
            + "\"}]}");
    refused("ResourceInUse", "DeleteTargetGroup", "{\"TargetGroupArn\":\"" + tgArn + "\"}");

    String nlbArn =
        call(
                "CreateLoadBalancer",
                "{\"Name\":\""
                    + unique("nlb")
                    + "\",\"Type\":\"network\",\"Subnets\":[\"subnet-1\"]}")
            .path("LoadBalancers")
            .get(0)
            .path("LoadBalancerArn")
            .asText();
    refused(
        "InvalidConfigurationRequest",
        "CreateListener",
        "{\"LoadBalancerArn\":\""
            + nlbArn
            + "\",\"Protocol\":\"TCP\",\"Port\":80,\"DefaultActions\":"
            + forward
            + "}");

    call(
        "ModifyTargetGroupAttributes",
        "{\"TargetGroupArn\":\""
            + tgArn
            + "\",\"Attributes\":[{\"Key\":\"deregistration_delay.timeout_seconds\",\"Value\":\"120\"}]}");
    call(
        "DeregisterTargets",
        "{\"TargetGroupArn\":\""
            + tgArn
            + "\",\"Targets\":[{\"Id\":\"127.0.0.1\",\"Port\":8081}]}");
    health =
        call(
                "DescribeTargetHealth",
                "{\"TargetGroupArn\":\""
                    + tgArn
                    + "\",\"Targets\":[{\"Id\":\"127.0.0.1\",\"Port\":8081}]}")
            .path("TargetHealthDescriptions");
    assertEquals("draining", health.get(0).path("TargetHealth").path("State").asText());

    call(
        "AddTags",
        "{\"ResourceArns\":[\"" + lbArn + "\"],\"Tags\":[{\"Key\":\"env\",\"Value\":\"test\"}]}");
    JsonNode tags =
        call("DescribeTags", "{\"ResourceArns\":[\"" + lbArn + "\",\"" + tgArn + "\"]}")
            .path("TagDescriptions");
    assertEquals("env", tags.get(0).path("Tags").get(0).path("Key").asText());
    assertEquals("team", tags.get(1).path("Tags").get(0).path("Key").asText());

    JsonNode all = call("DescribeLoadBalancers", "{\"PageSize\":1}");
    assertEquals(1, all.path("LoadBalancers").size());
    assertTrue(all.has("NextMarker"), all.toString());
    assertEquals(
        java.util.List.of(lbArn),
        java.util.List.of(
            call("DescribeTargetGroups", "{\"Names\":[\"" + tgName + "\"]}")
                .path("TargetGroups")
                .get(0)
                .path("LoadBalancerArns")
                .get(0)
                .asText()));

    call("DeleteRule", "{\"RuleArn\":\"" + rule.path("RuleArn").asText() + "\"}");
    call("DeleteListener", "{\"ListenerArn\":\"" + listenerArn + "\"}");
    call("DeleteLoadBalancer", "{\"LoadBalancerArn\":\"" + lbArn + "\"}");
    call("DeleteLoadBalancer", "{\"LoadBalancerArn\":\"" + lbArn + "\"}");
    call("DeleteTargetGroup", "{\"TargetGroupArn\":\"" + tgArn + "\"}");
    refused("LoadBalancerNotFound", "DescribeLoadBalancers", "{\"Names\":[\"" + lbName + "\"]}");
    refused("TargetGroupNotFound", "DescribeTargetGroups", "{\"Names\":[\"" + tgName + "\"]}");
  }
}
