package io.harbormaster;

import io.harbormaster.account.Account;
import io.harbormaster.agent.Agent;
import io.harbormaster.agent.Agents;
import io.harbormaster.agent.DockerHosts;
import io.harbormaster.persistence.CassandraSettings;
import io.harbormaster.persistence.EmbeddedCassandra;
import io.harbormaster.server.HarbormasterNode;
import io.harbormaster.server.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code up | server | admin}. */
@Command(
    name = "harbormaster",
    mixinStandardHelpOptions = true,
    description = "A self-hosted container orchestrator that speaks the Amazon ECS API.",
    subcommands = {
      Main.Up.class,
      Main.Server.class,
      AgentCommand.class,
      AdminCommands.class,
      EventCommands.Events.class,
      EventCommands.History.class,
      EventCommands.Hooks.class
    })
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    // On 2 cores the common fork-join pool has parallelism 1, and CompletableFuture then starts a
    // new thread for
    // every async step (load-tests/RESULTS.md measured ~2,300 thread starts/s and 6x the CPU per
    // request). Must be
    // set before anything touches the pool.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty(
          "java.util.concurrent.ForkJoinPool.common.parallelism",
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) System.exit(code);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  static Path projectHome() {
    return Path.of(System.getProperty("harbormaster.home", ".")).toAbsolutePath().normalize();
  }

  @Command(
      name = "up",
      description =
          "Run everything on this machine: an embedded Cassandra and a control-plane node.")
  static final class Up implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        description = "Where Cassandra's data and the env file live (default ~/.harbormaster).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".harbormaster");

    @Option(
        names = "--port",
        description = "The ECS API port on 127.0.0.1 (default: harbormaster.api.port, 8642).")
    Integer port;

    @Option(
        names = "--cassandra-port",
        description = "Cassandra's CQL port (default ${DEFAULT-VALUE}).")
    int cassandraPort = 9642;

    @Option(
        names = "--cluster-port",
        description = "The Pekko cluster port (default: HARBORMASTER_CLUSTER_PORT, " + "25520).")
    Integer clusterPort;

    @Option(
        names = "--region",
        description =
            "The region in ARNs and signatures (default: HARBORMASTER_REGION, " + "us-east-1).")
    String region;

    @Option(
        names = "--no-agent",
        description = "Do not start the local agent on this machine's Docker engine.")
    boolean noAgent;

    @Option(
        names = "--docker-host",
        description =
            "The local agent's Docker engine (default: DOCKER_HOST, the "
                + "default socket, or a private engine started by scripts/ensure-docker.sh).")
    String dockerHost;

    /**
     * The node's settings: the options given, the config for the others (the API on 127.0.0.1
     * always).
     */
    NodeSettings settings(String cassandraContactPoint, Path home) {
      return new NodeSettings(
          "127.0.0.1", port, clusterPort, List.of(), false, cassandraContactPoint, region, home);
    }

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      Files.createDirectories(dataDir);
      // Before any logger exists: the node's and the agent's logs go to a file; the terminal gets
      // the progress lines below and the banner.
      Path logFile = dataDir.resolve("harbormaster.log");
      System.setProperty("harbormaster.log.file", logFile.toString());
      if (System.getProperty("logback.configurationFile") == null) {
        System.setProperty("logback.configurationFile", "logback-up.xml");
      }
      Path home = projectHome();
      Path cassandraDir = dataDir.resolve("cassandra");
      Agents agents = new Agents();
      AtomicReference<DockerHosts.Found> engine = new AtomicReference<>();
      // On Ctrl-C or SIGTERM: the agent, the node (it flushes its last writes), Cassandra, and a
      // private Docker
      // engine if `up` started one. Registered before anything starts: a signal while Cassandra is
      // still starting
      // must not leave it running without us. Containers of an engine `up` did not start keep
      // running; the next
      // `up` re-adopts them.
      AtomicReference<EmbeddedCassandra> startedCassandra = new AtomicReference<>();
      AtomicReference<HarbormasterNode> startedNode = new AtomicReference<>();
      AtomicBoolean stopping = new AtomicBoolean();
      AtomicBoolean ready = new AtomicBoolean();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopping.set(true);
                    agents.close();
                    HarbormasterNode n = startedNode.get();
                    if (n != null) n.close();
                    EmbeddedCassandra c = startedCassandra.get();
                    try {
                      if (c != null) c.close();
                      else EmbeddedCassandra.stopRunning(cassandraDir);
                    } catch (Exception e) {
                      System.err.println(
                          "harbormaster: stopping the embedded Cassandra failed: " + e);
                    }
                    if (engine.get() != null) DockerHosts.stop(home, engine.get());
                  },
                  "harbormaster-shutdown"));

      System.out.println(
          "Starting the embedded Cassandra (data in "
              + cassandraDir
              + ") and the control plane (log in "
              + logFile
              + ") ...");
      // Both at once: the node starts its actor system while Cassandra boots, and its session
      // waits for the CQL port.
      EmbeddedCassandra cassandra =
          EmbeddedCassandra.launch(
              home, CassandraSettings.local(cassandraDir, cassandraPort, cassandraPort + 1));
      startedCassandra.set(cassandra);
      exitIfCassandraDiesDuringStart(cassandra, ready, stopping);
      HarbormasterNode node =
          HarbormasterNode.start(settings("127.0.0.1:" + cassandra.nativePort(), home));
      startedNode.set(node);
      String nodeRegion = node.settings().region();
      String endpoint = "http://127.0.0.1:" + node.apiPort();
      progress(t0, "Control plane started: ECS API on " + endpoint);

      Account.AccessKey key = node.ensureDefaultAccount(Duration.ofSeconds(60));
      node.ensureCluster(key.accountId(), "default", Duration.ofSeconds(60));
      progress(t0, "Default account and cluster ready");
      String instance =
          noAgent
              ? "(not started: --no-agent)"
              : startLocalAgent(
                  agents, key, endpoint, nodeRegion, home, dockerHost, dataDir, engine);
      if (!noAgent) progress(t0, "Local agent: " + instance);
      Path env = writeEnv(dataDir, key, nodeRegion, endpoint);
      ready.set(true);
      System.out.println();
      System.out.println("Harbormaster is up.");
      System.out.println("  ECS endpoint:      " + endpoint);
      System.out.println("  Web console:       " + endpoint + "/console/");
      System.out.println("  Account:           " + key.accountId());
      System.out.println("  Access key id:     " + key.accessKeyId());
      System.out.println("  Secret access key: " + key.secretAccessKey());
      System.out.println("  Region:            " + nodeRegion);
      System.out.println("  Local agent:       " + instance);
      System.out.println();
      System.out.println("Try:");
      System.out.println("  . " + env);
      System.out.println(
          "  aws ecs create-cluster --cluster-name demo --endpoint-url \"$HARBORMASTER_ENDPOINT\"");
      System.out.println(
          "  aws ecs list-container-instances --endpoint-url \"$HARBORMASTER_ENDPOINT\"");
      System.out.println();
      System.out.println("Ctrl-C stops Harbormaster and its Cassandra.");
      System.out.flush();
      return awaitStop(node);
    }
  }

  private static void progress(long t0, String line) {
    System.out.printf("  %s (%.1f s)%n", line, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The node waits for Cassandra's port for minutes; a Cassandra that exited during start-up ends
   * `up` at once, with the end of its log.
   */
  static void exitIfCassandraDiesDuringStart(
      EmbeddedCassandra cassandra, AtomicBoolean ready, AtomicBoolean stopping) {
    Thread watch =
        new Thread(
            () -> {
              int code = cassandra.onExit().join();
              if (ready.get() || stopping.get()) return;
              System.err.println(
                  "harbormaster: the embedded Cassandra exited with code "
                      + code
                      + " during start-up. "
                      + cassandra.logTail());
              System.exit(1);
            },
            "harbormaster-cassandra-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /**
   * This machine's Docker engine as an instance of the default cluster; without an engine, `up`
   * goes on without.
   */
  static String startLocalAgent(
      Agents agents,
      Account.AccessKey key,
      String endpoint,
      String region,
      Path home,
      String dockerHost,
      Path dataDir,
      java.util.concurrent.atomic.AtomicReference<DockerHosts.Found> engine)
      throws Exception {
    String host = dockerHost;
    if (host == null) {
      DockerHosts.Found found = DockerHosts.find(home, dataDir.resolve("docker")).orElse(null);
      if (found == null)
        return "(no Docker engine found; set DOCKER_HOST, or run as root to start one)";
      engine.set(found);
      host = found.dockerHost();
    }
    Agent agent =
        agents.docker(
            new Agents.Credentials(
                java.net.URI.create(endpoint), key.accessKeyId(), key.secretAccessKey(), region),
            "default",
            host,
            dataDir.resolve("agent"),
            "local-1a");
    return agent
        .registered()
        .toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS)
        .containerInstanceArn();
  }

  static Path writeEnv(Path dataDir, Account.AccessKey key, String region, String endpoint)
      throws Exception {
    Path env = dataDir.resolve("env");
    String text =
        """
        # Written by `harbormaster up`: . this file, then aws ecs ... --endpoint-url "$HARBORMASTER_ENDPOINT"
        export AWS_ACCESS_KEY_ID=%s
        export AWS_SECRET_ACCESS_KEY=%s
        export AWS_DEFAULT_REGION=%s
        export HARBORMASTER_ENDPOINT=%s
        """
            .formatted(key.accessKeyId(), key.secretAccessKey(), region, endpoint);
    Files.writeString(env, text);
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    return env;
  }

  @Command(name = "server", description = "Run one control-plane node of a Harbormaster cluster.")
  static final class Server implements Callable<Integer> {
    @Option(
        names = "--port",
        description = "The ECS API port (default: harbormaster.api.port, 8642).")
    Integer port;

    @Option(
        names = "--host",
        description = "The ECS API address (default: harbormaster.api.host, 127.0.0.1).")
    String host;

    @Option(
        names = "--cluster-port",
        description =
            "This node's Pekko cluster port (default: " + "HARBORMASTER_CLUSTER_PORT, 25520).")
    Integer clusterPort;

    @Option(
        names = "--seed",
        description =
            "host:port of a node's cluster port (repeatable). Give every node the "
                + "same list; only the first seed, or a node without seeds, may form the cluster, and only when no live "
                + "cluster of this installation holds the lease in Cassandra.")
    List<String> seeds = new ArrayList<>();

    @Option(
        names = "--new-cluster",
        description =
            "Form a new cluster even if the lease in Cassandra shows a live "
                + "one; that cluster's nodes stop. Only when every other node is gone for good.")
    boolean newCluster;

    @Option(
        names = "--cassandra",
        description =
            "host:port of Cassandra's CQL port (default: "
                + "harbormaster.cassandra.contact-point, 127.0.0.1:9642).")
    String cassandra;

    @Option(
        names = "--region",
        description =
            "The region in ARNs and signatures (default: HARBORMASTER_REGION, " + "us-east-1).")
    String region;

    @Option(
        names = "--bootstrap-default-account",
        description = "Create the default account if missing and print its key.")
    boolean bootstrapDefaultAccount;

    /** The node's settings: the options given, the config (files, environment) for the others. */
    NodeSettings settings(Path home) {
      return new NodeSettings(host, port, clusterPort, seeds, newCluster, cassandra, region, home);
    }

    @Override
    public Integer call() throws Exception {
      HarbormasterNode node = HarbormasterNode.start(settings(projectHome()));
      Runtime.getRuntime().addShutdownHook(new Thread(node::close, "harbormaster-shutdown"));
      if (bootstrapDefaultAccount) {
        Account.AccessKey key = node.ensureDefaultAccount(Duration.ofSeconds(60));
        System.out.println(
            "default account "
                + key.accountId()
                + " key "
                + key.accessKeyId()
                + " "
                + key.secretAccessKey());
      }
      System.out.println(
          "Harbormaster node ready: ECS endpoint http://"
              + node.settings().apiHost()
              + ":"
              + node.apiPort());
      System.out.flush();
      return awaitStop(node);
    }
  }

  /**
   * Blocks until the node's actor system has terminated. A node that stopped by itself (the cluster
   * downed it, it could not join) exits non-zero, so that a supervisor restarts it and it joins
   * again; a requested stop exits 0.
   */
  static int awaitStop(HarbormasterNode node) {
    node.system().getWhenTerminated().toCompletableFuture().join();
    return node.unrequestedStopReason()
        .map(
            reason -> {
              System.err.println(
                  "harbormaster: the node stopped by itself (" + reason + "); exit status 1");
              return 1;
            })
        .orElse(0);
  }
}
