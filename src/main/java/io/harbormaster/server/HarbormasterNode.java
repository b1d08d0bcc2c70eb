package io.harbormaster.server;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.harbormaster.account.Account;
import io.harbormaster.account.AccountSettings;
import io.harbormaster.account.ClusterDirectory;
import io.harbormaster.account.RevisionDirectory;
import io.harbormaster.api.CallAuditor;
import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.api.agent.AgentEndpoint;
import io.harbormaster.api.aws.AwsEndpoint;
import io.harbormaster.api.cloudtrail.CloudTrailHandlers;
import io.harbormaster.api.ecs.AccountSettingHandlers;
import io.harbormaster.api.ecs.AdminHandlers;
import io.harbormaster.api.ecs.CapacityProviderHandlers;
import io.harbormaster.api.ecs.ClusterHandlers;
import io.harbormaster.api.ecs.EcsEndpoint;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.api.ecs.EcsPaging;
import io.harbormaster.api.ecs.InstanceHandlers;
import io.harbormaster.api.ecs.ServiceDeploymentHandlers;
import io.harbormaster.api.ecs.ServiceHandlers;
import io.harbormaster.api.ecs.TagHandlers;
import io.harbormaster.api.ecs.TaskDefinitionHandlers;
import io.harbormaster.api.ecs.TaskHandlers;
import io.harbormaster.api.elbv2.ElbHandlers;
import io.harbormaster.api.events.EventApi;
import io.harbormaster.api.logs.LogsHandlers;
import io.harbormaster.audit.AuditTrail;
import io.harbormaster.auth.AccessKeySecrets;
import io.harbormaster.auth.SigV4Verifier;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.EventTags;
import io.harbormaster.events.EventServices;
import io.harbormaster.events.EventsSettings;
import io.harbormaster.events.ResourceKinds;
import io.harbormaster.instance.ClusterInstances;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.loadbalancing.LoadBalancer;
import io.harbormaster.loadbalancing.LoadBalancing;
import io.harbormaster.loadbalancing.LoadBalancingIndex;
import io.harbormaster.loadbalancing.TargetGroup;
import io.harbormaster.logs.LogStore;
import io.harbormaster.logs.LogsSettings;
import io.harbormaster.persistence.CassandraSchema;
import io.harbormaster.persistence.CassandraSessions;
import io.harbormaster.placement.ClusterPlacement;
import io.harbormaster.placement.EntityLaunchPorts;
import io.harbormaster.placement.TaskLauncher;
import io.harbormaster.service.Service;
import io.harbormaster.service.ServiceEffects;
import io.harbormaster.service.ServiceSettings;
import io.harbormaster.service.ServiceTaskNotifications;
import io.harbormaster.task.Task;
import io.harbormaster.task.TaskNotifications;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One control-plane node: a member of the Pekko cluster, its sharded entities, and the ECS API. */
public final class HarbormasterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HarbormasterNode.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final Entities entities;
  private final CqlSession membershipSession;
  private final ClusterFormation formation;
  private final NodeSettings settings;
  private final Clock clock;
  private final NodeLogs logs;

  /** The node's log store with its own Cassandra session and threads. */
  private record NodeLogs(LogStore store, CqlSession session, ExecutorService pool)
      implements AutoCloseable {
    static NodeLogs start(CqlSession session, LogsSettings settings, Clock clock) {
      ExecutorService pool =
          Executors.newFixedThreadPool(
              settings.threads(),
              r -> {
                Thread t = new Thread(r, "log-store");
                t.setDaemon(true);
                return t;
              });
      return new NodeLogs(
          new LogStore(session, CassandraSchema.JOURNAL_KEYSPACE, settings, pool, clock),
          session,
          pool);
    }

    @Override
    public void close() {
      pool.shutdownNow();
      session.close();
    }
  }

  private HarbormasterNode(
      ActorSystem<Void> system,
      ServerBinding binding,
      Entities entities,
      CqlSession membershipSession,
      ClusterFormation formation,
      NodeSettings settings,
      Clock clock,
      NodeLogs logs) {
    this.logs = logs;
    this.system = system;
    this.clock = clock;
    this.binding = binding;
    this.entities = entities;
    this.membershipSession = membershipSession;
    this.formation = formation;
    this.settings = settings;
  }

  public static HarbormasterNode start(NodeSettings given) throws Exception {
    Config config = config(given, ConfigFactory.defaultApplication());
    NodeSettings settings = given.resolvedBy(config);
    NodeSettings.ApiSettings api = NodeSettings.ApiSettings.from(config);
    // One session for the node's own statements: the schema, the installation's secret, then the
    // lease and member heartbeats for as long as the node runs (the journal has sessions of its
    // own). It waits for Cassandra, which may still be booting (`up` starts both at once), while
    // the actor system starts: nothing in it touches Cassandra before the cluster forms.
    CompletableFuture<CqlSession> connecting = new CompletableFuture<>();
    Thread connect =
        new Thread(
            () -> {
              try {
                connecting.complete(
                    CassandraSessions.connectWhenUp(
                        contactPoint(settings),
                        ClusterFormation.driverConfig(),
                        config.getDuration("harbormaster.cassandra.connect-timeout")));
              } catch (Throwable e) {
                connecting.completeExceptionally(e);
              }
            },
            "harbormaster-connect");
    connect.setDaemon(true);
    connect.start();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "harbormaster", config);
    CqlSession membershipSession;
    byte[] pagingSecret;
    try {
      membershipSession = awaitSession(connecting);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
    try {
      pagingSecret = prepareStorage(membershipSession, settings, api);
    } catch (RuntimeException e) {
      system.terminate();
      membershipSession.close();
      throw e;
    }
    // The one clock of the node's entities, controllers and handlers; tests pass their own.
    Clock clock = Clock.systemUTC();
    NodeLogs logs = null;
    try {
      // Container logs have a session of their own: their writes do not queue before the lease's.
      logs =
          NodeLogs.start(
              CassandraSessions.connectWhenUp(
                  contactPoint(settings),
                  CassandraSchema.schemaDriverConfig(),
                  config.getDuration("harbormaster.cassandra.connect-timeout")),
              LogsSettings.from(config),
              clock);
      ClusterFormation formation =
          ClusterFormation.joinOrForm(
              system,
              membershipSession,
              CassandraSchema.JOURNAL_KEYSPACE,
              settings.seedNodes(),
              settings.newCluster(),
              ClusterFormationSettings.from(config),
              clock);
      EventTags tags =
          new EventTags(config.getInt("harbormaster.tags.tag-slices"), untaggedTypes());
      Entities entities = new Entities(system, api.askTimeout(), clock);
      String region = settings.region();
      Account.init(system, tags);
      Cluster.init(system, tags, new ClusterDirectory(system, api.askTimeout()));
      CapacityProviders.init(system, tags);
      AccountSettings.init(system, tags);
      TaskDefinitionFamily.init(system, tags, new RevisionDirectory(system, api.askTimeout()));
      ContainerInstance.init(
          system,
          tags,
          region,
          config.getDuration("harbormaster.placement.reservation-timeout"),
          ClusterPlacement.notifier(system),
          new ClusterInstances(system, api.askTimeout(), clock),
          clock);
      Task.init(
          system,
          tags,
          ServiceTaskNotifications.andThen(
              new TaskNotifications(system, region, clock), new ServiceTaskNotifications(system)));
      ClusterPlacement.init(system, entities, region, clock);
      TaskLauncher launcher = new TaskLauncher(new EntityLaunchPorts(entities), clock);
      Service.init(
          system,
          tags,
          ServiceSettings.from(config),
          new ServiceEffects(system, entities, launcher, clock, api.askTimeout()),
          clock);

      LoadBalancer.init(system, tags);
      TargetGroup.init(system, tags);
      LoadBalancingIndex.init(system, tags);

      EcsPaging paging = new EcsPaging(pagingSecret);
      EcsOperations operations = new EcsOperations();
      new ClusterHandlers(entities, paging).register(operations);
      new CapacityProviderHandlers(entities, paging).register(operations);
      new AccountSettingHandlers(entities, paging).register(operations);
      new TaskDefinitionHandlers(entities, paging).register(operations);
      new TagHandlers(entities).register(operations);
      new AdminHandlers(entities).register(operations);
      InstanceHandlers instances = new InstanceHandlers(entities, paging);
      instances.register(operations);
      new TaskHandlers(entities, paging, instances, launcher).register(operations);
      new ServiceHandlers(entities, paging, instances).register(operations);
      new ServiceDeploymentHandlers(entities, paging, instances).register(operations);

      RequestAuthenticator authenticator =
          new RequestAuthenticator(
              new SigV4Verifier(clock, api.maxClockSkew()),
              new AccessKeySecrets(system, api.askTimeout(), api.credentialCacheTtl(), clock),
              region);
      EventServices eventServices =
          EventServices.start(system, EventsSettings.from(config), tags, region, clock);
      EventApi events = new EventApi(eventServices, authenticator);
      events.register(operations);
      AuditTrail trail =
          new AuditTrail(
              system,
              eventServices.journal().session(),
              config.getString("pekko.persistence.cassandra.journal.keyspace"));
      CallAuditor auditor = new CallAuditor(trail, region);
      EcsEndpoint endpoint =
          new EcsEndpoint(
                  system,
                  entities,
                  operations,
                  authenticator,
                  auditor,
                  new AgentEndpoint(
                      system, entities, authenticator, region, Optional.of(logs.store()), clock),
                  region,
                  clock)
              .withStream(events);
      AwsEndpoint aws =
          new AwsEndpoint(system, authenticator, auditor, endpoint, region, clock)
              .serve(new CloudTrailHandlers(trail, clock).service())
              .serve(new LogsHandlers(logs.store()).service())
              .serve(
                  new ElbHandlers(new LoadBalancing(system, api.askTimeout(), region)).service());
      ServerBinding binding =
          Http.get(system)
              .newServerAt(settings.apiHost(), settings.apiPort())
              .bind(aws)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      log.info("ECS API listening on {}", binding.localAddress());
      return new HarbormasterNode(
          system, binding, entities, membershipSession, formation, settings, clock, logs);
    } catch (Exception e) {
      system.terminate();
      if (logs != null) logs.close();
      membershipSession.close();
      throw e;
    }
  }

  /**
   * The checked-in schema, applied before the journal plugin first touches Cassandra (it
   * autocreates nothing); then the installation's paging secret (the configured one, else the one
   * the installation generated on its first start).
   */
  private static byte[] prepareStorage(
      CqlSession session, NodeSettings settings, NodeSettings.ApiSettings api) {
    if (CassandraSchema.applyIfChanged(session, settings.cqlDir())) {
      log.info("applied the schema from {} (new or changed)", settings.cqlDir());
    }
    return InstallationSecrets.pagingSecret(
        api.pagingSecret(),
        InstallationSecrets.cassandra(session, CassandraSchema.JOURNAL_KEYSPACE),
        new SecureRandom());
  }

  /**
   * The entity types whose events nobody reads by tag: the event stream and the hooks read the tags
   * of the kinds that publish EventBridge events, and nothing else reads tags.
   */
  static Set<String> untaggedTypes() {
    ResourceKinds kinds = ResourceKinds.standard();
    return Stream.of(
            Account.ENTITY_KEY,
            Cluster.ENTITY_KEY,
            TaskDefinitionFamily.ENTITY_KEY,
            ContainerInstance.ENTITY_KEY,
            Task.ENTITY_KEY,
            Service.ENTITY_KEY)
        .map(EntityTypeKey::name)
        .filter(type -> kinds.forType(type).map(kind -> !kind.publishes()).orElse(true))
        .collect(Collectors.toSet());
  }

  private static InetSocketAddress contactPoint(NodeSettings settings) {
    String[] hostPort = settings.cassandraContactPoint().split(":");
    return new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
  }

  /** The session being opened, with its own failure (not the future's wrapper) when it fails. */
  private static CqlSession awaitSession(CompletableFuture<CqlSession> connecting)
      throws Exception {
    try {
      return connecting.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }

  /**
   * The node's config: the command line's options where given, over {@code application}
   * (application.conf and what it includes, with their environment variables), over the libraries'
   * reference.conf.
   */
  public static Config config(NodeSettings settings, Config application) {
    Config overrides =
        ConfigFactory.parseMap(settings.overrides())
            // No seed nodes: ClusterFormation joins or forms the cluster once it has looked at the
            // lease.
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()));
    // Unresolved application.conf under the overrides, so substitutions such as the driver's
    // contact points
    // see the overridden values.
    return ConfigFactory.load(overrides.withFallback(application));
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int apiPort() {
    return binding.localAddress().getPort();
  }

  /**
   * The default account and its first access key, created on the first start and found again after.
   * Right after a start one ask can outlast the API's ask timeout (shard coordinator starting,
   * journal connecting, a busy machine), so both idempotent commands are asked again until {@code
   * timeout} has passed.
   */
  public Account.AccessKey ensureDefaultAccount(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    java.time.Instant now = clock.instant();
    askUntil(
        deadline,
        () ->
            entities.<Account.Command, Account.Summary>ask(
                Account.ENTITY_KEY,
                Account.DEFAULT_ACCOUNT_ID,
                replyTo -> new Account.Create("default", true, now, replyTo)));
    return askUntil(
        deadline,
        () ->
            entities.<Account.Command, Account.AccessKey>ask(
                Account.ENTITY_KEY,
                Account.DEFAULT_ACCOUNT_ID,
                replyTo -> new Account.EnsureAccessKey(now, replyTo)));
  }

  private static <T> T askUntil(long deadline, Supplier<CompletionStage<T>> ask) throws Exception {
    while (true) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        return ask.get().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        boolean serverSide = e.getCause() instanceof EcsException ecs && ecs.httpStatus() >= 500;
        if (!serverSide || System.nanoTime() >= deadline) throw e;
        log.info(
            "the default account did not answer yet ({}); asking again", e.getCause().getMessage());
      }
    }
  }

  /**
   * Why the node stopped when nobody asked it to: the cluster downed it (the split-brain resolver
   * after it lost contact with the side it must keep), it could not join its seeds, ... Empty while
   * it runs, and after a stop that was asked for (SIGTERM, {@link #close()}, leaving the cluster).
   */
  public Optional<CoordinatedShutdown.Reason> unrequestedStopReason() {
    return CoordinatedShutdown.get(system)
        .getShutdownReason()
        .filter(
            reason ->
                !reason.equals(CoordinatedShutdown.jvmExitReason())
                    && !reason.equals(CoordinatedShutdown.actorSystemTerminateReason())
                    && !reason.equals(CoordinatedShutdown.clusterLeavingReason()));
  }

  /** The cluster `up` and its local agent use; CreateCluster is idempotent, as in ECS. */
  public void ensureCluster(String accountId, String name, Duration timeout) throws Exception {
    Cluster.ClusterSpec spec =
        new Cluster.ClusterSpec(
            name, java.util.List.of(), null, null, java.util.List.of(), null, java.util.List.of());
    // The cluster answers once the account's directory lists it.
    entities
        .<Cluster.Command, Cluster.ClusterInfo>ask(
            Cluster.ENTITY_KEY,
            Cluster.entityId(accountId, name),
            replyTo -> new Cluster.Create(spec, clock.instant(), replyTo))
        .toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Entities entities() {
    return entities;
  }

  /**
   * What the node runs with: the command line's options, and the config where they were not given.
   */
  public NodeSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    binding.unbind();
    formation.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the actor system did not stop within 30 s", e);
    }
    membershipSession.close();
    logs.close();
  }

  /** The node's container logs: what the CloudWatch Logs API and the CLI read. */
  public LogStore logStore() {
    return logs.store();
  }
}
