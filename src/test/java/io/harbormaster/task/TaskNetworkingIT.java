package io.harbormaster.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Task networking on real Docker through the SDK: bridge tasks with dynamic host ports published on
 * 127.0.0.1, awsvpc tasks with an address of their own on the agent's link-local task network
 * (through a pause container), and networkConfiguration checked against the network mode. Traffic
 * goes only to loopback and to the link-local addresses of tasks this run created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskNetworkingIT {
  /** busybox httpd serving one page that says {@code text}, in the foreground on {@code port}. */
  private static String httpd(int port, String text) {
    return "mkdir -p /srv && echo "
        + text
        + " > /srv/index.html && exec httpd -f -p "
        + port
        + " -h /srv";
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("networking");
    ecs = docker.ecs();
    cluster = docker.cluster();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  @Test
  void threeCopiesOfABridgeTaskWithoutHostPorts_shareOneInstance_eachOnItsOwnLoopbackPort()
      throws Exception {
    String family = unique("web");
    ecs.registerTaskDefinition(
        r ->
            r.family(family)
                .networkMode(NetworkMode.BRIDGE)
                .containerDefinitions(
                    container("web", httpd(80, "hello-bridge"))
                        .portMappings(PortMapping.builder().containerPort(80).build())
                        .build()));

    RunTaskResponse run = ecs.runTask(r -> r.cluster(cluster).taskDefinition(family).count(3));
    assertEquals(List.of(), run.failures());
    List<String> arns = run.tasks().stream().map(Task::taskArn).toList();
    assertEquals(
        1,
        run.tasks().stream().map(Task::containerInstanceArn).distinct().count(),
        "one instance holds the three");

    List<Task> running =
        Await.until(
            "three bridge tasks RUNNING with their bindings",
            Duration.ofMinutes(2),
            () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks(),
            tasks ->
                tasks.stream()
                    .allMatch(
                        t ->
                            t.lastStatus().equals("RUNNING")
                                && !t.containers().get(0).networkBindings().isEmpty()));
    Set<Integer> hostPorts = new HashSet<>();
    for (Task task : running) {
      NetworkBinding binding = task.containers().get(0).networkBindings().get(0);
      assertEquals("127.0.0.1", binding.bindIP(), "published on loopback only");
      assertEquals(80, binding.containerPort());
      assertEquals("tcp", binding.protocolAsString());
      assertTrue(binding.hostPort() > 0, binding.toString());
      hostPorts.add(binding.hostPort());
      assertEquals("hello-bridge", page("http://127.0.0.1:" + binding.hostPort() + "/"));
      assertEquals(List.of(), task.attachments(), "a bridge task has no ENI");
    }
    assertEquals(3, hostPorts.size(), "each copy got a host port of its own: " + hostPorts);

    arns.forEach(arn -> ecs.stopTask(r -> r.cluster(cluster).task(arn)));
  }

  @Test
  void awsvpcTask_hasItsOwnAddress_sharedByItsContainers_andSurvivesAnAgentRestart()
      throws Exception {
    String family = unique("vpc");
    ecs.registerTaskDefinition(
        r ->
            r.family(family)
                .networkMode(NetworkMode.AWSVPC)
                .containerDefinitions(
                    container("web", httpd(8080, "hello-awsvpc"))
                        .portMappings(PortMapping.builder().containerPort(8080).build())
                        .build(),
                    // fetches web's page over localhost and serves it again: they share localhost
                    container(
                            "sidecar",
                            "mkdir -p /copy; until wget -q -O /copy/index.html"
                                + " http://127.0.0.1:8080/; do sleep 0.2; done;"
                                + " exec httpd -f -p 8081 -h /copy")
                        .build()));
    NetworkConfiguration network =
        NetworkConfiguration.builder()
            .awsvpcConfiguration(
                AwsVpcConfiguration.builder()
                    .subnets("subnet-0123456789abcdef0")
                    .securityGroups("sg-0123456789abcdef0")
                    .build())
            .build();

    String arn =
        ecs.runTask(r -> r.cluster(cluster).taskDefinition(family).networkConfiguration(network))
            .tasks()
            .get(0)
            .taskArn();
    Task task =
        Await.until(
            "the awsvpc task RUNNING with its interface",
            Duration.ofMinutes(2),
            () -> describe(arn),
            t ->
                t.lastStatus().equals("RUNNING")
                    && !t.containers().get(0).networkInterfaces().isEmpty());

    assertEquals(1, task.attachments().size());
    Attachment eni = task.attachments().get(0);
    assertEquals("ElasticNetworkInterface", eni.type());
    assertEquals("ATTACHED", eni.status());
    Map<String, String> details =
        eni.details().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
    assertEquals("subnet-0123456789abcdef0", details.get("subnetId"));
    String ip = details.get("privateIPv4Address");
    assertTrue(ip.startsWith("169.254.123."), "on the link-local task network: " + ip);
    assertTrue(details.get("networkInterfaceId").matches("eni-[0-9a-f]{17}"), details.toString());
    assertTrue(
        details.get("macAddress").matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), details.toString());
    assertEquals("ip-" + ip.replace('.', '-') + ".ec2.internal", details.get("privateDnsName"));
    for (Container c : task.containers()) {
      assertEquals(ip, c.networkInterfaces().get(0).privateIpv4Address(), c.name());
      assertEquals(eni.id(), c.networkInterfaces().get(0).attachmentId(), c.name());
      assertEquals(List.of(), c.networkBindings(), "nothing is published on the host");
    }

    assertEquals("hello-awsvpc", page("http://" + ip + ":8080/"));
    assertEquals("hello-awsvpc", page("http://" + ip + ":8081/"), "the sidecar's copy");
    String pause = pauseContainer(arn).id();

    docker.stopAgent();
    docker.startAgent();
    Await.until(
        "the restarted agent reporting the task",
        Duration.ofSeconds(30),
        () -> describe(arn),
        t -> t.lastStatus().equals("RUNNING"));
    assertEquals(
        pause, pauseContainer(arn).id(), "the restarted agent adopted the pause container");
    assertEquals("hello-awsvpc", get("http://" + ip + ":8080/"));

    ecs.stopTask(r -> r.cluster(cluster).task(arn));
    Task stopped =
        Await.until(
            "the awsvpc task STOPPED",
            Duration.ofMinutes(1),
            () -> describe(arn),
            t -> t.lastStatus().equals("STOPPED"));
    assertEquals("DELETED", stopped.attachments().get(0).status());
    assertTrue(pauseContainer(arn).exited(), "the pause container stops with its task");
  }

  @Test
  void twoCopiesOfAnAwsvpcTask_onTheSamePort_shareAHost_eachAtItsOwnAddress() throws Exception {
    String family = unique("vpc2");
    ecs.registerTaskDefinition(
        r ->
            r.family(family)
                .networkMode(NetworkMode.AWSVPC)
                .containerDefinitions(
                    container("web", httpd(8080, "hello-copy"))
                        .portMappings(PortMapping.builder().containerPort(8080).build())
                        .build()));
    NetworkConfiguration network =
        NetworkConfiguration.builder()
            .awsvpcConfiguration(AwsVpcConfiguration.builder().subnets("subnet-1").build())
            .build();

    RunTaskResponse run =
        ecs.runTask(
            r -> r.cluster(cluster).taskDefinition(family).count(2).networkConfiguration(network));
    assertEquals(List.of(), run.failures(), "the same container port is no host port here");
    List<String> arns = run.tasks().stream().map(Task::taskArn).toList();
    List<Task> running =
        Await.until(
            "two awsvpc tasks RUNNING with their interfaces",
            Duration.ofMinutes(2),
            () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks(),
            tasks ->
                tasks.stream()
                    .allMatch(
                        t ->
                            t.lastStatus().equals("RUNNING")
                                && !t.containers().get(0).networkInterfaces().isEmpty()));
    Set<String> addresses = new HashSet<>();
    for (Task task : running) {
      String ip = task.containers().get(0).networkInterfaces().get(0).privateIpv4Address();
      assertTrue(ip.startsWith("169.254.123."), "on the link-local task network: " + ip);
      addresses.add(ip);
      assertEquals("hello-copy", page("http://" + ip + ":8080/"));
    }
    assertEquals(2, addresses.size(), "an address each: " + addresses);

    arns.forEach(arn -> ecs.stopTask(r -> r.cluster(cluster).task(arn)));
  }

  @Test
  void networkConfiguration_isCheckedAgainstTheTaskDefinitionsNetworkMode() {
    String bridge = unique("plain");
    ecs.registerTaskDefinition(
        r ->
            r.family(bridge)
                .networkMode(NetworkMode.BRIDGE)
                .containerDefinitions(container("app", "sleep 1").build()));
    String vpc = unique("vpc");
    ecs.registerTaskDefinition(
        r ->
            r.family(vpc)
                .networkMode(NetworkMode.AWSVPC)
                .containerDefinitions(container("app", "sleep 1").build()));
    NetworkConfiguration some =
        NetworkConfiguration.builder()
            .awsvpcConfiguration(AwsVpcConfiguration.builder().subnets("subnet-1").build())
            .build();
    NetworkConfiguration noSubnets =
        NetworkConfiguration.builder()
            .awsvpcConfiguration(AwsVpcConfiguration.builder().subnets(List.of()).build())
            .build();

    InvalidParameterException notForBridge =
        assertThrows(
            InvalidParameterException.class,
            () ->
                ecs.runTask(
                    r -> r.cluster(cluster).taskDefinition(bridge).networkConfiguration(some)));
    assertEquals(
        "Network Configuration is not valid for the given networkMode of this task definition.",
        notForBridge.awsErrorDetails().errorMessage());
    assertThrows(
        InvalidParameterException.class,
        () -> ecs.runTask(r -> r.cluster(cluster).taskDefinition(vpc)),
        "awsvpc needs a networkConfiguration");
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(unique("svc"))
                        .taskDefinition(vpc)
                        .desiredCount(0)
                        .networkConfiguration(noSubnets)));
    assertThrows(
        InvalidParameterException.class,
        () ->
            ecs.createService(
                r ->
                    r.cluster(cluster)
                        .serviceName(unique("svc"))
                        .taskDefinition(bridge)
                        .desiredCount(0)
                        .networkConfiguration(some)));

    String service = unique("svc");
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(service)
                .taskDefinition(vpc)
                .desiredCount(0)
                .networkConfiguration(some));
    var shown =
        ecs.describeServices(r -> r.cluster(cluster).services(service))
            .services()
            .get(0)
            .networkConfiguration()
            .awsvpcConfiguration();
    assertEquals(List.of("subnet-1"), shown.subnets());
    assertEquals("DISABLED", shown.assignPublicIpAsString());
    ecs.deleteService(r -> r.cluster(cluster).service(service));
  }

  // ---- helpers ----

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private static ContainerDefinition.Builder container(String name, String command) {
    return ContainerDefinition.builder()
        .name(name)
        .image(SharedDocker.TEST_IMAGE)
        .memory(32)
        .stopTimeout(2) // httpd as PID 1 ignores SIGTERM
        .command("sh", "-c", command)
        .dockerLabels(SharedDocker.testLabels());
  }

  private Task describe(String arn) {
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(arn)).tasks().get(0);
  }

  private static ContainerState pauseContainer(String taskArn) {
    List<ContainerState> pause =
        SharedDocker.runtime().listByLabel(ContainerLabels.TASK_ARN, taskArn).stream()
            .filter(
                c ->
                    c.label(ContainerLabels.CONTAINER_NAME)
                        .orElse("")
                        .equals("~internal~ecs~pause"))
            .toList();
    assertEquals(1, pause.size(), "one pause container: " + pause);
    return pause.get(0);
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body().strip();
  }

  /** The page once the server answers (a container is RUNNING before its httpd listens). */
  private String page(String url) {
    return Await.until("GET " + url, Duration.ofSeconds(30), () -> getOrNull(url), p -> p != null);
  }

  private String getOrNull(String url) {
    try {
      return get(url);
    } catch (IOException | AssertionError e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
