package io.harbormaster.task;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.NetworkBinding;
import io.harbormaster.task.Task.TaskSpec;
import io.harbormaster.task.Task.TaskView;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Journals and snapshots written before the statuses became enums held them as strings:
 * jackson-cbor must read those into the enum fields. Each old shape is the record as it was,
 * written by the same serializer and read back as today's type.
 */
class TaskSerializationTest {
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-02T10:00:01.123456Z");

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

  // ---- the shapes of the previous build, with strings where enums are now ----

  record OldTaskHealthChanged(String healthStatus, Instant at) implements CborSerializable {}

  record OldContainerState(
      String name,
      String image,
      String runtimeId,
      String lastStatus,
      Integer exitCode,
      String reason,
      List<NetworkBinding> networkBindings,
      String healthStatus)
      implements CborSerializable {}

  record OldContainerStateChanged(OldContainerState container, Instant at)
      implements CborSerializable {}

  record OldStateReport(
      TaskStatus status,
      List<OldContainerState> containers,
      String healthStatus,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant executionStoppedAt,
      String stopCode,
      String stoppedReason)
      implements CborSerializable {}

  record OldTaskView(
      String accountId,
      String clusterName,
      String taskId,
      TaskSpec spec,
      TaskStatus lastStatus,
      String desiredStatus,
      List<OldContainerState> containers,
      String healthStatus,
      String stopCode,
      String stoppedReason,
      Instant createdAt,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant startedAt,
      Instant stoppingAt,
      Instant stoppedAt,
      Instant executionStoppedAt,
      long version)
      implements CborSerializable {}

  record OldLiveTask(OldTaskView view) implements CborSerializable {}

  record OldNoTask() implements CborSerializable {}

  // ---- read as today's types ----

  @Test
  void healthChangedWithAStringReadsAsTheEnum() {
    assertEquals(
        new Task.TaskHealthChanged(HealthStatus.UNHEALTHY, T1),
        readAs(new OldTaskHealthChanged("UNHEALTHY", T1), Task.TaskHealthChanged.class));
  }

  @Test
  void containerStateChangedWithStringsReadsAsTheEnums() {
    OldContainerState old =
        new OldContainerState(
            "web",
            "nginx:1.27",
            "c1",
            "STOPPED",
            137,
            "OutOfMemoryError",
            List.of(new NetworkBinding("0.0.0.0", 80, 32768, "tcp")),
            null);

    Task.ContainerStateChanged read =
        readAs(new OldContainerStateChanged(old, T1), Task.ContainerStateChanged.class);

    assertEquals(
        new Task.ContainerStateChanged(
            new ContainerState(
                "web",
                "nginx:1.27",
                "c1",
                ContainerStatus.STOPPED,
                137,
                "OutOfMemoryError",
                List.of(new NetworkBinding("0.0.0.0", 80, 32768, "tcp")),
                null),
            T1),
        read);
  }

  @Test
  void reportOfAnAgentOfThePreviousBuildReadsAsTheEnums() {
    OldStateReport old =
        new OldStateReport(
            TaskStatus.RUNNING,
            List.of(
                new OldContainerState(
                    "web", "nginx:1.27", "c1", "RUNNING", null, null, List.of(), "HEALTHY")),
            "HEALTHY",
            T0,
            T1,
            null,
            null,
            null);

    Task.StateReport read = readAs(old, Task.StateReport.class);

    assertEquals(HealthStatus.HEALTHY, read.healthStatus());
    assertEquals(ContainerStatus.RUNNING, read.containers().get(0).lastStatus());
    assertEquals(HealthStatus.HEALTHY, read.containers().get(0).healthStatus());
  }

  @Test
  void snapshotOfALiveTaskWithStringStatusesReadsAsTheEnums() {
    TaskSpec spec =
        new TaskSpec(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "web",
            1,
            json("{\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}"),
            json("{\"containerOverrides\":[]}"),
            "family:web",
            null,
            List.of(),
            "i-1",
            256,
            512,
            "us-east-1a",
            null,
            "EC2");
    OldTaskView old =
        new OldTaskView(
            "123456789012",
            "default",
            "t1",
            spec,
            TaskStatus.RUNNING,
            "STOPPED",
            List.of(
                new OldContainerState(
                    "web", "nginx:1.27", "c1", "RUNNING", null, null, List.of(), "UNKNOWN")),
            "UNKNOWN",
            "UserInitiated",
            "Task stopped by user",
            T0,
            T0,
            T0,
            T0,
            T1,
            null,
            null,
            5);

    Task.LiveTask read = readAs(new OldLiveTask(old), Task.LiveTask.class);

    assertEquals(
        new Task.LiveTask(
            new TaskView(
                "123456789012",
                "default",
                "t1",
                spec,
                TaskStatus.RUNNING,
                TaskStatus.STOPPED,
                List.of(
                    new ContainerState(
                        "web",
                        "nginx:1.27",
                        "c1",
                        ContainerStatus.RUNNING,
                        null,
                        null,
                        List.of(),
                        HealthStatus.UNKNOWN)),
                HealthStatus.UNKNOWN,
                "UserInitiated",
                "Task stopped by user",
                T0,
                T0,
                T0,
                T0,
                T1,
                null,
                null,
                5)),
        read);
  }

  @Test
  void emptyStateWithoutTheEntityIdStillReads() {
    assertNull(readAs(new OldNoTask(), Task.NoTask.class).entityId());
  }

  /** {@code old} as jackson-cbor writes it, read as {@code type} (the manifest is the class). */
  private static <T> T readAs(Object old, Class<T> type) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    int serializerId = serialization.findSerializerFor(old).identifier();
    byte[] bytes = serialization.serialize(old).get();
    return type.cast(serialization.deserialize(bytes, serializerId, type.getName()).get());
  }
}
