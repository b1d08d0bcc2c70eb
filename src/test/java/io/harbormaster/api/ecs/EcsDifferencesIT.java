package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Differences from ECS found by probing (issue 15, item 8), each answered as ECS answers it,
 * through the SDK v2.
 */
class EcsDifferencesIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final String CLUSTER = "differences";

  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static EcsClient ecs;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("ecs-differences");
    ecs =
        EcsClients.sync(
            server, SignedHttp.createAccount(server, "differences-" + RUN), serverErrors);
    ecs.createCluster(r -> r.clusterName(CLUSTER));
    ecs.registerTaskDefinition(
        r ->
            r.family("plain")
                .containerDefinitions(
                    ContainerDefinition.builder().name("app").image("nginx").memory(64).build()));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (ecs != null) ecs.close();
    if (server != null) server.close();
    serverErrors.assertNone();
  }

  @Test
  void emptyDescribeListsGetEcsWords() {
    InvalidParameterException tasks =
        assertThrows(
            InvalidParameterException.class,
            () -> ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(List.of())));
    assertEquals("Tasks cannot be empty.", tasks.awsErrorDetails().errorMessage());
    InvalidParameterException instances =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.describeContainerInstances(
                    r -> r.cluster(CLUSTER).containerInstances(List.of())));
    assertEquals(
        "Container Instances cannot be empty.", instances.awsErrorDetails().errorMessage());
  }

  @Test
  void createServiceRefusesLoadBalancersAndEmptySubnets() {
    InvalidParameterException loadBalancers =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.createService(
                    r ->
                        r.cluster(CLUSTER)
                            .serviceName("lb-" + RUN)
                            .taskDefinition("plain")
                            .desiredCount(1)
                            .loadBalancers(
                                LoadBalancer.builder()
                                    .targetGroupArn(
                                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1")
                                    .containerName("app")
                                    .containerPort(80)
                                    .build())));
    assertTrue(loadBalancers.getMessage().contains("loadBalancers"), loadBalancers.getMessage());

    InvalidParameterException subnets =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.createService(
                    r ->
                        r.cluster(CLUSTER)
                            .serviceName("vpc-" + RUN)
                            .taskDefinition("plain")
                            .desiredCount(1)
                            .networkConfiguration(
                                n ->
                                    n.awsvpcConfiguration(
                                        AwsVpcConfiguration.builder()
                                            .subnets(List.of())
                                            .build()))));
    assertEquals("subnets can not be empty.", subnets.awsErrorDetails().errorMessage());

    InvalidParameterException platform =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.createService(
                    r ->
                        r.cluster(CLUSTER)
                            .serviceName("pv-" + RUN)
                            .taskDefinition("plain")
                            .desiredCount(1)
                            .platformVersion("LATEST")));
    assertEquals(
        "The platform version must be null when specifying an EC2 launch type.",
        platform.awsErrorDetails().errorMessage());
    assertTrue(
        ecs.listServices(r -> r.cluster(CLUSTER)).serviceArns().isEmpty(), "nothing was created");
  }

  @Test
  void fargateTaskDefinitionsAreCheckedAndAnsweredAsEcsDoes() {
    ClientException bridge =
        assertThrows(
            ClientException.class,
            () ->
                ecs.registerTaskDefinition(
                    r ->
                        r.family("fargate-bridge")
                            .requiresCompatibilities(Compatibility.FARGATE)
                            .networkMode(NetworkMode.BRIDGE)
                            .cpu("256")
                            .memory("512")
                            .containerDefinitions(
                                ContainerDefinition.builder().name("app").image("nginx").build())));
    assertEquals(
        "Fargate only supports network mode 'awsvpc'.", bridge.awsErrorDetails().errorMessage());

    ClientException size =
        assertThrows(
            ClientException.class,
            () ->
                ecs.registerTaskDefinition(
                    r ->
                        r.family("fargate-size")
                            .requiresCompatibilities(Compatibility.FARGATE)
                            .networkMode(NetworkMode.AWSVPC)
                            .cpu("256")
                            .memory("4096")
                            .containerDefinitions(
                                ContainerDefinition.builder().name("app").image("nginx").build())));
    assertTrue(
        size.awsErrorDetails().errorMessage().startsWith("No Fargate configuration exists"),
        size.getMessage());

    TaskDefinition fargate =
        ecs.registerTaskDefinition(
                r ->
                    r.family("fargate-ok")
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .networkMode(NetworkMode.AWSVPC)
                        .cpu("512")
                        .memory("1024")
                        .containerDefinitions(
                            ContainerDefinition.builder().name("app").image("nginx").build()))
            .taskDefinition();
    assertEquals(List.of(Compatibility.EC2, Compatibility.FARGATE), fargate.compatibilities());
    assertEquals(
        List.of(Compatibility.EC2),
        ecs.describeTaskDefinition(r -> r.taskDefinition("plain"))
            .taskDefinition()
            .compatibilities());
  }

  @Test
  void anInstanceRegistersWithItsIdentityDocumentAndStartTaskRefusesItWithoutAnAgent() {
    ContainerInstance instance =
        ecs.registerContainerInstance(
                r ->
                    r.cluster(CLUSTER)
                        .instanceIdentityDocument(
                            "{\"instanceId\":\"i-0fedcba9876543210\",\"region\":\"us-east-1\"}"))
            .containerInstance();
    assertEquals("i-0fedcba9876543210", instance.ec2InstanceId());
    assertFalse(instance.agentConnected());

    StartTaskResponse started =
        ecs.startTask(
            r ->
                r.cluster(CLUSTER)
                    .taskDefinition("plain")
                    .containerInstances(instance.containerInstanceArn()));
    assertTrue(started.tasks().isEmpty());
    assertEquals("AGENT", started.failures().get(0).reason());
    assertEquals(instance.containerInstanceArn(), started.failures().get(0).arn());
    ecs.deregisterContainerInstance(
        r -> r.cluster(CLUSTER).containerInstance(instance.containerInstanceArn()).force(true));
  }

  @Test
  void describeClustersLeavesOutWhatIncludeDoesNotAsk() {
    var cluster = ecs.describeClusters(r -> r.clusters(CLUSTER)).clusters().get(0);
    assertFalse(cluster.hasTags());
    assertFalse(cluster.hasSettings());
    assertFalse(cluster.hasStatistics());
  }
}
