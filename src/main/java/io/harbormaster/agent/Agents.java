package io.harbormaster.agent;

import io.harbormaster.agent.logs.LogShipper;
import io.harbormaster.agent.logs.LogShipperSettings;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import io.harbormaster.agent.runtime.docker.DockerRuntime;
import io.harbormaster.agent.runtime.hollow.HollowRuntime;
import io.harbormaster.protocol.AgentMessages.Attribute;
import io.harbormaster.protocol.AgentMessages.HostResources;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds running agents: one on a Docker engine, or a hollow fleet for load tests. Closing stops
 * them all.
 */
public final class Agents implements AutoCloseable {
  private final List<Agent> agents = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(2, daemon("agent-timer"));
  private final HttpClient http = HttpClient.newHttpClient();

  public record Credentials(
      URI endpoint, String accessKeyId, String secretAccessKey, String region) {}

  public List<Agent> agents() {
    return agents;
  }

  /** The agent of this machine's Docker engine; its instance id and task state live in stateDir. */
  public Agent docker(
      Credentials credentials,
      String cluster,
      String dockerHost,
      Path stateDir,
      String availabilityZone) {
    return docker(
        credentials,
        cluster,
        dockerHost,
        stateDir,
        availabilityZone,
        TaskNetworkSettings.DEFAULT,
        List.of());
  }

  /** The agent of this machine's Docker engine, on the task network {@code network}. */
  public Agent docker(
      Credentials credentials,
      String cluster,
      String dockerHost,
      Path stateDir,
      String availabilityZone,
      TaskNetworkSettings network) {
    return docker(credentials, cluster, dockerHost, stateDir, availabilityZone, network, List.of());
  }

  /** The agent of this machine's Docker engine, registering {@code extraAttributes} too. */
  public Agent docker(
      Credentials credentials,
      String cluster,
      String dockerHost,
      Path stateDir,
      String availabilityZone,
      List<Attribute> extraAttributes) {
    return docker(
        credentials,
        cluster,
        dockerHost,
        stateDir,
        availabilityZone,
        TaskNetworkSettings.DEFAULT,
        extraAttributes);
  }

  /**
   * The agent of this machine's Docker engine, whose bridge and awsvpc tasks live on the task
   * network {@code network}, registering {@code extraAttributes} besides ECS's own (a capacity
   * provider's, see {@code harbormaster agent --capacity-provider}).
   */
  public Agent docker(
      Credentials credentials,
      String cluster,
      String dockerHost,
      Path stateDir,
      String availabilityZone,
      TaskNetworkSettings network,
      List<Attribute> extraAttributes) {
    DockerRuntime runtime = DockerRuntime.connect(dockerHost, network);
    ExecutorService pool = Executors.newFixedThreadPool(8, daemon("agent-docker"));
    resources.add(runtime);
    resources.add(pool::shutdownNow);
    // The shipper needs the engine's tasks and the agent's session, the engine the shipper's hook.
    AtomicReference<LogShipper> shipping = new AtomicReference<>();
    RuntimeTaskEngine engine =
        new RuntimeTaskEngine(
            runtime,
            pool,
            timers,
            Optional.of(stateDir.resolve("state")),
            Duration.ofMinutes(10),
            (task, definition, containerId) -> {
              LogShipper s = shipping.get();
              if (s != null) s.beforeStart(task, definition, containerId);
            },
            network.pauseImage());
    resources.add(engine);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int cpu = Runtime.getRuntime().availableProcessors() * 1024;
    // ECS keeps some memory for the OS and the agent; the rest is offered to tasks.
    int memory = (int) Math.max(256, os.getTotalMemorySize() / (1024 * 1024) - 512);
    Agent agent =
        add(
            new AgentSettings(
                credentials.endpoint(),
                cluster,
                credentials.accessKeyId(),
                credentials.secretAccessKey(),
                credentials.region(),
                hostName(),
                new HostResources(cpu, memory, Set.copyOf(AgentSettings.RESERVED_PORTS), Set.of()),
                withExtra(attributes(availabilityZone, "docker"), extraAttributes),
                stateDir.resolve("instance-id"),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30)),
            engine,
            runtime.engineVersion());
    // Containers logging with awslogs: the agent reads their output and ships it over its session.
    LogShipper shipper =
        new LogShipper(
            runtime,
            engine::reports,
            engine::payload,
            agent::sendLogs,
            Optional.of(stateDir.resolve("state")),
            LogShipperSettings.DEFAULTS,
            timers);
    agent.onLogAnswers(shipper::answered);
    shipping.set(shipper);
    resources.add(0, shipper);
    shipper.start();
    return agent;
  }

  /**
   * N simulated hosts in this JVM, the same agent code over a runtime that only pretends to run
   * containers.
   */
  public List<Agent> hollow(
      Credentials credentials,
      String cluster,
      int hosts,
      int cpu,
      int memory,
      Duration startLatency,
      Duration heartbeat) {
    ExecutorService pool = Executors.newFixedThreadPool(8, daemon("agent-hollow"));
    resources.add(pool::shutdownNow);
    List<Agent> fleet = new ArrayList<>();
    String[] zones = {"local-1a", "local-1b", "local-1c"};
    for (int i = 0; i < hosts; i++) {
      ContainerRuntime runtime = new HollowRuntime(timers, startLatency);
      RuntimeTaskEngine engine =
          new RuntimeTaskEngine(runtime, pool, timers, Optional.empty(), Duration.ofMinutes(1));
      resources.add(engine);
      fleet.add(
          add(
              new AgentSettings(
                  credentials.endpoint(),
                  cluster,
                  credentials.accessKeyId(),
                  credentials.secretAccessKey(),
                  credentials.region(),
                  "hollow-" + i,
                  new HostResources(
                      cpu, memory, Set.copyOf(AgentSettings.RESERVED_PORTS), Set.of()),
                  attributes(zones[i % zones.length], "hollow"),
                  null,
                  heartbeat,
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(30)),
              engine,
              "hollow"));
    }
    return fleet;
  }

  private Agent add(AgentSettings settings, TaskEngine engine, String engineVersion) {
    Agent agent = new Agent(settings, http, engine, timers, engineVersion);
    agents.add(agent);
    agent.start();
    return agent;
  }

  private static List<Attribute> withExtra(List<Attribute> own, List<Attribute> extra) {
    List<Attribute> all = new ArrayList<>(own);
    all.addAll(extra);
    return all;
  }

  static List<Attribute> attributes(String availabilityZone, String instanceType) {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x86_64";
    List<Attribute> attrs =
        new ArrayList<>(
            List.of(
                new Attribute("ecs.os-type", "linux"),
                new Attribute("ecs.os-family", "LINUX"),
                new Attribute("ecs.cpu-architecture", arch),
                new Attribute("ecs.availability-zone", availabilityZone),
                new Attribute("ecs.instance-type", instanceType),
                new Attribute("ecs.capability.execution-role-awslogs", null),
                new Attribute("ecs.capability.container-health-check", null)));
    for (int v = 17; v <= 41; v++) {
      attrs.add(new Attribute("com.amazonaws.ecs.capability.docker-remote-api.1." + v, null));
    }
    attrs.add(new Attribute("com.amazonaws.ecs.capability.logging-driver.json-file", null));
    return attrs;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    agents.forEach(Agent::close);
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // closing what is left
      }
    }
    timers.shutdownNow();
  }
}
