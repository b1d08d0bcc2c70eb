package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The control plane is killed with SIGKILL in the middle of a rolling update and a new node starts
 * on the same Cassandra. Without any call to the service, the rollout completes: the service entity
 * is started again by sharding (remembered entities) and heals from its events and its tasks.
 * Afterwards Docker runs exactly the desired number of the service's containers, all of the new
 * revision (no over-commit, no orphan), and the service's history still holds the events from
 * before the crash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceRecoveryIT {
  /**
   * sh as PID 1 ignores SIGTERM: each stop takes the whole stop timeout, so the rollout is slow
   * enough to interrupt.
   */
  private static final String STUBBORN = "while :; do sleep 1; done";

  private static final String LABEL = "io.harbormaster.it.service";
  private static final Duration LIMIT = Duration.ofMinutes(3);
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;

  @BeforeAll
  void start() throws Exception {
    docker =
        DockerCluster.start(
            "service-recovery",
            Map.of(
                "harbormaster.service.reconcile-interval", "2s",
                "harbormaster.service.task-refresh-interval", "5s",
                "harbormaster.service.recreate-after", "10s"));
    ecs = docker.ecs();
    cluster = docker.cluster();
  }

  @AfterAll
  void stop() throws Exception {
    if (docker != null) docker.close();
  }

  private String register(String family, String name, String command) {
    Map<String, String> labels = new HashMap<>(SharedDocker.testLabels());
    labels.put(LABEL, name);
    return ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .networkMode(NetworkMode.HOST)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("main")
                            .image(SharedDocker.TEST_IMAGE)
                            .memory(32)
                            .command("sh", "-c", command)
                            .stopTimeout(8)
                            .dockerLabels(labels)
                            .build()))
        .taskDefinition()
        .taskDefinitionArn();
  }

  /** What runs through the agent (ListTasks and DescribeTasks do not ask the service). */
  private List<Task> runningTasks(String name) {
    List<String> arns =
        ecs.listTasks(
                r -> r.cluster(cluster).serviceName(name).desiredStatus(DesiredStatus.RUNNING))
            .taskArns();
    if (arns.isEmpty()) return List.of();
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
  }

  private static List<Container> containers(String name) {
    DockerClient client = SharedDocker.runtime().client();
    return client.listContainersCmd().withLabelFilter(Map.of(LABEL, name)).exec(); // running ones
  }

  @Test
  void aRollingUpdateInterruptedByAKillCompletesAfterTheRestart() throws Exception {
    String name = "roll-" + UUID.randomUUID().toString().substring(0, 6);
    String td1 = register(name, name, STUBBORN);
    String td2 = register(name, name, "echo v2; " + STUBBORN);
    ecs.createService(
        r ->
            r.cluster(cluster)
                .serviceName(name)
                .taskDefinition(td1)
                .desiredCount(4)
                .deploymentConfiguration(c -> c.minimumHealthyPercent(50).maximumPercent(150)));
    Await.until(
        "four running",
        LIMIT,
        () -> ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0),
        s -> s.runningCount() == 4 && s.deployments().size() == 1);
    int eventsBefore =
        ecs.describeServices(r -> r.cluster(cluster).services(name))
            .services()
            .get(0)
            .events()
            .size();

    ecs.updateService(r -> r.cluster(cluster).service(name).taskDefinition(td2));
    List<Task> during =
        Await.until(
            "the rollout under way",
            LIMIT,
            () -> runningTasks(name),
            ts -> ts.stream().anyMatch(t -> t.taskDefinitionArn().equals(td2)));
    // The old tasks ignore SIGTERM for 8 s, so the old deployment keeps tasks (running or stopping)
    // for at least
    // that long after the first new task appears: the kill lands mid-rollout even when new tasks
    // start at once.
    var mid = ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0);
    assertEquals(
        2, mid.deployments().size(), "killed mid-rollout: " + mid.deployments() + " " + during);

    docker.killAndRestartServer("service-recovery-after");

    List<Task> after =
        Await.until(
            "all four tasks of the new revision",
            LIMIT,
            () -> runningTasks(name),
            ts ->
                ts.size() == 4
                    && ts.stream()
                        .allMatch(
                            t ->
                                t.taskDefinitionArn().equals(td2)
                                    && t.lastStatus().equals("RUNNING")));
    Service service =
        Await.until(
            "the service stable",
            LIMIT,
            () -> ecs.describeServices(r -> r.cluster(cluster).services(name)).services().get(0),
            s -> s.runningCount() == 4 && s.deployments().size() == 1);
    assertEquals(td2, service.deployments().get(0).taskDefinition());
    assertEquals("COMPLETED", service.deployments().get(0).rolloutStateAsString());
    assertTrue(service.events().size() > eventsBefore, "no event lost: " + service.events().size());

    List<Container> running =
        Await.until("old containers gone", LIMIT, () -> containers(name), cs -> cs.size() == 4);
    assertEquals(4, running.size(), "exactly the desired containers run in Docker");
    assertEquals(
        after.stream().map(Task::taskArn).sorted().toList(),
        running.stream()
            .map(c -> c.getLabels().get("com.amazonaws.ecs.task-arn"))
            .sorted()
            .toList());
  }
}
