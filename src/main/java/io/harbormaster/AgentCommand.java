package io.harbormaster;

import io.harbormaster.agent.Agents;
import io.harbormaster.agent.DockerHosts;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.protocol.AgentMessages.Attribute;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code harbormaster agent}: registers this host's Docker engine (or a hollow fleet) as container
 * instances.
 */
@Command(
    name = "agent",
    description = "Run an agent: this host's Docker engine as a container instance of a cluster.")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--cluster", description = "The cluster to join (default ${DEFAULT-VALUE}).")
  String cluster = "default";

  @Option(
      names = "--endpoint",
      description = "A control-plane node (default: HARBORMASTER_ENDPOINT).")
  String endpoint;

  @Option(
      names = "--env",
      description = "Credentials written by `up` (default ~/.harbormaster/env).")
  Path envFile = Path.of(System.getProperty("user.home"), ".harbormaster", "env");

  @Option(
      names = "--runtime",
      description = "docker, or hollow for load tests (default ${DEFAULT-VALUE}).")
  String runtime = "docker";

  @Option(names = "--hosts", description = "Hollow hosts to simulate (default ${DEFAULT-VALUE}).")
  int hosts = 1;

  @Option(
      names = "--hollow-cpu",
      description = "CPU units of each hollow host (default ${DEFAULT-VALUE}).")
  int hollowCpu = 4096;

  @Option(
      names = "--hollow-memory",
      description = "Memory MiB of each hollow host (default ${DEFAULT-VALUE}).")
  int hollowMemory = 16384;

  @Option(
      names = "--hollow-start-latency",
      description = "How long a hollow container takes to start (default ${DEFAULT-VALUE}).")
  Duration hollowStartLatency = Duration.ofMillis(50);

  @Option(
      names = "--state-dir",
      description = "The agent's instance id and task state (default ~/.harbormaster/agent).")
  Path stateDir = Path.of(System.getProperty("user.home"), ".harbormaster", "agent");

  @Option(
      names = "--docker-host",
      description =
          "The Docker engine (default: DOCKER_HOST, the default socket, or a private engine).")
  String dockerHost;

  @Option(
      names = "--availability-zone",
      description = "The ecs.availability-zone attribute (default ${DEFAULT-VALUE}).")
  String availabilityZone = "local-1a";

  @Option(
      names = "--task-network",
      description =
          "The Docker network of bridge and awsvpc tasks, created when missing; `bridge` is the"
              + " engine's own (default ${DEFAULT-VALUE}).")
  String taskNetwork = TaskNetworkSettings.DEFAULT_NETWORK;

  @Option(
      names = "--task-subnet",
      description =
          "The task network's IPv4 subnet; the host takes its first address (default"
              + " ${DEFAULT-VALUE}, link-local).")
  String taskSubnet = TaskNetworkSettings.DEFAULT_SUBNET;

  @Option(
      names = "--task-bridge",
      description = "The task network's bridge device on the host (default ${DEFAULT-VALUE}).")
  String taskBridge = TaskNetworkSettings.DEFAULT_BRIDGE_INTERFACE;

  @Option(
      names = "--port-bind-ip",
      description =
          "The host address bridge-mode ports are published on (default ${DEFAULT-VALUE};"
              + " 0.0.0.0 for every interface).")
  String portBindIp = TaskNetworkSettings.DEFAULT_HOST_BIND_IP;

  @Option(
      names = "--pause-image",
      description =
          "The image of awsvpc tasks' pause containers, with sh and sleep (default"
              + " ${DEFAULT-VALUE}).")
  String pauseImage = TaskNetworkSettings.DEFAULT_PAUSE_IMAGE;

  @Option(
      names = "--capacity-provider",
      description =
          "The capacity provider this instance belongs to (its "
              + CapacityProviders.PROVIDER_ATTRIBUTE
              + " attribute); tasks of a strategy naming it are placed here.")
  String capacityProvider;

  @Option(
      names = "--fargate",
      description =
          "Run tasks of the FARGATE and FARGATE_SPOT capacity providers here (the "
              + CapacityProviders.FARGATE_ATTRIBUTE
              + " attribute).")
  boolean fargate;

  /** The attributes the flags above add to ECS's own. */
  List<Attribute> capacityAttributes() {
    List<Attribute> out = new ArrayList<>();
    if (capacityProvider != null)
      out.add(new Attribute(CapacityProviders.PROVIDER_ATTRIBUTE, capacityProvider));
    if (fargate) out.add(new Attribute(CapacityProviders.FARGATE_ATTRIBUTE, null));
    return out;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = EnvFile.credentials(envFile);
    String url = endpoint != null ? endpoint : env.get("HARBORMASTER_ENDPOINT");
    if (url == null || env.get("AWS_ACCESS_KEY_ID") == null) {
      System.err.println(
          "No endpoint or credentials: run `harbormaster up`, or set HARBORMASTER_ENDPOINT, "
              + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
      return 2;
    }
    Agents.Credentials credentials =
        new Agents.Credentials(
            URI.create(url),
            env.get("AWS_ACCESS_KEY_ID"),
            env.get("AWS_SECRET_ACCESS_KEY"),
            env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    Agents agents = new Agents();
    Runtime.getRuntime().addShutdownHook(new Thread(agents::close, "agent-shutdown"));
    if (runtime.equals("hollow")) {
      agents.hollow(
          credentials,
          cluster,
          hosts,
          hollowCpu,
          hollowMemory,
          hollowStartLatency,
          Duration.ofSeconds(10));
      System.out.println(hosts + " hollow hosts are joining cluster " + cluster + " at " + url);
    } else {
      String host =
          dockerHost != null
              ? dockerHost
              : DockerHosts.find(Main.projectHome(), stateDir.resolve("docker"))
                  .map(DockerHosts.Found::dockerHost)
                  .orElse(null);
      if (host == null) {
        System.err.println(
            "No Docker engine found: set DOCKER_HOST or --docker-host (as root, "
                + "scripts/ensure-docker.sh can start one).");
        return 2;
      }
      var agent =
          agents.docker(
              credentials,
              cluster,
              host,
              stateDir,
              availabilityZone,
              TaskNetworkSettings.of(taskNetwork, taskSubnet, taskBridge, portBindIp, pauseImage),
              capacityAttributes());
      var welcome = agent.registered().toCompletableFuture().get();
      System.out.println("Agent registered: " + welcome.containerInstanceArn());
    }
    System.out.flush();
    new CountDownLatch(1).await();
    return 0;
  }
}
