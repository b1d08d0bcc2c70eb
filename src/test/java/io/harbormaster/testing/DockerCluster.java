package io.harbormaster.testing;

import io.harbormaster.agent.Agent;
import io.harbormaster.agent.Agents;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A real server process, a fresh cluster, and one in-process agent on the shared private Docker
 * engine joined to it: what every task-on-Docker IT starts from. The agent can be restarted on the
 * same state folder.
 */
public final class DockerCluster implements AutoCloseable {
  /**
   * The agent's task network: the defaults (link-local, ports on 127.0.0.1) with the test image as
   * awsvpc tasks' pause image, since no registry is reachable.
   */
  public static final TaskNetworkSettings TASK_NETWORK =
      TaskNetworkSettings.of(
          TaskNetworkSettings.DEFAULT_NETWORK,
          TaskNetworkSettings.DEFAULT_SUBNET,
          TaskNetworkSettings.DEFAULT_BRIDGE_INTERFACE,
          TaskNetworkSettings.DEFAULT_HOST_BIND_IP,
          SharedDocker.TEST_IMAGE);

  private ServerProcess server;
  private final java.util.Map<String, String> settings;
  private final EcsClient ecs;
  private final String cluster;
  private final Agents.Credentials credentials;
  private final Path agentState;
  private final String dockerHost;
  private Agents agents;

  private DockerCluster(
      ServerProcess server,
      EcsClient ecs,
      String cluster,
      Agents.Credentials credentials,
      Path agentState,
      String dockerHost,
      java.util.Map<String, String> settings) {
    this.server = server;
    this.settings = settings;
    this.ecs = ecs;
    this.cluster = cluster;
    this.credentials = credentials;
    this.agentState = agentState;
    this.dockerHost = dockerHost;
  }

  /**
   * @param name names the server's log and prefixes the cluster's name
   */
  public static DockerCluster start(String name) throws Exception {
    return start(name, java.util.Map.of());
  }

  /**
   * @param settings the server's configuration values of the test (see {@link
   *     ServerProcess#startFirst(String, java.util.Map)})
   */
  public static DockerCluster start(String name, java.util.Map<String, String> settings)
      throws Exception {
    String dockerHost = SharedDocker.dockerHost();
    ServerProcess server = ServerProcess.startFirst(name, settings);
    EcsClient ecs = EcsClients.sync(server);
    String cluster = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    ecs.createCluster(r -> r.clusterName(cluster));
    var c = server.credentials();
    Agents.Credentials credentials =
        new Agents.Credentials(
            URI.create(server.endpoint()), c.accessKeyId(), c.secretAccessKey(), "us-east-1");
    Path state =
        Files.createTempDirectory(ProjectHome.resolve("target").toAbsolutePath(), "agent-");
    DockerCluster started =
        new DockerCluster(server, ecs, cluster, credentials, state, dockerHost, settings);
    started.startAgent();
    return started;
  }

  /**
   * Starts the agent (again, after {@link #stopAgent}) and waits until the control plane welcomed
   * it.
   */
  public void startAgent() throws Exception {
    Agents fresh = new Agents();
    Agent agent =
        fresh.docker(credentials, cluster, dockerHost, agentState, "local-1a", TASK_NETWORK);
    agent.registered().toCompletableFuture().get(60, TimeUnit.SECONDS);
    agents = fresh;
  }

  /** Stops the agent process's part; its containers keep running. */
  public void stopAgent() {
    if (agents != null) agents.close();
    agents = null;
  }

  /**
   * SIGKILL of the control plane, then a new node on the same API port (and Cassandra): the agent's
   * session reconnects by itself and the SDK client keeps working. Nothing is asked of the new node
   * here.
   */
  public void killAndRestartServer(String name) throws Exception {
    int apiPort = server.apiPort();
    server.kill();
    server =
        ServerProcess.start(
            name,
            apiPort,
            io.harbormaster.persistence.FreePorts.pick(),
            java.util.List.of(),
            true,
            settings);
  }

  public ServerProcess server() {
    return server;
  }

  public EcsClient ecs() {
    return ecs;
  }

  public String cluster() {
    return cluster;
  }

  @Override
  public void close() throws Exception {
    stopAgent();
    ecs.close();
    server.close();
  }
}
