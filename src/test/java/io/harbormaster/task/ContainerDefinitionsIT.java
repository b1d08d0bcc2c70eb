package io.harbormaster.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.sun.net.httpserver.HttpServer;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.DockerCluster;
import io.harbormaster.testing.SharedDocker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerRestartPolicy;
import software.amazon.awssdk.services.ecs.model.EnvironmentFile;
import software.amazon.awssdk.services.ecs.model.EnvironmentFileType;
import software.amazon.awssdk.services.ecs.model.HostEntry;
import software.amazon.awssdk.services.ecs.model.HostVolumeProperties;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LinuxParameters;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.Volume;

/**
 * Container definition members that used to be notes, honoured on real Docker through the SDK v2:
 * hostname, extraHosts, an init process, environment files (file: and loopback http), and ECS's
 * container restart policy run by the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerDefinitionsIT {
  private DockerCluster docker;
  private EcsClient ecs;
  private String cluster;
  private HttpServer envServer;

  @BeforeAll
  void start() throws Exception {
    docker = DockerCluster.start("containerdefs");
    ecs = docker.ecs();
    cluster = docker.cluster();
    envServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    envServer.createContext(
        "/web.env",
        exchange -> {
          byte[] body = "FROM_HTTP=served\nSHARED=from-http\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    envServer.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (envServer != null) envServer.stop(0);
    if (docker != null) docker.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private String run(String taskDefinitionArn) {
    RunTaskResponse run = ecs.runTask(r -> r.cluster(cluster).taskDefinition(taskDefinitionArn));
    assertTrue(run.failures().isEmpty(), run.failures().toString());
    return run.tasks().get(0).taskArn();
  }

  private Task describe(String taskArn) {
    return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
  }

  private static Volume hostVolume(Path dir) {
    return Volume.builder()
        .name("out")
        .host(HostVolumeProperties.builder().sourcePath(dir.toString()).build())
        .build();
  }

  private static MountPoint outMount() {
    return MountPoint.builder().sourceVolume("out").containerPath("/out").build();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void hostnameExtraHostsInitAndEnvironmentFilesReachTheContainer(@TempDir Path dir)
      throws Exception {
    Path envFile =
        Files.writeString(dir.resolve("local.env"), "# local\nFROM_FILE=read\nSHARED=from-file\n");
    String family = unique("defs");
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .networkMode(NetworkMode.NONE)
                        .volumes(hostVolume(dir))
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(32)
                                .stopTimeout(2)
                                .dockerLabels(SharedDocker.testLabels())
                                .hostname("web-1")
                                .extraHosts(
                                    HostEntry.builder()
                                        .hostname("db.internal")
                                        .ipAddress("169.254.77.7")
                                        .build())
                                .linuxParameters(
                                    LinuxParameters.builder().initProcessEnabled(true).build())
                                .environment(
                                    KeyValuePair.builder().name("DEFINED").value("inline").build())
                                .environmentFiles(
                                    EnvironmentFile.builder()
                                        .type(EnvironmentFileType.S3)
                                        .value(envFile.toUri().toString())
                                        .build(),
                                    EnvironmentFile.builder()
                                        .type(EnvironmentFileType.S3)
                                        .value(
                                            "http://127.0.0.1:"
                                                + envServer.getAddress().getPort()
                                                + "/web.env")
                                        .build())
                                .mountPoints(outMount())
                                .command(
                                    "sh",
                                    "-c",
                                    "{ echo host=$(hostname); grep db.internal /etc/hosts;"
                                        + " echo pid1=$(cat /proc/1/cmdline); env; echo END; }"
                                        + " > /out/facts; trap 'exit 0' TERM;"
                                        + " while :; do sleep 1; done")
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String taskArn = run(td);
    String facts =
        Await.until(
            "the container wrote its facts",
            Duration.ofMinutes(2),
            () -> read(dir.resolve("facts")),
            text -> text.contains("END"));

    assertTrue(facts.contains("host=web-1"), facts);
    assertTrue(facts.contains("169.254.77.7") && facts.contains("db.internal"), facts);
    assertTrue(facts.contains("pid1=/sbin/docker-init"), "PID 1 is Docker's init: " + facts);
    assertTrue(facts.contains("DEFINED=inline"), facts);
    assertTrue(facts.contains("FROM_FILE=read"), facts);
    assertTrue(facts.contains("FROM_HTTP=served"), facts);
    assertTrue(
        facts.contains("SHARED=from-file"), "the first file naming a variable wins: " + facts);
    Task running = describe(taskArn);
    assertEquals("RUNNING", running.lastStatus());
    InspectContainerResponse inspect = inspect(running.containers().get(0));
    assertTrue(inspect.getHostConfig().getInit());
    assertEquals(
        List.of("db.internal:169.254.77.7"),
        Arrays.asList(inspect.getHostConfig().getExtraHosts()));
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
  }

  @Test
  void restartPolicyRestartsAContainerThatExitsOneAfterItsAttemptPeriod(@TempDir Path dir) {
    String family = unique("restart");
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .networkMode(NetworkMode.NONE)
                        .volumes(hostVolume(dir))
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(32)
                                .stopTimeout(2)
                                .dockerLabels(SharedDocker.testLabels())
                                .restartPolicy(
                                    ContainerRestartPolicy.builder()
                                        .enabled(true)
                                        .restartAttemptPeriod(60)
                                        .build())
                                .mountPoints(outMount())
                                .command("sh", "-c", "echo start >> /out/starts; sleep 62; exit 1")
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String taskArn = run(td);
    String firstRuntimeId =
        Await.until(
                "the task runs",
                Duration.ofMinutes(2),
                () -> describe(taskArn),
                t -> "RUNNING".equals(t.lastStatus()))
            .containers()
            .get(0)
            .runtimeId();

    Await.until(
        "the container was started a second time",
        Duration.ofMinutes(3),
        () -> read(dir.resolve("starts")),
        text -> text.lines().count() >= 2);

    Task task = describe(taskArn);
    assertEquals("RUNNING", task.lastStatus(), "a restarted container keeps its task running");
    Container main = task.containers().get(0);
    assertEquals(firstRuntimeId, main.runtimeId(), "the same container is started again");
    assertEquals("RUNNING", main.lastStatus());
    ecs.stopTask(r -> r.cluster(cluster).task(taskArn));
  }

  @Test
  void restartPolicyLeavesAnExitWithinTheAttemptPeriodFinal() {
    String family = unique("no-restart");
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .networkMode(NetworkMode.NONE)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image(SharedDocker.TEST_IMAGE)
                                .memory(32)
                                .dockerLabels(SharedDocker.testLabels())
                                .restartPolicy(
                                    ContainerRestartPolicy.builder()
                                        .enabled(true)
                                        .restartAttemptPeriod(60)
                                        .build())
                                .command("sh", "-c", "exit 1")
                                .build()))
            .taskDefinition()
            .taskDefinitionArn();
    String taskArn = run(td);
    Task stopped =
        Await.until(
            "the task stops",
            Duration.ofMinutes(2),
            () -> describe(taskArn),
            t -> "STOPPED".equals(t.lastStatus()));
    assertEquals("EssentialContainerExited", stopped.stopCodeAsString());
    assertEquals(1, stopped.containers().get(0).exitCode());
  }

  private static InspectContainerResponse inspect(Container container) {
    return SharedDocker.runtime().client().inspectContainerCmd(container.runtimeId()).exec();
  }
}
