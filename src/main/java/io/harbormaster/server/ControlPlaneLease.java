package io.harbormaster.server;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control plane's lease and member heartbeats in Cassandra
 * (persistence/cql/006-control-plane.cql). The lease names the one Pekko cluster that may write the
 * journal; it is taken and renewed with lightweight transactions, so two clusters can never both
 * hold it.
 */
final class ControlPlaneLease {
  private static final String INSTALLATION = "control-plane";

  /**
   * A member row is kept this long after its last heartbeat, as a place to look for the cluster.
   */
  private static final int MEMBER_ROW_TTL_SECONDS = 24 * 3600;

  /** The lease as read: which cluster holds it, which member renewed it last, and when. */
  record Lease(String clusterId, String holder, Instant renewedAt) {}

  /**
   * A node that was a member: its cluster address (host:port) and its last heartbeat (null once it
   * left).
   */
  record Member(String address, String clusterId, Instant seenAt) {
    boolean aliveAt(Instant now, Duration ttl) {
      return seenAt != null && seenAt.plus(ttl).isAfter(now);
    }
  }

  /**
   * What a renewal found: the lease renewed, taken again after it lapsed, or held by another
   * cluster.
   */
  sealed interface Renewal {
    record Renewed() implements Renewal {}

    record HeldByAnother(Lease lease) implements Renewal {}
  }

  private final CqlSession session;
  private final String keyspace;
  private final int ttlSeconds;

  ControlPlaneLease(CqlSession session, String keyspace, Duration ttl) {
    this.session = session;
    this.keyspace = keyspace;
    this.ttlSeconds = (int) Math.max(1, ttl.toSeconds());
  }

  /**
   * The lease, read linearizably (SERIAL), so a lease just taken by another node's transaction is
   * seen.
   */
  Optional<Lease> read() {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT cluster_id, holder, renewed_at FROM "
                            + keyspace
                            + ".control_plane_lease WHERE installation = ?",
                        INSTALLATION)
                    .setConsistencyLevel(DefaultConsistencyLevel.SERIAL))
            .one();
    return row == null || row.getString("cluster_id") == null
        ? Optional.empty()
        : Optional.of(
            new Lease(
                row.getString("cluster_id"),
                row.getString("holder"),
                row.getInstant("renewed_at")));
  }

  List<Member> members() {
    List<Member> members = new ArrayList<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                "SELECT address, cluster_id, seen_at FROM "
                    + keyspace
                    + ".control_plane_members WHERE installation = ?",
                INSTALLATION))) {
      members.add(
          new Member(
              row.getString("address"), row.getString("cluster_id"), row.getInstant("seen_at")));
    }
    return members;
  }

  /**
   * Takes the lease for a new cluster: only if nobody holds it ({@code expected} empty) or it is
   * still held by {@code expected} (a previous incarnation of this very node). Whether it was
   * taken.
   */
  boolean claim(String clusterId, String holder, Optional<String> expected, Instant now) {
    ResultSet result =
        expected.isEmpty()
            ? session.execute(
                SimpleStatement.newInstance(
                    "INSERT INTO "
                        + keyspace
                        + ".control_plane_lease (installation, "
                        + "cluster_id, holder, renewed_at) VALUES (?, ?, ?, ?) IF NOT EXISTS USING TTL "
                        + ttlSeconds,
                    INSTALLATION,
                    clusterId,
                    holder,
                    now))
            : session.execute(
                SimpleStatement.newInstance(
                    "UPDATE "
                        + keyspace
                        + ".control_plane_lease USING TTL "
                        + ttlSeconds
                        + " SET cluster_id = ?, holder = ?, renewed_at = ? WHERE installation = ? IF cluster_id = ?",
                    clusterId,
                    holder,
                    now,
                    INSTALLATION,
                    expected.get()));
    return result.wasApplied();
  }

  /**
   * Takes the lease whoever holds it: {@code --new-cluster}. The cluster that held it stops at its
   * next renewal.
   */
  void seize(String clusterId, String holder, Instant now) {
    for (int attempt = 0; attempt < 5; attempt++) {
      boolean updated =
          session
              .execute(
                  SimpleStatement.newInstance(
                      "UPDATE "
                          + keyspace
                          + ".control_plane_lease "
                          + "USING TTL "
                          + ttlSeconds
                          + " SET cluster_id = ?, holder = ?, renewed_at = ? WHERE installation = ? "
                          + "IF EXISTS",
                      clusterId,
                      holder,
                      now,
                      INSTALLATION))
              .wasApplied();
      if (updated || claim(clusterId, holder, Optional.empty(), now)) return;
    }
    throw new IllegalStateException(
        "could not take the control-plane lease: other nodes keep changing it");
  }

  /**
   * Renews this cluster's lease; takes it again if it lapsed (a Cassandra outage longer than the
   * TTL).
   */
  Renewal renew(String clusterId, String holder, Instant now) {
    ResultSet result =
        session.execute(
            SimpleStatement.newInstance(
                "UPDATE "
                    + keyspace
                    + ".control_plane_lease USING "
                    + "TTL "
                    + ttlSeconds
                    + " SET cluster_id = ?, holder = ?, renewed_at = ? WHERE installation = ? "
                    + "IF cluster_id = ?",
                clusterId,
                holder,
                now,
                INSTALLATION,
                clusterId));
    if (result.wasApplied()) return new Renewal.Renewed();
    Row current = result.one();
    String heldBy = current == null ? null : current.getString("cluster_id");
    if (heldBy == null) {
      if (claim(clusterId, holder, Optional.empty(), now)) return new Renewal.Renewed();
      return read().<Renewal>map(Renewal.HeldByAnother::new).orElse(new Renewal.Renewed());
    }
    return new Renewal.HeldByAnother(read().orElse(new Lease(heldBy, null, null)));
  }

  void heartbeat(String address, String clusterId, Instant now) {
    session.execute(
        SimpleStatement.newInstance(
            "INSERT INTO "
                + keyspace
                + ".control_plane_members (installation, "
                + "address, cluster_id, seen_at) VALUES (?, ?, ?, ?) USING TTL "
                + MEMBER_ROW_TTL_SECONDS,
            INSTALLATION,
            address,
            clusterId,
            now));
  }

  /**
   * A graceful leave: this member's heartbeat ends now, and the last member gives the lease back.
   */
  void leave(String address, Optional<String> clusterId, boolean lastMember) {
    session.execute(
        SimpleStatement.newInstance(
            "UPDATE "
                + keyspace
                + ".control_plane_members SET seen_at = null "
                + "WHERE installation = ? AND address = ?",
            INSTALLATION,
            address));
    if (lastMember && clusterId.isPresent()) {
      session.execute(
          SimpleStatement.newInstance(
              "DELETE FROM "
                  + keyspace
                  + ".control_plane_lease WHERE "
                  + "installation = ? IF cluster_id = ?",
              INSTALLATION,
              clusterId.get()));
    }
  }
}
