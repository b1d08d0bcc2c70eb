package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.LiveService;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
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
 * Snapshots written before services kept their service deployments hold a LiveService without a
 * history: jackson-cbor reads it with none, and the service derives one from its deployments.
 */
class ServiceSerializationTest {
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-02T10:00:00Z");
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

  /** LiveService as the previous build wrote it. */
  record OldLiveService(ServiceView view) implements CborSerializable {}

  @Test
  void aSnapshotWithoutHistoryIsReadAndItsHistoryDerivedFromItsDeployments() {
    ServiceView view =
        new ServiceView(
            "123456789012",
            "default",
            new ServiceSpec(
                "web",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2",
                1,
                SchedulingStrategy.REPLICA,
                "EC2",
                new DeploymentSettings(100, 200, true, true),
                List.of(),
                List.of(),
                null,
                List.of()),
            Service.ServiceStatus.ACTIVE,
            T0,
            List.of(
                new Deployment(
                    "ecs-svc/1000000000000000001",
                    DeploymentStatus.INACTIVE,
                    "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                    RolloutState.COMPLETED,
                    "done",
                    0,
                    T0,
                    T1),
                new Deployment(
                    "ecs-svc/2000000000000000002",
                    DeploymentStatus.PRIMARY,
                    "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2",
                    RolloutState.COMPLETED,
                    "done",
                    0,
                    T1,
                    T1)),
            new TreeMap<>(),
            ServiceReconciler.Throttle.NONE,
            true,
            List.of(),
            7);

    LiveService read = readAs(new OldLiveService(view), LiveService.class);

    assertNull(read.history());
    assertEquals(view, read.view());
    ServiceDeployments.History h = Service.historyIn(read);
    assertEquals(
        List.of(ServiceDeployments.Status.SUCCESSFUL, ServiceDeployments.Status.SUCCESSFUL),
        h.deployments().stream().map(ServiceDeployments.Record::status).toList());
    assertEquals(List.of("1000000000000000001"), h.deployments().get(1).sourceRevisionIds());
    // and today's shape round-trips with its history
    LiveService current = new LiveService(view, h);
    assertEquals(current, readAs(current, LiveService.class));
  }

  /** {@code old} as jackson-cbor writes it, read as {@code type} (the manifest is the class). */
  private static <T> T readAs(Object old, Class<T> type) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    int serializerId = serialization.findSerializerFor(old).identifier();
    byte[] bytes = serialization.serialize(old).get();
    return type.cast(serialization.deserialize(bytes, serializerId, type.getName()).get());
  }
}
