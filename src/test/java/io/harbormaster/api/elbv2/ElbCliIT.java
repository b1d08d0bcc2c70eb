package io.harbormaster.api.elbv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.ServerProcess;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DuplicateListenerException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Elastic Load Balancing v2's control plane through the unmodified clients: the AWS CLI v2 ({@code
 * aws elbv2}, the query protocol with XML answers) and the SDK v2, against a real node on a real
 * Cassandra. The test Cassandra keeps its data between runs, so every name carries a fresh suffix.
 */
class ElbCliIT {
  private static ServerProcess server;
  private static AwsCli aws;
  private static ElasticLoadBalancingV2Client sdk;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("elbv2");
    aws =
        AwsCli.v2()
            .orElseGet(() -> fail("AWS CLI v2 is required: apt-get install -y awscli"))
            .against(server);
    sdk =
        ElasticLoadBalancingV2Client.builder()
            .endpointOverride(URI.create(server.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        server.credentials().accessKeyId(),
                        server.credentials().secretAccessKey())))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofSeconds(60))
                    .build())
            .build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (sdk != null) sdk.close();
    if (server != null) server.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode elbv2(String... args) {
    List<String> all = new ArrayList<>(List.of("elbv2"));
    all.addAll(List.of(args));
    return aws.run(all.toArray(String[]::new)).orFail();
  }

  /** The CLI failed and printed ELBv2's error code as it prints every service error. */
  private static void refused(String code, String... args) {
    List<String> all = new ArrayList<>(List.of("elbv2"));
    all.addAll(List.of(args));
    AwsCli.Result result = aws.run(all.toArray(String[]::new));
    assertFalse(result.succeeded(), () -> "expected " + code + ", got " + result);
    assertTrue(
        result.stderr().contains("An error occurred (" + code + ")"),
        () -> "expected " + code + " in " + result);
  }

  @Test
  void applicationLoadBalancerWithListenerRuleAndTargetsThroughTheCli() throws Exception {
    String tgName = unique("tg");
    JsonNode tg =
        elbv2(
                "create-target-group",
                "--name",
                tgName,
                "--protocol",
                "HTTP",
                "--port",
                "8080",
                "--target-type",
                "ip",
                "--health-check-path",
                "/health",
                "--tags",
                "Key=team,Value=web")
            .path("TargetGroups")
            .get(0);
    String tgArn = tg.path("TargetGroupArn").asText();
    assertTrue(
        tgArn.matches(
            "arn:aws:elasticloadbalancing:us-east-1:\\d{12}:targetgroup/"
                + tgName
                + "/[0-9a-f]{16}"),
        tgArn);
    assertEquals("/health", tg.path("HealthCheckPath").asText());
    assertEquals(30, tg.path("HealthCheckIntervalSeconds").asInt());
    assertEquals(5, tg.path("HealthCheckTimeoutSeconds").asInt());
    assertEquals("200", tg.path("Matcher").path("HttpCode").asText());
    assertEquals("traffic-port", tg.path("HealthCheckPort").asText());

    String lbName = unique("alb");
    JsonNode lb =
        elbv2(
                "create-load-balancer",
                "--name",
                lbName,
                "--subnets",
                "subnet-1",
                "subnet-2",
                "--security-groups",
                "sg-1")
            .path("LoadBalancers")
            .get(0);
    String lbArn = lb.path("LoadBalancerArn").asText();
    assertTrue(lbArn.contains(":loadbalancer/app/" + lbName + "/"), lbArn);
    assertTrue(
        lb.path("DNSName").asText().matches(lbName + "-[0-9a-f]{16}\\.us-east-1\\.elb\\.localhost"),
        lb.toString());
    assertEquals("application", lb.path("Type").asText());
    assertEquals("internet-facing", lb.path("Scheme").asText());
    assertEquals(2, lb.path("AvailabilityZones").size());
    assertEquals("active", awaitActive(lbName));

    // Registered in a group no listener forwards to: unused.
    elbv2(
        "register-targets",
        "--target-group-arn",
        tgArn,
        "--targets",
        "Id=127.0.0.1,Port=8081",
        "Id=127.0.0.2");
    JsonNode health =
        elbv2("describe-target-health", "--target-group-arn", tgArn)
            .path("TargetHealthDescriptions");
    assertEquals(2, health.size(), health.toString());
    assertEquals("unused", health.get(0).path("TargetHealth").path("State").asText());
    assertEquals("Target.NotInUse", health.get(0).path("TargetHealth").path("Reason").asText());

    JsonNode listener =
        elbv2(
                "create-listener",
                "--load-balancer-arn",
                lbArn,
                "--protocol",
                "HTTP",
                "--port",
                "80",
                "--default-actions",
                "Type=forward,TargetGroupArn=" + tgArn)
            .path("Listeners")
            .get(0);
    String listenerArn = listener.path("ListenerArn").asText();
    assertEquals(tgArn, listener.path("DefaultActions").get(0).path("TargetGroupArn").asText());

    // Now in use: initial until the data plane reports; the port defaulted to the group's.
    health =
        elbv2("describe-target-health", "--target-group-arn", tgArn)
            .path("TargetHealthDescriptions");
    assertEquals("initial", health.get(0).path("TargetHealth").path("State").asText());
    assertEquals(
        "Elb.RegistrationInProgress", health.get(0).path("TargetHealth").path("Reason").asText());
    assertEquals(8080, health.get(1).path("Target").path("Port").asInt());
    assertEquals(
        List.of(lbArn),
        List.of(
            elbv2("describe-target-groups", "--target-group-arns", tgArn)
                .path("TargetGroups")
                .get(0)
                .path("LoadBalancerArns")
                .get(0)
                .asText()));

    JsonNode rule =
        elbv2(
                "create-rule",
                "--listener-arn",
                listenerArn,
                "--priority",
                "10",
                "--conditions",
                "[{\"Field\":\"path-pattern\",\"Values\":[\"/api/*\"]},{\"Field\":\"host-header\",\"HostHeaderConfig\":{\"Values\":[\"api.example.localhost\"]}}]",
                "--actions",
                "[{\"Type\":\"fixed-response\",\"FixedResponseConfig\":{\"StatusCode\":\"418\",\"ContentType\":\"text/plain\",\"MessageBody\":\"teapot\"}}]")
            .path("Rules")
            .get(0);
    assertEquals("10", rule.path("Priority").asText());
    refused(
        "PriorityInUse",
        "create-rule",
        "--listener-arn",
        listenerArn,
        "--priority",
        "10",
        "--conditions",
        "Field=path-pattern,Values=/other/*",
        "--actions",
        "Type=forward,TargetGroupArn=" + tgArn);
    JsonNode rules = elbv2("describe-rules", "--listener-arn", listenerArn).path("Rules");
    assertEquals(2, rules.size(), rules.toString());
    assertEquals("default", rules.get(1).path("Priority").asText());
    assertTrue(rules.get(1).path("IsDefault").asBoolean());
    assertEquals("/api/*", rules.get(0).path("Conditions").get(0).path("Values").get(0).asText());

    refused(
        "DuplicateListener",
        "create-listener",
        "--load-balancer-arn",
        lbArn,
        "--protocol",
        "HTTP",
        "--port",
        "80",
        "--default-actions",
        "Type=forward,TargetGroupArn=" + tgArn);
    String missing = tgArn.substring(0, tgArn.lastIndexOf('/') + 1) + "0123456789abcdef";
    refused("TargetGroupNotFound", "describe-target-groups", "--target-group-arns", missing);
    refused(
        "TargetGroupNotFound",
        "create-listener",
        "--load-balancer-arn",
        lbArn,
        "--protocol",
        "HTTP",
        "--port",
        "81",
        "--default-actions",
        "Type=forward,TargetGroupArn=" + missing);
    refused("ResourceInUse", "delete-target-group", "--target-group-arn", tgArn);

    // A network load balancer cannot forward to the application load balancer's HTTP group.
    String nlbName = unique("nlb");
    String nlbArn =
        elbv2(
                "create-load-balancer",
                "--name",
                nlbName,
                "--type",
                "network",
                "--subnets",
                "subnet-1")
            .path("LoadBalancers")
            .get(0)
            .path("LoadBalancerArn")
            .asText();
    assertTrue(nlbArn.contains(":loadbalancer/net/" + nlbName + "/"), nlbArn);
    refused(
        "InvalidConfigurationRequest",
        "create-listener",
        "--load-balancer-arn",
        nlbArn,
        "--protocol",
        "TCP",
        "--port",
        "80",
        "--default-actions",
        "Type=forward,TargetGroupArn=" + tgArn);

    // Deregistered from a group in use: draining for the deregistration delay.
    JsonNode attributes =
        elbv2(
                "modify-target-group-attributes",
                "--target-group-arn",
                tgArn,
                "--attributes",
                "Key=deregistration_delay.timeout_seconds,Value=120",
                "Key=load_balancing.algorithm.type,Value=least_outstanding_requests")
            .path("Attributes");
    assertTrue(attributes.toString().contains("\"Value\":\"120\""), attributes.toString());
    refused(
        "ValidationError",
        "modify-target-group-attributes",
        "--target-group-arn",
        tgArn,
        "--attributes",
        "Key=deregistration_delay.timeout_seconds,Value=9999");
    elbv2("deregister-targets", "--target-group-arn", tgArn, "--targets", "Id=127.0.0.1,Port=8081");
    health =
        elbv2(
                "describe-target-health",
                "--target-group-arn",
                tgArn,
                "--targets",
                "Id=127.0.0.1,Port=8081")
            .path("TargetHealthDescriptions");
    assertEquals("draining", health.get(0).path("TargetHealth").path("State").asText());
    assertEquals(
        "Target.DeregistrationInProgress",
        health.get(0).path("TargetHealth").path("Reason").asText());

    elbv2("add-tags", "--resource-arns", lbArn, "--tags", "Key=env,Value=test");
    JsonNode tags = elbv2("describe-tags", "--resource-arns", lbArn, tgArn).path("TagDescriptions");
    assertEquals("env", tags.get(0).path("Tags").get(0).path("Key").asText());
    assertEquals("team", tags.get(1).path("Tags").get(0).path("Key").asText());

    // Taken apart: the group is free once nothing forwards to it.
    elbv2("delete-rule", "--rule-arn", rule.path("RuleArn").asText());
    elbv2("delete-listener", "--listener-arn", listenerArn);
    elbv2("delete-load-balancer", "--load-balancer-arn", lbArn);
    elbv2("delete-load-balancer", "--load-balancer-arn", nlbArn);
    elbv2("delete-target-group", "--target-group-arn", tgArn);
    refused("LoadBalancerNotFound", "describe-load-balancers", "--names", lbName);
    refused("TargetGroupNotFound", "describe-target-groups", "--names", tgName);
  }

  private static String awaitActive(String lbName) throws InterruptedException {
    String state = "";
    for (int i = 0; i < 50 && !state.equals("active"); i++) {
      state =
          elbv2("describe-load-balancers", "--names", lbName)
              .path("LoadBalancers")
              .get(0)
              .path("State")
              .path("Code")
              .asText();
      if (!state.equals("active")) Thread.sleep(100);
    }
    return state;
  }

  @Test
  void weightedForwardingPagingAndErrorsThroughTheSdk() {
    TargetGroup blue = createGroup(unique("blue"));
    TargetGroup green = createGroup(unique("green"));
    String lbName = unique("sdk");
    LoadBalancer lb =
        sdk.createLoadBalancer(
                r ->
                    r.name(lbName)
                        .type(LoadBalancerTypeEnum.APPLICATION)
                        .subnets("subnet-1", "subnet-2"))
            .loadBalancers()
            .get(0);
    Listener listener =
        sdk.createListener(
                r ->
                    r.loadBalancerArn(lb.loadBalancerArn())
                        .protocol(ProtocolEnum.HTTP)
                        .port(8080)
                        .defaultActions(
                            Action.builder()
                                .type(ActionTypeEnum.FORWARD)
                                .forwardConfig(
                                    ForwardActionConfig.builder()
                                        .targetGroups(
                                            TargetGroupTuple.builder()
                                                .targetGroupArn(blue.targetGroupArn())
                                                .weight(90)
                                                .build(),
                                            TargetGroupTuple.builder()
                                                .targetGroupArn(green.targetGroupArn())
                                                .weight(10)
                                                .build())
                                        .build())
                                .build()))
            .listeners()
            .get(0);
    List<TargetGroupTuple> weighted =
        listener.defaultActions().get(0).forwardConfig().targetGroups();
    assertEquals(2, weighted.size());
    assertEquals(90, weighted.get(0).weight());

    Listener described =
        sdk.describeListeners(r -> r.loadBalancerArn(lb.loadBalancerArn())).listeners().get(0);
    assertEquals(listener.listenerArn(), described.listenerArn());
    List<String> used =
        sdk
            .describeTargetGroups(r -> r.loadBalancerArn(lb.loadBalancerArn()))
            .targetGroups()
            .stream()
            .map(TargetGroup::targetGroupName)
            .sorted()
            .toList();
    assertEquals(
        List.of(blue.targetGroupName(), green.targetGroupName()).stream().sorted().toList(), used);

    sdk.registerTargets(
        r ->
            r.targetGroupArn(blue.targetGroupArn())
                .targets(TargetDescription.builder().id("127.0.0.1").port(9000).build()));
    assertEquals(
        TargetHealthStateEnum.INITIAL,
        sdk.describeTargetHealth(r -> r.targetGroupArn(blue.targetGroupArn()))
            .targetHealthDescriptions()
            .get(0)
            .targetHealth()
            .state());

    // Paging through the account's load balancers one at a time reaches this one.
    List<String> names = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      var page = sdk.describeLoadBalancers(r -> r.pageSize(1).marker(from));
      assertTrue(page.loadBalancers().size() <= 1);
      page.loadBalancers().forEach(l -> names.add(l.loadBalancerName()));
      marker = page.nextMarker();
    } while (marker != null);
    assertTrue(names.contains(lbName), names.toString());

    assertThrows(
        DuplicateListenerException.class,
        () ->
            sdk.createListener(
                r ->
                    r.loadBalancerArn(lb.loadBalancerArn())
                        .protocol(ProtocolEnum.HTTP)
                        .port(8080)
                        .defaultActions(
                            Action.builder()
                                .type(ActionTypeEnum.FORWARD)
                                .targetGroupArn(blue.targetGroupArn())
                                .build())));
    String missing = blue.targetGroupArn().replaceAll("/[0-9a-f]{16}$", "/0000000000000000");
    assertThrows(
        TargetGroupNotFoundException.class,
        () -> sdk.describeTargetHealth(r -> r.targetGroupArn(missing)));

    sdk.deleteLoadBalancer(r -> r.loadBalancerArn(lb.loadBalancerArn()));
    sdk.deleteTargetGroup(r -> r.targetGroupArn(blue.targetGroupArn()));
    sdk.deleteTargetGroup(r -> r.targetGroupArn(green.targetGroupArn()));
  }

  private static TargetGroup createGroup(String name) {
    return sdk.createTargetGroup(
            r -> r.name(name).protocol(ProtocolEnum.HTTP).port(80).targetType(TargetTypeEnum.IP))
        .targetGroups()
        .get(0);
  }

  private static <T extends Throwable> void assertThrows(Class<T> type, Runnable call) {
    org.junit.jupiter.api.Assertions.assertThrows(type, call::run);
  }
}
