package io.harbormaster.server;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import io.harbormaster.server.ControlPlaneLease.Lease;
import io.harbormaster.server.ControlPlaneLease.Member;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node becomes a member of its installation's one Pekko cluster, and how that cluster keeps
 * it the only one.
 *
 * <p>Two clusters on one journal run two writers of the same entities and corrupt their histories,
 * and Pekko's seed nodes alone do not prevent it: a first seed that finds no other seed within
 * seed-node-timeout forms a cluster of its own. So a node forms a cluster only when (1) it may (no
 * seeds, or it is the first of its seed list, or {@code --new-cluster}), (2) Cassandra shows no
 * live cluster of the installation (a lease renewed by another address, or a fresh member
 * heartbeat), (3) the nodes it knows of did not let it join within first-join-attempt, and (4) it
 * takes the lease in a lightweight transaction. Otherwise it only joins: through its seeds and
 * every node that was a member lately. Once a member, every node renews the lease with {@code IF
 * cluster_id = ours}; a node that finds another cluster's id there stops (exit 1), so even a forced
 * second cluster ({@code --new-cluster} beside a live one) leaves one writer within a renew
 * interval.
 */
public final class ClusterFormation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);
  private static final String SYSTEM = "harbormaster";

  /** What a starting node does, from what it knows. */
  enum Plan {
    /** {@code --new-cluster}: take the lease whoever holds it and form a cluster. */
    FORM_BY_FORCE,
    /**
     * No live cluster, and this node may form one: try joining the nodes it knows of, then form.
     */
    JOIN_OR_FORM,
    /** A live cluster exists, or this node may not form one: join, never form. */
    JOIN_ONLY
  }

  /** The reason a node stops when another cluster of its installation holds the lease. */
  public static final CoordinatedShutdown.Reason LEASE_LOST =
      new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
          return "another cluster of this installation holds the control-plane lease";
        }
      };

  /** The reason a node stops when it could neither join nor form a cluster in time. */
  public static final CoordinatedShutdown.Reason NOT_JOINED =
      new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
          return "could not join the control plane's cluster";
        }
      };

  static Plan plan(
      String self,
      List<String> seeds,
      boolean newCluster,
      Optional<Lease> lease,
      List<Member> members,
      Instant now,
      Duration ttl) {
    if (newCluster) return Plan.FORM_BY_FORCE;
    if (liveClusterElsewhere(self, lease, members, now, ttl)) return Plan.JOIN_ONLY;
    boolean mayForm = seeds.isEmpty() || seeds.get(0).equals(self);
    return mayForm ? Plan.JOIN_OR_FORM : Plan.JOIN_ONLY;
  }

  /**
   * Whether a cluster other than a previous incarnation of this node is alive: the lease was
   * renewed by another address, or another member's heartbeat is fresh. This node holds its own
   * address (its port is bound), so a lease or heartbeat of that address is a dead incarnation of
   * it, e.g. after a kill -9.
   */
  static boolean liveClusterElsewhere(
      String self, Optional<Lease> lease, List<Member> members, Instant now, Duration ttl) {
    boolean leaseElsewhere = lease.isPresent() && !self.equals(lease.get().holder());
    return leaseElsewhere
        || members.stream().anyMatch(m -> !m.address().equals(self) && m.aliveAt(now, ttl));
  }

  /**
   * Where to look for the cluster: the seeds, then the members that did not leave gracefully; never
   * this node itself. With no live cluster in sight ({@code plan} JOIN_OR_FORM) only members whose
   * heartbeat lapsed lately are worth a try (a cluster that lost Cassandra but not the network);
   * members dead for longer would only delay the start.
   */
  static List<String> joinCandidates(
      String self, List<String> seeds, List<Member> members, Plan plan, Instant now, Duration ttl) {
    Set<String> candidates = new LinkedHashSet<>(seeds);
    members.stream()
        .filter(m -> m.seenAt() != null)
        .filter(m -> plan == Plan.JOIN_ONLY || m.aliveAt(now, ttl.multipliedBy(3)))
        .forEach(m -> candidates.add(m.address()));
    candidates.remove(self);
    return List.copyOf(candidates);
  }

  private final ActorSystem<?> system;
  private final ControlPlaneLease lease;
  private final String self;
  private final ClusterFormationSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService renewals;
  private volatile String clusterId;
  private volatile Instant unknownSince;
  private volatile boolean stopped;
  private volatile boolean failingToRenew;

  private ClusterFormation(
      ActorSystem<?> system,
      ControlPlaneLease lease,
      String self,
      ClusterFormationSettings settings,
      Clock clock) {
    this.system = system;
    this.lease = lease;
    this.self = self;
    this.settings = settings;
    this.clock = clock;
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "control-plane-lease");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Joins the installation's live cluster, or forms it when there is none and this node may;
   * returns once this node is Up, with the lease renewal running. Throws when that did not happen
   * within join-timeout.
   *
   * @param seeds host:port of other nodes' cluster ports (this node's own may be among them)
   */
  public static ClusterFormation joinOrForm(
      ActorSystem<?> system,
      CqlSession session,
      String keyspace,
      List<String> seeds,
      boolean newCluster,
      ClusterFormationSettings settings,
      Clock clock)
      throws InterruptedException {
    Cluster cluster = Cluster.get(system);
    Address selfAddress = cluster.selfMember().address();
    String self = selfAddress.host().get() + ":" + selfAddress.port().get();
    List<String> normalizedSeeds =
        seeds.stream().map(ClusterFormation::normalize).distinct().toList();
    ClusterFormation formation =
        new ClusterFormation(
            system,
            new ControlPlaneLease(session, keyspace, settings.leaseTtl()),
            self,
            settings,
            clock);
    long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
    List<String> joiningThrough = null;
    String formedId = null;
    boolean warnedLive = false;
    while (!isMember(cluster)) {
      if (System.nanoTime() > deadline) {
        formation.renewals.shutdownNow();
        throw new IllegalStateException(
            "this node ("
                + self
                + ") could neither join a live cluster of this "
                + "installation nor form one within "
                + settings.joinTimeout()
                + (joiningThrough == null ? "" : "; it tried to join through " + joiningThrough)
                + ". If every other node is gone for good, start it "
                + "with --new-cluster.");
      }
      Optional<Lease> current;
      List<Member> members;
      try {
        current = formation.lease.read();
        members = formation.lease.members();
      } catch (RuntimeException e) {
        log.warn(
            "cannot read the control-plane lease from Cassandra yet ({}); trying again",
            e.toString());
        Thread.sleep(1000);
        continue;
      }
      Instant now = clock.instant();
      Plan plan =
          plan(self, normalizedSeeds, newCluster, current, members, now, settings.leaseTtl());
      List<String> candidates =
          joinCandidates(self, normalizedSeeds, members, plan, now, settings.leaseTtl());
      if (plan == Plan.FORM_BY_FORCE) {
        formedId = newClusterId();
        log.warn(
            "--new-cluster: taking the control-plane lease{} and forming cluster {}",
            current
                .map(l -> " from cluster " + l.clusterId() + " (renewed by " + l.holder() + ")")
                .orElse(""),
            formedId);
        formation.lease.seize(formedId, self, now);
        cluster.manager().tell(Join.create(selfAddress));
        break;
      }
      if (!candidates.isEmpty() && !candidates.equals(joiningThrough)) {
        joiningThrough = candidates;
        log.info("joining the control plane's cluster through {}", candidates);
        cluster
            .manager()
            .tell(new JoinSeedNodes(candidates.stream().map(ClusterFormation::address).toList()));
      }
      if (plan == Plan.JOIN_ONLY) {
        if (!warnedLive && current.isPresent()) {
          warnedLive = true;
          log.info(
              "a live cluster {} of this installation holds the control-plane lease (renewed by {} at {}): "
                  + "this node joins it and never forms a cluster of its own",
              current.get().clusterId(),
              current.get().holder(),
              current.get().renewedAt());
        }
        awaitMember(cluster, Duration.ofSeconds(2));
        continue;
      }
      // JOIN_OR_FORM
      if (!candidates.isEmpty() && awaitMember(cluster, settings.firstJoinAttempt())) break;
      String id = newClusterId();
      if (formation.lease.claim(id, self, current.map(Lease::clusterId), clock.instant())) {
        formedId = id;
        log.info(
            "no live cluster of this installation answered or holds the lease: forming cluster {}",
            id);
        cluster.manager().tell(Join.create(selfAddress));
        break;
      }
      log.info("another node took the control-plane lease first; joining its cluster");
    }
    formation.clusterId = formedId;
    formation.unknownSince = clock.instant();
    if (!awaitUp(
        cluster,
        Duration.ofNanos(
            Math.max(deadline - System.nanoTime(), Duration.ofSeconds(30).toNanos())))) {
      formation.renewals.shutdownNow();
      throw new IllegalStateException(
          "this node ("
              + self
              + ") joined the cluster but was not moved to Up within "
              + settings.joinTimeout());
    }
    formation.start();
    return formation;
  }

  private void start() {
    system.getWhenTerminated().thenRun(renewals::shutdownNow);
    long interval = settings.renewInterval().toMillis();
    renewals.scheduleWithFixedDelay(this::renew, 0, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * One renewal: this member's heartbeat, then the lease; a lease held by another cluster stops
   * this node.
   */
  private void renew() {
    if (stopped) return;
    try {
      Instant now = clock.instant();
      if (clusterId == null) {
        // A node that joined learns its cluster's id from the lease, which the other members renew.
        Optional<Lease> current = lease.read();
        if (current.isPresent()) {
          clusterId = current.get().clusterId();
        } else if (now.isAfter(unknownSince.plus(settings.leaseTtl()))) {
          String id = newClusterId();
          if (lease.claim(id, self, Optional.empty(), now)) clusterId = id;
        }
        if (clusterId == null) return;
      }
      lease.heartbeat(self, clusterId, now);
      if (lease.renew(clusterId, self, now)
          instanceof ControlPlaneLease.Renewal.HeldByAnother another) {
        stopped = true;
        log.error(
            "another Pekko cluster of this installation ({}, renewed by {} at {}) holds the control-plane lease, "
                + "not this node's cluster {}: two clusters would both write the journal, so this node stops (exit 1). "
                + "Started again, it joins the cluster that holds the lease.",
            another.lease().clusterId(),
            another.lease().holder(),
            another.lease().renewedAt(),
            clusterId);
        CoordinatedShutdown.get(system).runAll(LEASE_LOST);
        return;
      }
      if (failingToRenew) log.info("the control-plane lease is renewed again");
      failingToRenew = false;
    } catch (RuntimeException e) {
      // Cassandra is unreachable: the node keeps running (the lease lapses after its TTL and is
      // taken again, or the
      // node learns it lost it, once Cassandra answers).
      if (!failingToRenew)
        log.warn("cannot renew the control-plane lease ({}); trying again", e.toString());
      failingToRenew = true;
    }
  }

  /** The cluster this node belongs to, once known. */
  public Optional<String> clusterId() {
    return Optional.ofNullable(clusterId);
  }

  /**
   * A graceful leave: the heartbeat ends, and the last member gives the lease back so a restart
   * need not wait.
   */
  @Override
  public void close() {
    stopped = true;
    renewals.shutdownNow();
    try {
      Cluster cluster = Cluster.get(system);
      boolean last =
          java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
              .filter(m -> !m.address().equals(cluster.selfMember().address()))
              .noneMatch(
                  m ->
                      m.status() == MemberStatus.up()
                          || m.status() == MemberStatus.weaklyUp()
                          || m.status() == MemberStatus.joining());
      lease.leave(self, Optional.ofNullable(clusterId), last);
    } catch (RuntimeException e) {
      log.warn(
          "could not record this node's leave in Cassandra ({}); its heartbeat lapses after {}",
          e.toString(),
          settings.leaseTtl());
    }
  }

  private static boolean isMember(Cluster cluster) {
    MemberStatus status = cluster.selfMember().status();
    return status == MemberStatus.joining()
        || status == MemberStatus.weaklyUp()
        || status == MemberStatus.up();
  }

  private static boolean awaitMember(Cluster cluster, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (isMember(cluster)) return true;
      Thread.sleep(100);
    }
    return isMember(cluster);
  }

  private static boolean awaitUp(Cluster cluster, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (cluster.selfMember().status() == MemberStatus.up()) return true;
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * The node's own session's driver settings (schema, secret, lease): the schema session's (see
   * {@link io.harbormaster.persistence.CassandraSchema#schemaDriverConfig()}: DDL gets its own
   * longer timeout per statement), but reconnecting at least every 2 s (the default grows to 60 s,
   * and the lease has a TTL of seconds) and allowing a lightweight transaction 5 s on a busy
   * machine.
   */
  public static DriverConfigLoader driverConfig() {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10));
    options.put(TypedDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500));
    options.put(TypedDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2));
    options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5));
    return DriverConfigLoader.fromMap(options);
  }

  private static String newClusterId() {
    return UUID.randomUUID().toString();
  }

  /**
   * host:port as the lease and heartbeats name nodes; "localhost" is the loopback address Pekko
   * binds.
   */
  static String normalize(String hostPort) {
    return hostPort.startsWith("localhost:")
        ? "127.0.0.1:" + hostPort.substring("localhost:".length())
        : hostPort;
  }

  private static Address address(String hostPort) {
    return AddressFromURIString.parse("pekko://" + SYSTEM + "@" + hostPort);
  }
}
