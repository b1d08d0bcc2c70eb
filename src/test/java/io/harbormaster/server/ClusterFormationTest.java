package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.harbormaster.server.ClusterFormation.Plan;
import io.harbormaster.server.ControlPlaneLease.Lease;
import io.harbormaster.server.ControlPlaneLease.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a starting node may form a cluster, and where it looks for the live one. */
class ClusterFormationTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final String NODE1 = "127.0.0.1:25520";
  private static final String NODE2 = "127.0.0.1:25521";
  private static final String NODE3 = "127.0.0.1:25522";
  private static final List<String> SAME_SEEDS = List.of(NODE1, NODE2, NODE3);

  private static Plan plan(
      String self, List<String> seeds, Optional<Lease> lease, List<Member> members) {
    return ClusterFormation.plan(self, seeds, false, lease, members, NOW, TTL);
  }

  private static Member seen(String address, Duration ago) {
    return new Member(address, "c1", NOW.minus(ago));
  }

  @Test
  void theFirstNodeEverFormsTheCluster() {
    assertEquals(Plan.JOIN_OR_FORM, plan(NODE1, List.of(), Optional.empty(), List.of()));
    assertEquals(Plan.JOIN_OR_FORM, plan(NODE1, SAME_SEEDS, Optional.empty(), List.of()));
  }

  @Test
  void onlyTheFirstSeedMayForm() {
    assertEquals(Plan.JOIN_ONLY, plan(NODE2, SAME_SEEDS, Optional.empty(), List.of()));
    assertEquals(Plan.JOIN_ONLY, plan(NODE3, List.of(NODE1), Optional.empty(), List.of()));
  }

  @Test
  void aRestartedFirstNodeJoinsTheLiveClusterEvenWithoutSeeds() {
    Optional<Lease> lease = Optional.of(new Lease("c1", NODE2, NOW.minusSeconds(1)));
    List<Member> members =
        List.of(
            seen(NODE1, Duration.ofSeconds(8)),
            seen(NODE2, Duration.ofSeconds(1)),
            seen(NODE3, Duration.ofSeconds(2)));
    assertEquals(Plan.JOIN_ONLY, plan(NODE1, List.of(), lease, members));
    assertEquals(Plan.JOIN_ONLY, plan(NODE1, SAME_SEEDS, lease, members));
    assertEquals(
        List.of(NODE2, NODE3),
        ClusterFormation.joinCandidates(NODE1, List.of(), members, Plan.JOIN_ONLY, NOW, TTL));
  }

  @Test
  void aFreshHeartbeatOfAnotherMemberIsALiveClusterEvenWhenTheLeaseLapsed() {
    assertEquals(
        Plan.JOIN_ONLY,
        plan(NODE1, List.of(), Optional.empty(), List.of(seen(NODE2, Duration.ofSeconds(9)))));
  }

  @Test
  void aLeaseAndHeartbeatOfThisVeryAddressAreADeadIncarnationOfThisNode() {
    Optional<Lease> lease = Optional.of(new Lease("c1", NODE1, NOW.minusSeconds(1)));
    assertEquals(
        Plan.JOIN_OR_FORM,
        plan(NODE1, List.of(), lease, List.of(seen(NODE1, Duration.ofSeconds(1)))));
  }

  @Test
  void membersWhoseHeartbeatLapsedOrWhoLeftAreNoLiveCluster() {
    List<Member> members =
        List.of(seen(NODE2, Duration.ofSeconds(11)), new Member(NODE3, "c1", null));
    assertEquals(Plan.JOIN_OR_FORM, plan(NODE1, SAME_SEEDS, Optional.empty(), members));
    assertEquals(
        List.of(NODE2, NODE3),
        ClusterFormation.joinCandidates(NODE1, SAME_SEEDS, members, Plan.JOIN_OR_FORM, NOW, TTL),
        "the seeds are always tried");
  }

  @Test
  void beforeFormingOnlyLatelyLapsedMembersAreTried() {
    String node4 = "127.0.0.1:25523";
    List<Member> members =
        List.of(
            seen(NODE2, Duration.ofSeconds(11)),
            new Member(NODE3, "c1", null),
            seen(node4, Duration.ofMinutes(5)));
    assertEquals(
        List.of(NODE2),
        ClusterFormation.joinCandidates(NODE1, List.of(), members, Plan.JOIN_OR_FORM, NOW, TTL));
    assertEquals(
        List.of(NODE2, node4),
        ClusterFormation.joinCandidates(NODE1, List.of(), members, Plan.JOIN_ONLY, NOW, TTL),
        "a member that left gracefully is no place to look");
  }

  @Test
  void newClusterFormsWhateverTheLeaseSays() {
    Optional<Lease> lease = Optional.of(new Lease("c1", NODE2, NOW));
    assertEquals(
        Plan.FORM_BY_FORCE,
        ClusterFormation.plan(
            NODE3, SAME_SEEDS, true, lease, List.of(seen(NODE2, Duration.ZERO)), NOW, TTL));
  }

  @Test
  void seedsNamedLocalhostAreTheLoopbackAddressPekkoBinds() {
    assertEquals(NODE1, ClusterFormation.normalize("localhost:25520"));
  }

  @Test
  void settingsDefaults() {
    assertEquals(
        new ClusterFormationSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60)),
        ClusterFormationSettings.from(ConfigFactory.parseResources("cluster.conf").resolve()));
  }
}
