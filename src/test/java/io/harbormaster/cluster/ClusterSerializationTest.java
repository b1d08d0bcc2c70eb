package io.harbormaster.cluster;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.Tag;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events, state and commands as jackson-cbor writes and reads them (journal, snapshots, remote
 * sends): a JSON member that was not given must come back as not given, not as JSON null.
 */
class ClusterSerializationTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.parseResources("serialization.conf"))
                .withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T value) {
    return testKit.serializationTestKit().verifySerialization(value, false);
  }

  @Test
  void absentJsonMembersStayAbsent() {
    Cluster.ClusterSpec spec =
        new Cluster.ClusterSpec("c", List.of(), null, null, List.of(), null, List.of());
    Cluster.ClusterSpec back = roundTrip(spec);
    assertNull(back.configuration());
    assertNull(back.serviceConnectDefaults());
    assertNull(back.defaultCapacityProviderStrategy());
    assertEquals(spec, back);

    Cluster.ClusterConfigurationChanged changed =
        new Cluster.ClusterConfigurationChanged(
            null, json("{\"namespace\":\"n\"}"), Instant.parse("2026-11-21T10:00:00.123456Z"));
    assertEquals(changed, roundTrip(changed));

    Cluster.State state =
        new Cluster.ActiveCluster(
            new Cluster.ClusterInfo(
                "123456789012",
                spec,
                Cluster.Status.ACTIVE,
                Instant.parse("2026-11-21T10:00:00Z"),
                new java.util.TreeSet<>(java.util.Set.of("i-1"))));
    assertEquals(state, roundTrip(state));
  }

  @Test
  void givenJsonMembersComeBackAsGiven() {
    Cluster.ClusterSpec spec =
        new Cluster.ClusterSpec(
            "c",
            List.of(new Cluster.Setting("containerInsights", "enabled")),
            json("{\"executeCommandConfiguration\":{\"logging\":\"DEFAULT\"}}"),
            json("{\"namespace\":\"n\"}"),
            List.of("FARGATE"),
            json("[{\"capacityProvider\":\"FARGATE\",\"weight\":2,\"base\":1}]"),
            List.of(new Tag("k", "v")));
    assertEquals(spec, roundTrip(spec));
  }

  @Test
  void aJsonNullGivenIsTakenAsAbsent() {
    Cluster.ClusterSpec spec =
        new Cluster.ClusterSpec(
            "c", List.of(), json("null"), null, List.of(), json("null"), List.of());
    assertNull(spec.configuration());
    assertNull(spec.defaultCapacityProviderStrategy());
  }
}
