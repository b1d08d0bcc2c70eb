package io.harbormaster.capacity;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.placement.ClusterPlacement.ConstraintSpec;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.service.Service;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import io.harbormaster.task.Task.TaskSpec;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What capacity providers changed in journaled records: the shapes written before (no strategy, no
 * provider) still read, and the new events and state round-trip through jackson-cbor.
 */
class CapacitySerializationTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123456Z");
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

  // ---- the shapes of the previous build ----

  record OldTaskSpec(
      String taskDefinitionArn,
      String family,
      int revision,
      JsonNode taskDefinition,
      JsonNode overrides,
      String group,
      String startedBy,
      List<Tag> tags,
      String containerInstanceId,
      int cpu,
      int memory,
      String availabilityZone,
      String clientToken,
      String launchType)
      implements CborSerializable {}

  record OldTaskSummary(String family, String group, String startedBy)
      implements CborSerializable {}

  record OldServiceSpec(
      String serviceName,
      String taskDefinitionArn,
      int desiredCount,
      SchedulingStrategy scheduling,
      String launchType,
      DeploymentSettings deploymentConfiguration,
      List<ConstraintSpec> placementConstraints,
      List<StrategySpec> placementStrategy,
      Integer healthCheckGracePeriodSeconds,
      List<Tag> tags)
      implements CborSerializable {}

  @Test
  void taskSpecWrittenBeforeProvidersReadsWithoutOne() {
    JsonNode def = json("{\"family\":\"web\"}");
    TaskSpec spec =
        readAs(
            new OldTaskSpec(
                "arn",
                "web",
                1,
                def,
                null,
                "family:web",
                null,
                List.of(),
                "i-1",
                128,
                64,
                null,
                null,
                "EC2"),
            TaskSpec.class);
    assertNull(spec.capacityProviderName());
    assertEquals("EC2", spec.launchType());
    assertEquals("i-1", spec.containerInstanceId());
  }

  @Test
  void taskSummaryWrittenBeforeProvidersReadsWithoutOne() {
    assertEquals(
        new TaskSummary("web", "service:web", "ecs-svc/1"),
        readAs(new OldTaskSummary("web", "service:web", "ecs-svc/1"), TaskSummary.class));
  }

  @Test
  void serviceSpecWrittenBeforeStrategiesReadsWithAnEmptyOne() {
    Service.ServiceSpec spec =
        readAs(
            new OldServiceSpec(
                "web",
                "arn",
                2,
                SchedulingStrategy.REPLICA,
                "EC2",
                new DeploymentSettings(100, 200, false, false),
                List.of(),
                List.of(),
                null,
                List.of()),
            Service.ServiceSpec.class);
    assertEquals(List.of(), spec.capacityProviderStrategy());
    assertEquals("EC2", spec.launchType());
  }

  @Test
  void newRecordsRoundTrip() {
    var strategy =
        List.of(
            new CapacityProviderStrategyItem("blue", 1, 1),
            new CapacityProviderStrategyItem("green", 0, 3));
    Service.ServiceSpec spec =
        new Service.ServiceSpec(
            "web",
            "arn",
            2,
            SchedulingStrategy.REPLICA,
            null,
            new DeploymentSettings(100, 200, false, false),
            List.of(),
            List.of(),
            null,
            List.of(),
            null,
            strategy);
    assertEquals(spec, roundTrip(spec));

    var put =
        new Cluster.ClusterCapacityProvidersPut(
            List.of("blue", "FARGATE"), CapacityProviderStrategyItem.toJson(strategy), T0);
    assertEquals(put, roundTrip(put));
    var putNone = new Cluster.ClusterCapacityProvidersPut(List.of(), null, T0);
    assertNull(roundTrip(putNone).defaultCapacityProviderStrategy());

    var created =
        new CapacityProviders.CapacityProviderCreated(
            "blue",
            json("{\"autoScalingGroupArn\":\"arn:aws:autoscaling:x\"}"),
            List.of(new Tag("k", "v")),
            T0);
    assertEquals(created, roundTrip(created));
    var updated = new CapacityProviders.CapacityProviderUpdated("blue", null, T0);
    assertNull(roundTrip(updated).autoScalingGroupProvider());

    var state =
        new CapacityProviders.Providers(
            new TreeMap<>(
                java.util.Map.of(
                    "blue",
                    new CapacityProviders.Provider(
                        "blue",
                        json("{\"autoScalingGroupArn\":\"a\"}"),
                        List.of(),
                        CapacityProviders.Status.ACTIVE,
                        CapacityProviders.UpdateStatus.CREATE_COMPLETE,
                        T0))),
            new TreeMap<>(java.util.Map.of("c", List.of("blue"))));
    assertEquals(state, roundTrip(state));

    TaskSummary summary = new TaskSummary("web", "service:web", "ecs-svc/1", "blue");
    assertEquals(summary, roundTrip(summary));
  }

  private static <T> T roundTrip(T value) {
    return testKit.serializationTestKit().verifySerialization(value, false);
  }

  /** {@code old} as jackson-cbor writes it, read as {@code type} (the manifest is the class). */
  private static <T> T readAs(Object old, Class<T> type) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    int serializerId = serialization.findSerializerFor(old).identifier();
    byte[] bytes = serialization.serialize(old).get();
    return type.cast(serialization.deserialize(bytes, serializerId, type.getName()).get());
  }
}
