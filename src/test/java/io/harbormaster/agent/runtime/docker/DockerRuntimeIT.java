package io.harbormaster.agent.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import io.harbormaster.agent.runtime.ContainerEvent;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerNotFoundException;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerSpec.DockerVolume;
import io.harbormaster.agent.runtime.ContainerSpec.HealthCheck;
import io.harbormaster.agent.runtime.ContainerSpec.HostPath;
import io.harbormaster.agent.runtime.ContainerSpec.LogConfiguration;
import io.harbormaster.agent.runtime.ContainerSpec.Mount;
import io.harbormaster.agent.runtime.ContainerSpec.NetworkMode;
import io.harbormaster.agent.runtime.ContainerSpec.PortMapping;
import io.harbormaster.agent.runtime.ContainerSpec.Protocol;
import io.harbormaster.agent.runtime.ContainerSpec.Ulimit;
import io.harbormaster.agent.runtime.ContainerSpec.VolumeScope;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.ContainerState.Health;
import io.harbormaster.agent.runtime.ContainerState.Status;
import io.harbormaster.agent.runtime.EcsContainerSpecs;
import io.harbormaster.agent.runtime.ImagePull;
import io.harbormaster.agent.runtime.ImagePullException;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.SharedDocker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DockerRuntime} against a real engine ({@link SharedDocker}). Containers run with {@code
 * host} or {@code none} networking; bridge mode is only created, never started.
 */
@ExtendWith(SharedDocker.class)
class DockerRuntimeIT {

  private static final String IMAGE = SharedDocker.TEST_IMAGE;

  /** A PID 1 that exits 0 on SIGTERM within a second (sleep 1 finishes, then the trap runs). */
  private static final List<String> TRAPS_TERM =
      List.of("sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 1; done");

  private static DockerRuntime runtime;
  private final List<String> created = new ArrayList<>();
  private final List<String> volumes = new ArrayList<>();

  @BeforeAll
  static void connect() {
    runtime = SharedDocker.runtime();
  }

  @AfterEach
  void removeContainers() {
    created.forEach(runtime::remove);
    volumes.forEach(runtime::removeVolume);
  }

  private ContainerSpec.Builder spec(String... command) {
    return ContainerSpec.builder(IMAGE)
        .command(List.of(command))
        .networkMode(NetworkMode.NONE)
        .labels(SharedDocker.testLabels());
  }

  private String create(ContainerSpec spec) {
    String id = runtime.create(spec);
    created.add(id);
    return id;
  }

  private String run(ContainerSpec spec) {
    String id = create(spec);
    runtime.start(id);
    return id;
  }

  private static ContainerState await(
      String id, Duration within, Predicate<ContainerState> condition) {
    return Await.until(
        "the state of " + id, within, Duration.ofMillis(100), () -> runtime.inspect(id), condition);
  }

  private static String logsOf(String id) throws InterruptedException {
    StringBuilder out = new StringBuilder();
    runtime
        .client()
        .logContainerCmd(id)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(false)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                synchronized (out) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              }
            })
        .awaitCompletion(10, TimeUnit.SECONDS);
    synchronized (out) {
      return out.toString();
    }
  }

  private static InspectContainerResponse rawInspect(String id) {
    return runtime.client().inspectContainerCmd(id).exec();
  }

  // ---- lifecycle ----

  @Test
  void createStart_hostNetwork_runs_thenStopsGracefullyOnSigterm() {
    String id = run(spec().command(TRAPS_TERM).networkMode(NetworkMode.HOST).build());

    ContainerState running = runtime.inspect(id);
    assertEquals(Status.RUNNING, running.status());
    assertTrue(running.running());
    assertNotNull(running.startedAt());
    assertNull(running.finishedAt());
    assertNull(running.exitCode());
    assertEquals(Health.UNKNOWN, running.health(), "no health check");
    assertEquals(IMAGE, running.image());

    long start = System.nanoTime();
    runtime.stop(id, Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    ContainerState stopped = runtime.inspect(id);
    assertEquals(Status.EXITED, stopped.status());
    assertEquals(0, stopped.exitCode(), "the trap exits 0");
    assertFalse(stopped.oomKilled());
    assertTrue(stopped.stoppedReason().isEmpty());
    assertNotNull(stopped.finishedAt());
    assertTrue(
        took.compareTo(Duration.ofSeconds(4)) < 0, "SIGTERM was handled, no 10 s wait: " + took);
  }

  @Test
  void stop_pid1IgnoringSigterm_isKilledAfterTheTimeout() {
    String id = run(spec("sleep", "60").build());

    long start = System.nanoTime();
    runtime.stop(id, Duration.ofSeconds(2));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    ContainerState stopped = runtime.inspect(id);
    assertEquals(Status.EXITED, stopped.status());
    assertEquals(137, stopped.exitCode(), "128 + SIGKILL");
    assertTrue(took.compareTo(Duration.ofMillis(1_900)) >= 0, "waited the stop timeout: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "then killed: " + took);
    System.out.printf(
        "stop of a SIGTERM-ignoring PID 1 with a 2 s timeout took %d ms%n", took.toMillis());
  }

  @Test
  void stop_ofAContainerNotRunning_doesNothing() {
    String id = create(spec("true").build());

    runtime.stop(id, Duration.ofSeconds(1));
    assertEquals(Status.CREATED, runtime.inspect(id).status());
  }

  @Test
  void exitCode_isReported() {
    String id = run(spec("sh", "-c", "exit 3").build());

    ContainerState exited = await(id, Duration.ofSeconds(10), ContainerState::exited);
    assertEquals(3, exited.exitCode());
    assertFalse(exited.oomKilled());
  }

  @Test
  void remove_thenInspect_isNotFound_andRemovingAgainIsFine() {
    String id = run(spec().command(TRAPS_TERM).build());

    runtime.remove(id); // kills the running container
    assertThrows(ContainerNotFoundException.class, () -> runtime.inspect(id));
    runtime.remove(id);
    assertThrows(ContainerNotFoundException.class, () -> runtime.start(id));
  }

  @Test
  void memoryLimit_exceeded_isOomKilled_withEventsAndTheEcsReason() throws Exception {
    List<ContainerEvent> events = new CopyOnWriteArrayList<>();
    try (ContainerRuntime.Subscription ignored = runtime.subscribe(events::add)) {
      String id = run(spec("sh", "-c", "x=a; while :; do x=$x$x; done").memoryHardMiB(16).build());

      ContainerState exited = await(id, Duration.ofSeconds(30), ContainerState::exited);
      assertTrue(exited.oomKilled(), exited.toString());
      assertEquals(137, exited.exitCode());
      assertEquals(
          "OutOfMemoryError: Container killed due to memory usage",
          exited.stoppedReason().orElseThrow());
      assertEquals(16L * 1024 * 1024, rawInspect(id).getHostConfig().getMemory());

      ContainerEvent die = awaitEvent(events, id, ContainerEvent.Type.DIE);
      assertEquals(137, die.exitCode());
      assertEquals(
          "true", die.attributes().get(SharedDocker.TEST_LABEL), "labels come with the event");
      awaitEvent(events, id, ContainerEvent.Type.OOM);
    }
  }

  private static ContainerEvent awaitEvent(
      List<ContainerEvent> events, String id, ContainerEvent.Type type) {
    Predicate<ContainerEvent> wanted =
        event -> event.containerId().equals(id) && event.type() == type;
    Await.until(
        "a " + type + " event for " + id + " among the events",
        Duration.ofSeconds(10),
        Duration.ofMillis(50),
        () -> List.copyOf(events),
        seen -> seen.stream().anyMatch(wanted));
    return events.stream().filter(wanted).findFirst().orElseThrow();
  }

  // ---- health checks ----

  @Test
  void healthCheck_passing_becomesHealthy_withAnEvent() throws Exception {
    List<ContainerEvent> events = new CopyOnWriteArrayList<>();
    try (ContainerRuntime.Subscription ignored = runtime.subscribe(events::add)) {
      // 1 s is below ECS's 5 s minimum: registration enforces that, the runtime does not
      String id =
          run(
              spec()
                  .command(TRAPS_TERM)
                  .healthCheck(
                      new HealthCheck(
                          List.of("CMD-SHELL", "true"),
                          Duration.ofSeconds(1),
                          Duration.ofSeconds(2),
                          1,
                          Duration.ZERO))
                  .build());

      ContainerState healthy =
          await(id, Duration.ofSeconds(20), state -> state.health() == Health.HEALTHY);
      assertTrue(healthy.running());
      assertEquals(
          Health.HEALTHY, awaitEvent(events, id, ContainerEvent.Type.HEALTH_STATUS).health());

      com.github.dockerjava.api.model.HealthCheck check =
          rawInspect(id).getConfig().getHealthcheck();
      assertEquals(List.of("CMD-SHELL", "true"), check.getTest());
      assertEquals(1_000_000_000L, check.getInterval(), "nanoseconds");
      assertEquals(2_000_000_000L, check.getTimeout());
      assertEquals(1, check.getRetries());
    }
  }

  @Test
  void healthCheck_failing_becomesUnhealthy() {
    String id =
        run(
            spec()
                .command(TRAPS_TERM)
                .healthCheck(
                    new HealthCheck(
                        List.of("CMD-SHELL", "false"),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        1,
                        Duration.ZERO))
                .build());

    ContainerState unhealthy =
        await(id, Duration.ofSeconds(20), state -> state.health() == Health.UNHEALTHY);
    assertTrue(
        unhealthy.running(), "Docker keeps an unhealthy container running; ECS decides what to do");
  }

  @Test
  void healthCheck_ecsDefaults_reachDockerInNanoseconds() throws Exception {
    ContainerSpec spec =
        EcsContainerSpecs.fromContainerDefinition(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    "{\"name\":\"app\",\"image\":\""
                        + IMAGE
                        + "\",\"healthCheck\":{\"command\":[\"CMD-SHELL\",\"true\"]}}"),
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"networkMode\":\"none\"}"),
            SharedDocker.testLabels());
    String id = create(spec);

    com.github.dockerjava.api.model.HealthCheck check = rawInspect(id).getConfig().getHealthcheck();
    assertEquals(30_000_000_000L, check.getInterval());
    assertEquals(5_000_000_000L, check.getTimeout());
    assertEquals(3, check.getRetries());
    assertEquals(2, rawInspect(id).getHostConfig().getCpuShares(), "cpu 0 -> 2 shares");
  }

  // ---- re-adoption ----

  @Test
  void listByLabel_findsTheTasksContainer() {
    String taskArn =
        "arn:aws:ecs:us-east-1:000000000000:task/it/"
            + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> labels =
        new HashMap<>(
            ContainerLabels.forTask(
                "arn:aws:ecs:us-east-1:000000000000:cluster/it", taskArn, "web", 1, "app"));
    labels.putAll(SharedDocker.testLabels());
    String id = run(spec().command(TRAPS_TERM).labels(labels).build());
    create(spec("true").labels(SharedDocker.testLabels()).build()); // not that task's

    List<ContainerState> found = runtime.listByLabel(ContainerLabels.TASK_ARN, taskArn);

    assertEquals(1, found.size(), found.toString());
    assertEquals(id, found.get(0).id());
    assertTrue(found.get(0).running());
    assertEquals("app", found.get(0).label(ContainerLabels.CONTAINER_NAME).orElseThrow());
    assertEquals(List.of(), runtime.listByLabel(ContainerLabels.TASK_ARN, taskArn + "-other"));
  }

  // ---- configuration visible in inspect ----

  @Test
  void processSettings_envWorkingDirectoryUserLabels_inInspectAndInTheContainer() throws Exception {
    Map<String, String> labels = new HashMap<>(SharedDocker.testLabels());
    labels.put(ContainerLabels.CONTAINER_NAME, "app");
    String id =
        run(
            spec("sh", "-c", "id -u; pwd; echo $GREETING; ulimit -n")
                .name("hm-it-" + UUID.randomUUID())
                .env(List.of("GREETING=hello from env", "EMPTY="))
                .workingDirectory("/tmp")
                .user("65534:65534")
                .dockerLabels(Map.of("team", "platform", ContainerLabels.CONTAINER_NAME, "spoofed"))
                .labels(labels)
                .ulimits(List.of(new Ulimit("nofile", 1024, 2048)))
                .logConfiguration(
                    new LogConfiguration("json-file", Map.of("max-size", "1m", "max-file", "2")))
                .cpuShares(512)
                .memoryHardMiB(64)
                .memoryReservationMiB(32)
                .build());

    ContainerState exited = await(id, Duration.ofSeconds(10), ContainerState::exited);
    assertEquals(0, exited.exitCode());
    assertEquals(List.of("65534", "/tmp", "hello from env", "1024"), logsOf(id).lines().toList());

    InspectContainerResponse inspected = rawInspect(id);
    assertTrue(
        Arrays.asList(inspected.getConfig().getEnv())
            .containsAll(List.of("GREETING=hello from env", "EMPTY=")));
    assertEquals("/tmp", inspected.getConfig().getWorkingDir());
    assertEquals("65534:65534", inspected.getConfig().getUser());
    assertEquals("platform", inspected.getConfig().getLabels().get("team"));
    assertEquals(
        "app",
        inspected.getConfig().getLabels().get(ContainerLabels.CONTAINER_NAME),
        "the agent's label wins");
    assertTrue(exited.name().startsWith("hm-it-"), exited.name());

    HostConfig host = inspected.getHostConfig();
    assertEquals("json-file", host.getLogConfig().getType().getType());
    assertEquals(Map.of("max-size", "1m", "max-file", "2"), host.getLogConfig().getConfig());
    assertEquals(1, host.getUlimits().length);
    assertEquals("nofile", host.getUlimits()[0].getName());
    assertEquals(1024L, host.getUlimits()[0].getSoftLong());
    assertEquals(2048L, host.getUlimits()[0].getHardLong());
    assertEquals(512, host.getCpuShares());
    assertEquals(64L * 1024 * 1024, host.getMemory());
    assertEquals(32L * 1024 * 1024, host.getMemoryReservation());
    assertEquals("none", host.getNetworkMode());
  }

  @Test
  void bridgeMode_dynamicAndStaticHostPorts_onLoopback_onTheTaskNetwork() {
    // created only: BridgeNetworkingIT starts bridge containers on the task network
    String id =
        create(
            spec("true")
                .networkMode(NetworkMode.BRIDGE)
                .portMappings(
                    List.of(
                        new PortMapping(80, 0, Protocol.TCP),
                        new PortMapping(8080, 18080, Protocol.TCP),
                        new PortMapping(53, 0, Protocol.UDP)))
                .build());

    HostConfig host = rawInspect(id).getHostConfig();
    assertEquals(TaskNetworkSettings.DEFAULT_NETWORK, host.getNetworkMode());
    Map<com.github.dockerjava.api.model.ExposedPort, Ports.Binding[]> bindings =
        host.getPortBindings().getBindings();
    Ports.Binding dynamic = bindings.get(com.github.dockerjava.api.model.ExposedPort.tcp(80))[0];
    assertTrue(
        dynamic.getHostPortSpec() == null || dynamic.getHostPortSpec().isEmpty(),
        "no host port: the engine picks one at start (" + dynamic + ")");
    assertEquals("127.0.0.1", dynamic.getHostIp(), "published on loopback only");
    assertEquals(
        "18080",
        bindings.get(com.github.dockerjava.api.model.ExposedPort.tcp(8080))[0].getHostPortSpec());
    assertTrue(bindings.containsKey(com.github.dockerjava.api.model.ExposedPort.udp(53)));
    assertEquals(List.of(), runtime.inspect(id).networkBindings(), "nothing is bound before start");
  }

  @Test
  void hostMode_networkBindings_areTheContainerPorts() {
    String id =
        run(
            spec()
                .command(TRAPS_TERM)
                .networkMode(NetworkMode.HOST)
                .portMappings(List.of(new PortMapping(18081, 18081, Protocol.TCP)))
                .build());

    assertEquals(
        List.of(new ContainerState.NetworkBinding("0.0.0.0", 18081, 18081, Protocol.TCP)),
        runtime.inspect(id).networkBindings());
  }

  // ---- mounts ----

  @Test
  void hostPathBindMount_isReadable_andReadOnly() throws Exception {
    Path dir =
        Files.createDirectories(
            ProjectHome.resolve("target/it-docker-mounts/" + UUID.randomUUID()));
    Files.writeString(dir.resolve("hello.txt"), "hello from the host\n");
    String id =
        run(
            spec(
                    "sh",
                    "-c",
                    "cat /data/hello.txt; touch /data/new 2>/dev/null && echo writable || echo read-only")
                .mounts(List.of(new Mount(new HostPath(dir.toString()), "/data", true)))
                .build());

    await(id, Duration.ofSeconds(10), ContainerState::exited);
    assertEquals(List.of("hello from the host", "read-only"), logsOf(id).lines().toList());
    assertFalse(Files.exists(dir.resolve("new")));
  }

  @Test
  void namedDockerVolume_isCreatedAndWritable() throws Exception {
    String volume = "hm-it-" + UUID.randomUUID();
    volumes.add(volume);
    String id =
        run(
            spec("sh", "-c", "echo kept > /cache/file && cat /cache/file")
                .mounts(
                    List.of(
                        new Mount(DockerVolume.local(volume, VolumeScope.TASK), "/cache", false)))
                .build());

    assertEquals(0, await(id, Duration.ofSeconds(10), ContainerState::exited).exitCode());
    assertEquals("kept\n", logsOf(id));
    assertNotNull(runtime.client().inspectVolumeCmd(volume).exec());
  }

  @Test
  void sharedVolume_withoutAutoprovision_mustExist() {
    String volume = "hm-it-absent-" + UUID.randomUUID();
    ContainerSpec spec =
        spec("true")
            .mounts(
                List.of(
                    new Mount(
                        new DockerVolume(volume, null, null, null, VolumeScope.SHARED, false),
                        "/x",
                        false)))
            .build();

    RuntimeException e = assertThrows(RuntimeException.class, () -> create(spec));
    assertTrue(e.getMessage().contains("autoprovision"), e.getMessage());
  }

  // ---- images ----

  @Test
  void ensureImage_present_isUsedWithoutPull() {
    ImagePull pull = runtime.ensureImage(IMAGE);

    assertFalse(pull.pulled());
    assertNull(pull.pullStartedAt());
    assertTrue(pull.imageId().startsWith("sha256:"), pull.imageId());
  }

  @Test
  void ensureImage_absent_andUnpullable_failsWithPullTimes() {
    // a registry on loopback that is not there: the pull fails without leaving the machine
    ImagePullException e =
        assertThrows(
            ImagePullException.class,
            () -> runtime.ensureImage("127.0.0.1:1/harbormaster/absent:1"));

    assertTrue(e.getMessage().startsWith("CannotPullContainerError"), e.getMessage());
    assertNotNull(e.pullStartedAt());
    assertFalse(e.pullStoppedAt().isBefore(e.pullStartedAt()));
  }

  // ---- the benchmark's baseline ----

  @Test
  void createPlusStartLatency_medianOfTen() {
    List<Long> total = new ArrayList<>();
    List<Long> creates = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ContainerSpec spec = spec().command(TRAPS_TERM).networkMode(NetworkMode.HOST).build();
      long start = System.nanoTime();
      String id = create(spec);
      long createdAt = System.nanoTime();
      runtime.start(id);
      long end = System.nanoTime();
      total.add(end - start);
      creates.add(createdAt - start);
      assertTrue(runtime.inspect(id).running());
    }
    double median = medianMillis(total);
    System.out.printf(
        "docker create+start latency (docker-java, host network, busybox): median %.1f ms "
            + "(create %.1f ms), min %.1f ms, max %.1f ms over %d runs; load average %s%n",
        median,
        medianMillis(creates),
        total.stream().mapToLong(Long::longValue).min().orElse(0) / 1e6,
        total.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6,
        total.size(),
        loadAverage());
    assertTrue(median < 5_000, "median " + median + " ms");
  }

  private static double medianMillis(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    int n = sorted.size();
    return (n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0)
        / 1e6;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
