package io.harbormaster.instance;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.common.ErrorType;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance.AgentConnected;
import io.harbormaster.instance.ContainerInstance.AgentDisconnected;
import io.harbormaster.instance.ContainerInstance.Attribute;
import io.harbormaster.instance.ContainerInstance.Command;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.Event;
import io.harbormaster.instance.ContainerInstance.InactiveInstance;
import io.harbormaster.instance.ContainerInstance.InstanceDeregistered;
import io.harbormaster.instance.ContainerInstance.InstanceRegistered;
import io.harbormaster.instance.ContainerInstance.InstanceStatusChanged;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.LiveInstance;
import io.harbormaster.instance.ContainerInstance.NoInstance;
import io.harbormaster.instance.ContainerInstance.Refusal;
import io.harbormaster.instance.ContainerInstance.Registration;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.ReservationsOutcome;
import io.harbormaster.instance.ContainerInstance.Resources;
import io.harbormaster.instance.ContainerInstance.ResourcesReleased;
import io.harbormaster.instance.ContainerInstance.ResourcesReserved;
import io.harbormaster.instance.ContainerInstance.State;
import io.harbormaster.instance.ContainerInstance.Status;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.instance.ContainerInstance.TaskPhaseTracked;
import io.harbormaster.instance.ContainerInstance.TaskReservation;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.instance.ContainerInstance.VersionInfo;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.PlacementResult;
import io.harbormaster.scheduler.Scheduler;
import io.harbormaster.scheduler.TaskDemand;
import io.harbormaster.testing.EntityTestKit;
import io.harbormaster.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

// One instance, so one actor system: TestKitJUnit5Extension shuts down only the test kit of the
// last instance.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ContainerInstanceTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("ContainerInstanceTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final String CLUSTER = "default";
  private static final Instant REGISTERED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant LATER = Instant.parse("2026-11-02T10:00:00Z");

  /** Reached only by moving {@link #clock}: the reservation's own timer never fires in a test. */
  private static final Duration RESERVATION_TIMEOUT = Duration.ofHours(1);

  private static final VersionInfo VERSION = new VersionInfo("1.0.0", "abc123", "27.3.1");
  private static final VersionInfo NEWER_VERSION = new VersionInfo("1.1.0", "def456", "27.3.1");
  private static final TaskSummary SUMMARY = new TaskSummary("web", "family:web", "me");
  private static final AtomicInteger NEXT_INSTANCE = new AtomicInteger();

  private String instanceId;
  private final List<InstanceView> changes = new CopyOnWriteArrayList<>();

  /** What the cluster was told, in order (true: list the instance, false: forget it). */
  private final List<Boolean> clusterTold = new CopyOnWriteArrayList<>();

  /** The cluster's answers, one per telling; when they run out it acknowledges. */
  private final Queue<Supplier<CompletionStage<Done>>> clusterAnswers =
      new ConcurrentLinkedQueue<>();

  private EventSourcedBehaviorTestKit<Command, Event, State> instance;
  private SettableClock clock;

  @AfterEach
  void journalWritesAsUsual() {
    instance.persistenceTestKit().resetPolicy();
  }

  @BeforeEach
  void newInstance() {
    changes.clear();
    clusterTold.clear();
    clusterAnswers.clear();
    clock = new SettableClock(LATER);
    instance = newInstanceEntity();
  }

  private EventSourcedBehaviorTestKit<Command, Event, State> newInstanceEntity() {
    instanceId = "i-" + NEXT_INSTANCE.incrementAndGet();
    return EntityTestKit.create(
        testKit.system(),
        ContainerInstance.create(
            ContainerInstance.entityId(ACCOUNT, CLUSTER, instanceId),
            new EventTags(4),
            "us-east-1",
            RESERVATION_TIMEOUT,
            changes::add,
            (account, cluster, id, listed) -> {
              assertEquals(
                  ContainerInstance.entityId(ACCOUNT, CLUSTER, instanceId),
                  ContainerInstance.entityId(account, cluster, id));
              clusterTold.add(listed);
              Supplier<CompletionStage<Done>> answer = clusterAnswers.poll();
              return answer != null ? answer.get() : CompletableFuture.completedFuture(Done.done());
            },
            clock));
  }

  // ---- the cluster's list of instances ----

  @Test
  void registerIsAnsweredOnceTheClusterListsTheInstance() {
    CompletableFuture<Done> clusterAnswer = new CompletableFuture<>();
    clusterAnswers.add(() -> clusterAnswer);
    TestProbe<StatusReply<InstanceView>> caller = testKit.createTestProbe();

    instance.runCommand(
        new ContainerInstance.Register(registration(1024, 2048), REGISTERED, caller.ref()));

    assertInstanceOf(LiveInstance.class, instance.getState());
    assertEquals(List.of(true), clusterTold);
    caller.expectNoMessage(Duration.ofMillis(200));
    clusterAnswer.complete(Done.done());
    assertEquals(Status.ACTIVE, caller.receiveMessage().getValue().status());
  }

  @Test
  void aClusterThatDoesNotAnswerIsToldAgainUntilItDoes() {
    clusterAnswers.add(() -> CompletableFuture.failedFuture(new TimeoutException("no answer")));

    register(1024, 2048);

    assertEquals(List.of(true, true), clusterTold);
  }

  @Test
  void aClusterThatRefusesFailsTheRegistrationWithItsRefusal() {
    clusterAnswers.add(
        () ->
            CompletableFuture.failedFuture(
                new StatusReply.ErrorMessage("ClusterNotFoundException: Cluster not found.")));

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Register(registration(1024, 2048), REGISTERED, r));

    assertTrue(result.reply().isError(), () -> "expected a refusal, got " + result.reply());
    assertEquals(
        "ClusterNotFoundException: Cluster not found.", result.reply().getError().getMessage());
    assertEquals(List.of(true), clusterTold);
  }

  @Test
  void deregisterIsAnsweredOnceTheClusterNoLongerListsTheInstance() {
    register(1024, 2048);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Deregister(false, LATER, r));

    assertEquals(Status.INACTIVE, success(result).status());
    assertEquals(List.of(true, false), clusterTold);
  }

  @Test
  void aRecoveredInstanceTellsTheClusterAgain() {
    register(1024, 2048);

    instance.restart();

    assertEquals(List.of(true, true), clusterTold);
  }

  // ---- register ----

  @Test
  void registerMakesAnActiveInstanceWithItsResourcesAndAttributes() {
    Registration registration = registration(2048, 4096);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Register(registration, REGISTERED, r));

    InstanceView view = success(result);
    assertEquals(List.of(new InstanceRegistered(registration, REGISTERED)), result.events());
    assertEquals(new LiveInstance(view), result.state());
    assertEquals(ACCOUNT, view.accountId());
    assertEquals(CLUSTER, view.clusterName());
    assertEquals(Status.ACTIVE, view.status());
    assertFalse(view.agentConnected());
    assertEquals(VERSION, view.versionInfo());
    assertEquals(REGISTERED, view.registeredAt());
    assertEquals(
        List.of("ecs.availability-zone", "ecs.os-type"), List.copyOf(view.attributes().keySet()));
    assertEquals(registration.total(), view.remaining());
    assertEquals(0, view.runningTasksCount());
    assertEquals(0, view.pendingTasksCount());
    assertEquals(1, view.version());
  }

  @Test
  void everyCommandOnAnUnregisteredInstanceIsRefusedAsNotFound() {
    List<Function<ActorRef<StatusReply<InstanceView>>, Command>> commands =
        List.of(
            ContainerInstance.Get::new,
            r -> new ContainerInstance.Deregister(true, LATER, r),
            r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r),
            r -> new ContainerInstance.PutAttributes(List.of(new Attribute("a", "b")), r),
            r -> new ContainerInstance.DeleteAttributes(List.of("a"), r),
            r -> new ContainerInstance.Reserve("t1", demand(1, 1), SUMMARY, LATER, r),
            r -> new ContainerInstance.ChangeAgentConnection(true, VERSION, null, LATER, r));

    for (var command : commands) {
      var result = instance.runCommand(command);
      assertRefused(
          result, "InvalidParameterException", "The referenced container instance was not found.");
      assertEquals(
          new NoInstance(ContainerInstance.entityId(ACCOUNT, CLUSTER, instanceId)), result.state());
    }
  }

  @Test
  void taskProgressForAnUnregisteredInstanceIsAcknowledgedAndChangesNothing() {
    var tracked =
        instance.<StatusReply<Done>>runCommand(
            r -> new ContainerInstance.TrackTask("t1", TaskPhase.RUNNING, LATER, r));
    var released =
        instance.<StatusReply<Done>>runCommand(r -> new ContainerInstance.Release("t1", LATER, r));

    assertTrue(tracked.reply().isSuccess());
    assertTrue(released.reply().isSuccess());
    assertTrue(tracked.hasNoEvents());
    assertTrue(released.hasNoEvents());
    assertEquals(
        new NoInstance(ContainerInstance.entityId(ACCOUNT, CLUSTER, instanceId)),
        instance.getState());
  }

  // ---- reserve ----

  @Test
  void reservationWithinResourcesShrinksWhatRemainsAndTakesItsPorts() {
    registerWithAgent(2048, 4096);
    Demand demand = new Demand(512, 1024, Set.of(8080), Set.of(5353));

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand, SUMMARY, LATER, r));

    InstanceView view = success(result);
    assertEquals(List.of(new ResourcesReserved("t1", demand, SUMMARY, LATER)), result.events());
    assertEquals(
        new Resources(1536, 3072, ports(22, 2375, 8080, 51678), ports(5353)), view.remaining());
    assertEquals(
        new Reservation("t1", demand, SUMMARY, TaskPhase.RESERVED, LATER),
        view.reservations().get("t1"));
    assertEquals(1, view.pendingTasksCount());
    assertEquals(new LiveInstance(view), result.state());
  }

  @Test
  void reservationOnAnInstanceWhoseAgentIsDisconnectedIsRefusedWithAgent() {
    register(2048, 4096);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand(128, 128), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "AGENT");
    assertTrue(result.hasNoEvents());
  }

  @Test
  void reservationOfAGpuOnAnInstanceWithoutGpusIsRefusedWithResourceGpu() {
    registerWithAgent(2048, 4096);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t1", new Demand(128, 128, Set.of(), Set.of(), 1), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "RESOURCE:GPU");
  }

  @Test
  void reservationsAddUpUntilTheHostIsFull() {
    registerWithAgent(1024, 2048);
    reserve("t1", demand(512, 1024));
    InstanceView view = reserve("t2", demand(512, 1024));

    assertEquals(0, view.remaining().cpu());
    assertEquals(0, view.remaining().memory());
    assertRefused(
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t3", demand(1, 0), SUMMARY, LATER, r)),
        "ResourceShortfall",
        "RESOURCE:CPU");
  }

  @Test
  void reservationBeyondTheRemainingCpuIsRefusedWithResourceCpu() {
    registerWithAgent(1024, 4096);
    reserve("t1", demand(1000, 128));

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t2", demand(25, 128), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "RESOURCE:CPU");
    assertEquals(1, ((LiveInstance) result.state()).view().reservations().size());
  }

  @Test
  void reservationBeyondTheRemainingMemoryIsRefusedWithResourceMemory() {
    registerWithAgent(1024, 4096);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand(128, 4097), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "RESOURCE:MEMORY");
  }

  @Test
  void reservationOfAPortTheAgentKeepsIsRefusedWithResourcePorts() {
    registerWithAgent(1024, 4096);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t1", new Demand(128, 128, Set.of(2375), Set.of()), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "RESOURCE:PORTS");
  }

  @Test
  void reservationOfAPortAnotherTaskHoldsIsRefusedWithResourcePorts() {
    registerWithAgent(1024, 4096);
    reserve("t1", new Demand(128, 128, Set.of(80), Set.of()));

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t2", new Demand(128, 128, Set.of(443, 80), Set.of()), SUMMARY, LATER, r));

    assertRefused(result, "ResourceShortfall", "RESOURCE:PORTS");
  }

  @Test
  void reservationOfAUdpPortAnotherTaskHoldsIsRefusedWithResourcePortsUdp() {
    registerWithAgent(1024, 4096);
    reserve("t1", new Demand(128, 128, Set.of(), Set.of(53)));

    var sameUdp =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t2", new Demand(128, 128, Set.of(), Set.of(53)), SUMMARY, LATER, r));
    var sameNumberOverTcp =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t3", new Demand(128, 128, Set.of(53), Set.of()), SUMMARY, LATER, r));

    assertRefused(sameUdp, "ResourceShortfall", "RESOURCE:PORTS_UDP");
    assertEquals(Set.of("t1", "t3"), success(sameNumberOverTcp).reservations().keySet());
  }

  @Test
  void retriedReservationOfTheSameTaskRepliesWithTheInstanceAndReservesNothingMore() {
    registerWithAgent(1024, 2048);
    InstanceView first = reserve("t1", demand(1024, 2048)); // the host is full now

    var retry =
        instance.<StatusReply<InstanceView>>runCommand(
            r ->
                new ContainerInstance.Reserve(
                    "t1", demand(1024, 2048), SUMMARY, LATER.plusSeconds(1), r));

    assertEquals(first, success(retry));
    assertTrue(retry.hasNoEvents());
    assertEquals(0, success(retry).remaining().cpu());
  }

  @Test
  void drainingInstanceRefusesNewReservationsButAcceptsARetriedOne() {
    registerWithAgent(2048, 4096);
    reserve("t1", demand(128, 128));
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));

    var fresh =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t2", demand(128, 128), SUMMARY, LATER, r));
    var retried =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand(128, 128), SUMMARY, LATER, r));

    assertRefused(
        fresh,
        "InvalidParameterException",
        "The container instance is DRAINING and takes no new tasks.");
    assertEquals(Set.of("t1"), success(retried).reservations().keySet());
    assertTrue(retried.hasNoEvents());
  }

  @Test
  void activatingADrainingInstanceTakesNewReservationsAgain() {
    register(2048, 4096);
    var draining =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));
    var again =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));
    var active =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.ChangeStatus(Status.ACTIVE, LATER, r));

    assertEquals(List.of(new InstanceStatusChanged(Status.DRAINING, LATER)), draining.events());
    assertTrue(again.hasNoEvents());
    assertEquals(Status.ACTIVE, success(active).status());
    assertEquals(Set.of("t1"), reserve("t1", demand(1, 1)).reservations().keySet());
  }

  // ---- reserve a batch ----

  @Test
  void batchThatFitsIsReservedInOneWriteAndToldOnce() {
    register(2048, 4096);
    int told = changes.size();
    List<Integer> writes = recordingWrites();
    Demand withPort = new Demand(512, 1024, Set.of(8080), Set.of());

    var result =
        reserveAll(
            task("t1", demand(512, 1024)), task("t2", withPort), task("t3", demand(512, 1024)));

    ReservationsOutcome outcome = success(result);
    assertEquals(
        List.of(
            new ResourcesReserved("t1", demand(512, 1024), SUMMARY, LATER),
            new ResourcesReserved("t2", withPort, SUMMARY, LATER),
            new ResourcesReserved("t3", demand(512, 1024), SUMMARY, LATER)),
        result.events());
    assertEquals(List.of(3), writes); // one atomic write of three events, not three writes
    assertEquals(List.of("t1", "t2", "t3"), outcome.reserved());
    assertEquals(List.of(), outcome.refused());
    assertEquals(new LiveInstance(outcome.view()), result.state());
    assertEquals(
        new Resources(512, 1024, ports(22, 2375, 8080, 51678), ports()),
        outcome.view().remaining());
    assertEquals(3, outcome.view().pendingTasksCount());
    assertEquals(
        List.of(outcome.view()),
        changes.subList(told, changes.size())); // placement hears of it once
    assertEquals(instance.getState(), instance.restart().state());
  }

  @Test
  void batchWhoseLaterTasksDoNotFitReservesTheFirstAndRefusesTheRestWithTheResourceReason() {
    register(1024, 4096);
    reserve("t0", demand(256, 256));

    var result =
        reserveAll(
            task("t1", demand(512, 512)),
            task("t2", demand(512, 512)),
            task("t3", demand(128, 4096)),
            task("t4", new Demand(128, 128, Set.of(2375), Set.of())),
            task("t5", demand(256, 256)));

    ReservationsOutcome outcome = success(result);
    // t1 fits; t2 would need the CPU t1 took; t3 more memory than is left; t4 a port the agent
    // keeps; t5 fits the rest
    assertEquals(List.of("t1", "t5"), outcome.reserved());
    assertEquals(
        List.of(
            new Refusal("t2", ErrorType.RESOURCE_SHORTFALL, "RESOURCE:CPU"),
            new Refusal("t3", ErrorType.RESOURCE_SHORTFALL, "RESOURCE:MEMORY"),
            new Refusal("t4", ErrorType.RESOURCE_SHORTFALL, "RESOURCE:PORTS")),
        outcome.refused());
    assertEquals(
        List.of(
            new ResourcesReserved("t1", demand(512, 512), SUMMARY, LATER),
            new ResourcesReserved("t5", demand(256, 256), SUMMARY, LATER)),
        result.events());
    assertEquals(Set.of("t0", "t1", "t5"), outcome.view().reservations().keySet());
    assertEquals(0, outcome.view().remaining().cpu());
    // the answer crosses nodes when placement and instance live on different ones
    assertEquals(outcome, testKit.serializationTestKit().verifySerialization(outcome, false));
  }

  @Test
  void reservationIsJudgedAsThePlacementSchedulerJudgesTheInstancesSnapshot() {
    register(1024, 1024);
    connect(testKit.<AgentMessages.Push>createTestProbe().ref(), VERSION, LATER);
    InstanceView before = reserve("t0", new Demand(512, 512, Set.of(80), Set.of(53)));
    List<Demand> demands =
        List.of(
            demand(513, 1),
            demand(1, 513),
            new Demand(1, 1, Set.of(80), Set.of()),
            new Demand(1, 1, Set.of(), Set.of(53)),
            new Demand(1, 1, Set.of(8080), Set.of(5353)),
            demand(512, 512));
    for (int i = 0; i < demands.size(); i++) {
      String taskId = "u" + i;
      TaskDemand asScheduled = demands.get(i).inGroup(SUMMARY.group());
      PlacementResult scheduled =
          Scheduler.place(
              ClusterSnapshot.of(InstanceSnapshots.of("us-east-1", before, List.of())),
              asScheduled,
              1,
              new SplittableRandom(1));
      ReservationsOutcome judged = success(reserveAll(task(taskId, demands.get(i))));

      if (scheduled.allPlaced()) {
        assertEquals(List.of(taskId), judged.reserved(), demands.get(i).toString());
        success(
            instance.<StatusReply<Done>>runCommand(
                r -> new ContainerInstance.Release(taskId, LATER, r)));
      } else {
        assertEquals(
            List.of(
                new Refusal(
                    taskId, ErrorType.RESOURCE_SHORTFALL, scheduled.failures().get(0).reason())),
            judged.refused(),
            demands.get(i).toString());
      }
    }
  }

  @Test
  void dynamicHostPortIsNotTakenAsPortZero() {
    // The instance used to reserve a demand's port 0 as it was given and refuse the next task
    // with port 0 (RESOURCE:PORTS) where placement, dropping dynamic ports, saw room.
    register(1024, 1024);
    reserve("t1", new Demand(1, 1, Set.of(0), Set.of(0)));

    InstanceView view = reserve("t2", new Demand(1, 1, Set.of(0), Set.of(0)));

    assertEquals(Set.of("t1", "t2"), view.reservations().keySet());
    assertEquals(ports(22, 2375, 51678), view.remaining().tcpPorts());
    assertEquals(ports(), view.remaining().udpPorts());
  }

  @Test
  void batchRefusalsSayWhatASingleReservationIsRefusedWith() {
    register(1024, 1024);
    reserve("t0", new Demand(512, 512, Set.of(80), Set.of(53)));
    List<Demand> demands =
        List.of(
            demand(513, 1),
            demand(1, 513),
            new Demand(1, 1, Set.of(80), Set.of()),
            new Demand(1, 1, Set.of(), Set.of(53)));

    for (int i = 0; i < demands.size(); i++) {
      Demand demand = demands.get(i);
      String taskId = "t" + (i + 1);
      var single =
          instance.<StatusReply<InstanceView>>runCommand(
              r -> new ContainerInstance.Reserve(taskId, demand, SUMMARY, LATER, r));
      Refusal refusal = success(reserveAll(task(taskId, demand))).refused().get(0);
      assertRefused(single, refusal.errorType().code(), refusal.reason());
    }
  }

  @Test
  void repeatedBatchReservesNothingMoreAndAnswersAsBefore() {
    register(1024, 2048);
    ReservationsOutcome first =
        success(reserveAll(task("t1", demand(512, 1024)), task("t2", demand(512, 1024))));
    int told = changes.size();

    var again = reserveAll(task("t1", demand(512, 1024)), task("t2", demand(512, 1024)));
    var overlapping = reserveAll(task("t2", demand(512, 1024)), task("t3", demand(512, 1024)));

    assertTrue(again.hasNoEvents());
    assertEquals(first, success(again));
    assertEquals(
        List.of("t2"),
        success(overlapping).reserved()); // t2 is held already; t3 finds the host full
    assertEquals(
        List.of(new Refusal("t3", ErrorType.RESOURCE_SHORTFALL, "RESOURCE:CPU")),
        success(overlapping).refused());
    assertTrue(overlapping.hasNoEvents());
    assertEquals(told, changes.size());
  }

  @Test
  void sameTaskTwiceInOneBatchIsReservedOnce() {
    register(1024, 2048);

    var result = reserveAll(task("t1", demand(512, 1024)), task("t1", demand(512, 1024)));

    assertEquals(
        List.of(new ResourcesReserved("t1", demand(512, 1024), SUMMARY, LATER)), result.events());
    assertEquals(512, success(result).view().remaining().cpu());
  }

  @Test
  void drainingInstanceRefusesTheNewTasksOfABatchButKeepsTheRetriedOnes() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));

    var result =
        reserveAll(
            task("t1", demand(128, 128)), task("t2", demand(128, 128)), task("t3", demand(1, 1)));

    ReservationsOutcome outcome = success(result);
    assertTrue(result.hasNoEvents());
    assertEquals(List.of("t1"), outcome.reserved());
    String draining = "The container instance is DRAINING and takes no new tasks.";
    assertEquals(
        List.of(
            new Refusal("t2", ErrorType.INVALID_PARAMETER, draining),
            new Refusal("t3", ErrorType.INVALID_PARAMETER, draining)),
        outcome.refused());
    assertEquals(Set.of("t1"), outcome.view().reservations().keySet());
  }

  @Test
  void deregisteredInstanceRefusesEveryTaskOfABatch() {
    register(2048, 4096);
    InstanceView inactive =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r -> new ContainerInstance.Deregister(false, LATER, r)));

    var result = reserveAll(task("t1", demand(1, 1)), task("t2", demand(1, 1)));

    ReservationsOutcome outcome = success(result);
    assertTrue(result.hasNoEvents());
    assertEquals(List.of(), outcome.reserved());
    assertEquals(
        List.of(
            new Refusal("t1", ErrorType.INVALID_PARAMETER, "The container instance is INACTIVE."),
            new Refusal("t2", ErrorType.INVALID_PARAMETER, "The container instance is INACTIVE.")),
        outcome.refused());
    assertEquals(inactive, outcome.view());
  }

  @Test
  void batchForAnUnregisteredInstanceIsRefusedAsNotFound() {
    var result = reserveAll(task("t1", demand(1, 1)));

    assertRefused(
        result, "InvalidParameterException", "The referenced container instance was not found.");
  }

  @Test
  void reservationsOfABatchThatNeverSeeTheirTaskTimeOut() {
    Registration registration = register(2048, 4096);
    success(
        instance.<StatusReply<ReservationsOutcome>>runCommand(
            r ->
                new ContainerInstance.ReserveAll(
                    List.of(task("t1", demand(512, 512)), task("t2", demand(512, 512))),
                    clock.instant(),
                    r)));
    clock.advance(RESERVATION_TIMEOUT);

    instance.runCommand(new ContainerInstance.ExpireReservations());

    assertTrue(view().reservations().isEmpty(), () -> "still reserved: " + view().reservations());
    assertEquals(registration.total(), view().remaining());
  }

  // ---- task progress ----

  @Test
  void trackedPhasesMoveForwardAndCountTheTasks() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));
    reserve("t2", demand(128, 128));

    var pending = track("t1", TaskPhase.PENDING, LATER);
    var running = track("t1", TaskPhase.RUNNING, LATER.plusSeconds(1));

    assertTrue(pending.reply().isSuccess());
    assertTrue(
        pending.hasNoEvents()); // the task's TaskCreated says it; the instance only remembers it
    assertEquals(
        List.of(new TaskPhaseTracked("t1", TaskPhase.RUNNING, LATER.plusSeconds(1))),
        running.events());
    InstanceView view = view();
    assertEquals(
        new Reservation("t1", demand(128, 128), SUMMARY, TaskPhase.RUNNING, LATER.plusSeconds(1)),
        view.reservations().get("t1"));
    assertEquals(1, view.runningTasksCount());
    assertEquals(1, view.pendingTasksCount());
  }

  @Test
  void staleRunningAfterStoppingIsAcknowledgedAndIgnored() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));
    track("t1", TaskPhase.RUNNING, LATER);
    track("t1", TaskPhase.STOPPING, LATER.plusSeconds(1));

    var stale = track("t1", TaskPhase.RUNNING, LATER.plusSeconds(2));

    assertTrue(stale.reply().isSuccess());
    assertTrue(stale.hasNoEvents());
    assertEquals(TaskPhase.STOPPING, view().reservations().get("t1").phase());
  }

  @Test
  void repeatedPhaseAndUnknownTaskAreAcknowledgedWithoutEvents() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));
    track("t1", TaskPhase.PENDING, LATER);

    var repeated = track("t1", TaskPhase.PENDING, LATER.plusSeconds(1));
    var unknown = track("t9", TaskPhase.RUNNING, LATER);

    assertTrue(repeated.reply().isSuccess());
    assertTrue(repeated.hasNoEvents());
    assertTrue(unknown.reply().isSuccess());
    assertTrue(unknown.hasNoEvents());
  }

  @Test
  void stoppedTaskGivesBackItsResourcesAndIsRememberedAsRecentlyStopped() {
    Registration registration = register(2048, 4096);
    Demand demand = new Demand(512, 1024, Set.of(8080), Set.of());
    reserve("t1", demand);
    track("t1", TaskPhase.RUNNING, LATER);

    var stopped = track("t1", TaskPhase.STOPPED, LATER.plusSeconds(5));

    assertEquals(
        List.of(new ResourcesReleased("t1", "task stopped", LATER.plusSeconds(5))),
        stopped.events());
    InstanceView view = view();
    assertTrue(view.reservations().isEmpty());
    assertEquals(registration.total(), view.remaining());
    assertEquals(
        List.of(new Reservation("t1", demand, SUMMARY, TaskPhase.STOPPED, LATER.plusSeconds(5))),
        view.recentlyStopped());
    // the port is free again
    assertEquals(Set.of("t2"), reserve("t2", demand).reservations().keySet());
  }

  @Test
  void recentlyStoppedKeepsOnlyTheNewestTasks() {
    register(2048, 4096);
    int tasks = ContainerInstance.RECENTLY_STOPPED + 3;
    for (int i = 0; i < tasks; i++) {
      String taskId = "t" + i;
      reserve(taskId, demand(1, 1));
      track(taskId, TaskPhase.PENDING, LATER);
      track(taskId, TaskPhase.STOPPED, LATER.plusSeconds(i));
    }

    List<Reservation> recentlyStopped = view().recentlyStopped();

    assertEquals(ContainerInstance.RECENTLY_STOPPED, recentlyStopped.size());
    assertEquals("t" + (tasks - 1), recentlyStopped.get(0).taskId()); // newest first
    assertEquals("t3", recentlyStopped.get(recentlyStopped.size() - 1).taskId());
    assertEquals(instance.getState(), instance.restart().state());
  }

  @Test
  void releaseGivesBackTheResourcesAndIsIdempotent() {
    Registration registration = register(2048, 4096);
    reserve("t1", demand(512, 512));

    var first =
        instance.<StatusReply<Done>>runCommand(r -> new ContainerInstance.Release("t1", LATER, r));
    var second =
        instance.<StatusReply<Done>>runCommand(r -> new ContainerInstance.Release("t1", LATER, r));
    var never =
        instance.<StatusReply<Done>>runCommand(r -> new ContainerInstance.Release("t9", LATER, r));

    assertEquals(StatusReply.ack(), first.reply());
    assertEquals(List.of(new ResourcesReleased("t1", "released", LATER)), first.events());
    assertEquals(StatusReply.ack(), second.reply());
    assertTrue(second.hasNoEvents());
    assertEquals(StatusReply.ack(), never.reply());
    assertTrue(never.hasNoEvents());
    assertEquals(registration.total(), view().remaining());
  }

  @Test
  void releasedReservationWhoseTaskNeverStartedIsNotRememberedAsStopped() {
    register(2048, 4096);
    reserve("t1", demand(512, 512));

    instance.<StatusReply<Done>>runCommand(r -> new ContainerInstance.Release("t1", LATER, r));

    assertTrue(view().recentlyStopped().isEmpty());
  }

  @Test
  void expiryReleasesOnlyReservationsStillWaitingForTheirTaskPastTheTimeout() {
    register(4096, 8192);
    Instant longAgo = clock.instant();
    reserve("waiting-too-long", demand(128, 128), longAgo);
    reserve("created-long-ago", demand(128, 128), longAgo);
    track("created-long-ago", TaskPhase.PENDING, longAgo);
    clock.advance(RESERVATION_TIMEOUT.multipliedBy(2));
    reserve("fresh", demand(128, 128), clock.instant());

    var result = instance.runCommand(new ContainerInstance.ExpireReservations());

    assertEquals(2, result.events().size());
    // the created task's PENDING, only remembered so far, is persisted now that its reservation
    // outlived the timeout
    TaskPhaseTracked kept = assertInstanceOf(TaskPhaseTracked.class, result.events().get(0));
    assertEquals("created-long-ago", kept.taskId());
    assertEquals(TaskPhase.PENDING, kept.phase());
    ResourcesReleased released = assertInstanceOf(ResourcesReleased.class, result.events().get(1));
    assertEquals("waiting-too-long", released.taskId());
    assertEquals("reservation timed out", released.reason());
    assertEquals(Set.of("created-long-ago", "fresh"), view().reservations().keySet());
    assertEquals(TaskPhase.PENDING, view().reservations().get("created-long-ago").phase());
    assertEquals(instance.getState(), instance.restart().state());
  }

  @Test
  void reservationWhoseTaskNeverShowsUpIsReleasedAfterTheTimeout() {
    Registration registration = register(2048, 4096);
    reserve("t1", demand(512, 512), clock.instant());
    clock.advance(RESERVATION_TIMEOUT);

    instance.runCommand(new ContainerInstance.ExpireReservations());

    InstanceView view = view();
    assertTrue(view.reservations().isEmpty(), () -> "still reserved: " + view.reservations());
    assertEquals(registration.total(), view.remaining());
    assertTrue(view.recentlyStopped().isEmpty());
  }

  // ---- deregister and register again ----

  @Test
  void deregisterWithTasksIsRefusedUnlessForced() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));

    var refused =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Deregister(false, LATER, r));
    var forced =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Deregister(true, LATER, r));

    assertRefused(
        refused,
        "InvalidParameterException",
        "The container instance has 1 tasks; stop them first or deregister with force.");
    InstanceView view = success(forced);
    assertEquals(List.of(new InstanceDeregistered(LATER)), forced.events());
    assertEquals(new InactiveInstance(view), forced.state());
    assertEquals(Status.INACTIVE, view.status());
    assertTrue(view.reservations().isEmpty());
  }

  @Test
  void deregisteredInstanceTakesNoTasksAndNoChanges() {
    register(2048, 4096);
    InstanceView inactive =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r -> new ContainerInstance.Deregister(false, LATER, r)));

    var reserve =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand(1, 1), SUMMARY, LATER, r));
    var drain =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));
    var again =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Deregister(false, LATER, r));
    var get = instance.<StatusReply<InstanceView>>runCommand(ContainerInstance.Get::new);

    assertRefused(reserve, "InvalidParameterException", "The container instance is INACTIVE.");
    assertRefused(
        drain, "InvalidParameterException", "The container instance is INACTIVE (deregistered).");
    assertEquals(inactive, success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(inactive, success(get));
  }

  @Test
  void registeringAgainAfterDeregistrationStartsAFreshActiveRegistration() {
    register(2048, 4096);
    reserve("t1", demand(128, 128));
    track("t1", TaskPhase.RUNNING, LATER);
    track("t1", TaskPhase.STOPPED, LATER);
    reserve("t2", demand(128, 128));
    InstanceView inactive =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r -> new ContainerInstance.Deregister(true, LATER, r)));
    Registration bigger = registration(4096, 8192);
    Instant back = LATER.plusSeconds(60);

    var result =
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Register(bigger, back, r));

    InstanceView view = success(result);
    assertEquals(List.of(new InstanceRegistered(bigger, back)), result.events());
    assertEquals(Status.ACTIVE, view.status());
    assertEquals(back, view.registeredAt());
    assertEquals(bigger.total(), view.remaining());
    assertTrue(view.reservations().isEmpty());
    assertEquals(inactive.recentlyStopped(), view.recentlyStopped());
    assertEquals(inactive.version() + 1, view.version());
  }

  @Test
  void agentRegisteringAgainKeepsTheReservations() {
    register(2048, 4096);
    reserve("t1", demand(512, 512));
    Registration restarted = registration(2048, 4096);

    InstanceView view =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r -> new ContainerInstance.Register(restarted, LATER, r)));

    assertEquals(Set.of("t1"), view.reservations().keySet());
    assertEquals(1536, view.remaining().cpu());
  }

  @Test
  void agentRegisteringAgainKeepsADrainingInstanceDraining() {
    register(2048, 4096);
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));

    InstanceView view =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r ->
                    new ContainerInstance.Register(
                        registration(2048, 4096), LATER.plusSeconds(1), r)));

    assertEquals(Status.DRAINING, view.status());
    assertRefused(
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve("t1", demand(1, 1), SUMMARY, LATER, r)),
        "InvalidParameterException",
        "The container instance is DRAINING and takes no new tasks.");
    assertEquals(instance.getState(), instance.restart().state());
  }

  @Test
  void agentRegisteringAgainKeepsAttributesPutThroughTheApiAndTheFirstRegistrationTime() {
    register(2048, 4096);
    InstanceView first =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r ->
                    new ContainerInstance.PutAttributes(
                        List.of(new Attribute("stack", "blue")), r)));

    InstanceView view =
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r ->
                    new ContainerInstance.Register(
                        registration(2048, 4096), LATER.plusSeconds(5), r)));

    assertEquals("blue", view.attributes().get("stack").value());
    assertEquals(first.registeredAt(), view.registeredAt());
    assertEquals(instance.getState(), instance.restart().state());
  }

  // ---- the agent's session ----

  @Test
  void agentConnectingAndDisconnectingIsPersisted() {
    register(2048, 4096);
    TestProbe<AgentMessages.Push> session = testKit.createTestProbe();

    var connected = connect(session.ref(), NEWER_VERSION, LATER);
    var disconnected = disconnect(session.ref(), LATER.plusSeconds(1));

    assertEquals(List.of(new AgentConnected(NEWER_VERSION, LATER)), connected.events());
    assertTrue(success(connected).agentConnected());
    assertEquals(NEWER_VERSION, success(connected).versionInfo());
    assertEquals(List.of(new AgentDisconnected(LATER.plusSeconds(1))), disconnected.events());
    assertFalse(success(disconnected).agentConnected());
    assertEquals(NEWER_VERSION, success(disconnected).versionInfo());
  }

  @Test
  void lateDisconnectOfAnOldSessionIsIgnored() {
    register(2048, 4096);
    TestProbe<AgentMessages.Push> oldSession = testKit.createTestProbe();
    TestProbe<AgentMessages.Push> newSession = testKit.createTestProbe();
    connect(oldSession.ref(), VERSION, LATER);
    var reconnected = connect(newSession.ref(), VERSION, LATER.plusSeconds(1));

    var lateClose = disconnect(oldSession.ref(), LATER.plusSeconds(2));

    assertTrue(reconnected.hasNoEvents()); // already connected with this version
    assertTrue(lateClose.hasNoEvents());
    assertTrue(success(lateClose).agentConnected());
    AgentMessages.StopTask stop = new AgentMessages.StopTask("t1", "Task stopped by user");
    instance.runCommand(new ContainerInstance.DeliverToAgent(stop));
    assertEquals(new AgentMessages.Push(stop), newSession.receiveMessage());
    oldSession.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void messageForTheAgentIsPushedToItsConnectedSession() {
    register(2048, 4096);
    TestProbe<AgentMessages.Push> session = testKit.createTestProbe();
    connect(session.ref(), VERSION, LATER);
    AgentMessages.StopTask stop = new AgentMessages.StopTask("t1", "Task stopped by user");

    var result = instance.runCommand(new ContainerInstance.DeliverToAgent(stop));

    assertTrue(result.hasNoEvents());
    assertEquals(new AgentMessages.Push(stop), session.receiveMessage());
  }

  @Test
  void messageForTheAgentIsDroppedWhenNoSessionIsConnected() {
    register(2048, 4096);
    TestProbe<AgentMessages.Push> session = testKit.createTestProbe();
    AgentMessages.StopTask stop = new AgentMessages.StopTask("t1", "Task stopped by user");
    instance.runCommand(new ContainerInstance.DeliverToAgent(stop)); // never connected
    connect(session.ref(), VERSION, LATER);
    disconnect(session.ref(), LATER.plusSeconds(1));

    var result = instance.runCommand(new ContainerInstance.DeliverToAgent(stop));

    assertTrue(result.hasNoEvents());
    session.expectNoMessage(Duration.ofMillis(100));
  }

  // ---- effects, version, replay ----

  @Test
  void effectsLearnOfEveryPersistedChange() {
    List<InstanceView> replies = new ArrayList<>();
    register(2048, 4096);
    replies.add(view());
    replies.add(
        connect(testKit.<AgentMessages.Push>createTestProbe().ref(), VERSION, LATER)
            .reply()
            .getValue());
    replies.add(reserve("t1", demand(128, 128)));
    track("t1", TaskPhase.RUNNING, LATER);
    replies.add(view());
    replies.add(
        success(
            instance.<StatusReply<InstanceView>>runCommand(
                r ->
                    new ContainerInstance.PutAttributes(
                        List.of(new Attribute("stack", "blue")), r))));
    track("t1", TaskPhase.STOPPED, LATER);
    replies.add(view());
    // nothing persisted: nothing told
    instance.runCommand(ContainerInstance.Get::new);
    track("t1", TaskPhase.RUNNING, LATER);
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.Reserve("t2", demand(99_999, 1), SUMMARY, LATER, r));

    assertEquals(replies, changes);
  }

  @Test
  void versionGrowsByOneWithEveryPersistedChange() {
    registerWithAgent(2048, 4096);
    reserve("t1", demand(128, 128));
    track("t1", TaskPhase.PENDING, LATER); // remembered, not persisted: no change
    track("t1", TaskPhase.RUNNING, LATER);
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.DeleteAttributes(List.of("x"), r));
    track("t1", TaskPhase.STOPPED, LATER);

    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L), changes.stream().map(InstanceView::version).toList());
    assertEquals(6, view().version());
  }

  @Test
  void restartReplaysTheSameStateAndTellsNoOne() {
    register(2048, 4096);
    reserve("t1", new Demand(512, 512, Set.of(80), Set.of(53)));
    reserve("t2", demand(128, 128));
    track("t1", TaskPhase.RUNNING, LATER);
    track("t2", TaskPhase.STOPPED, LATER);
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.PutAttributes(List.of(new Attribute("stack", "blue")), r));
    connect(testKit.<AgentMessages.Push>createTestProbe().ref(), NEWER_VERSION, LATER);
    instance.<StatusReply<InstanceView>>runCommand(
        r -> new ContainerInstance.ChangeStatus(Status.DRAINING, LATER, r));
    State before = instance.getState();
    int told = changes.size();

    State after = instance.restart().state();

    assertEquals(before, after);
    assertEquals(told, changes.size());
    assertEquals(
        ((LiveInstance) before).view(),
        success(instance.<StatusReply<InstanceView>>runCommand(ContainerInstance.Get::new)));
  }

  // ---- helpers ----

  private Registration registration(int cpu, int memory) {
    return new Registration(
        instanceId,
        "i-0123456789abcdef0",
        new Resources(cpu, memory, ports(22, 2375, 51678), ports()),
        List.of(
            new Attribute("ecs.os-type", "linux"),
            new Attribute("ecs.availability-zone", "us-east-1a")),
        VERSION,
        List.of(new Tag("team", "a")));
  }

  private Registration register(int cpu, int memory) {
    Registration registration = registration(cpu, memory);
    success(
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Register(registration, REGISTERED, r)));
    return registration;
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<ReservationsOutcome>>
      reserveAll(TaskReservation... tasks) {
    return instance.runCommand(r -> new ContainerInstance.ReserveAll(List.of(tasks), LATER, r));
  }

  private static TaskReservation task(String taskId, Demand demand) {
    return new TaskReservation(taskId, demand, SUMMARY);
  }

  /** The size of every journal write of this test's instance from now on. */
  private List<Integer> recordingWrites() {
    List<Integer> writes = new CopyOnWriteArrayList<>();
    String persistenceId =
        "ContainerInstance|" + ContainerInstance.entityId(ACCOUNT, CLUSTER, instanceId);
    instance
        .persistenceTestKit()
        .withPolicy(
            (pid, operation) -> {
              if (pid.equals(persistenceId) && operation instanceof WriteEvents w)
                writes.add(w.getBatch().size());
              return ProcessingSuccess.getInstance();
            });
    return writes;
  }

  private InstanceView reserve(String taskId, Demand demand) {
    return reserve(taskId, demand, LATER);
  }

  /** Registered with its agent connected: StartTask's reservations need the agent. */
  private Registration registerWithAgent(int cpu, int memory) {
    Registration registration = register(cpu, memory);
    success(
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.ChangeAgentConnection(true, VERSION, null, REGISTERED, r)));
    return registration;
  }

  private InstanceView reserve(String taskId, Demand demand, Instant at) {
    if (instance.getState() instanceof LiveInstance live && !live.view().agentConnected()) {
      success(
          instance.<StatusReply<InstanceView>>runCommand(
              r -> new ContainerInstance.ChangeAgentConnection(true, VERSION, null, at, r)));
    }
    return success(
        instance.<StatusReply<InstanceView>>runCommand(
            r -> new ContainerInstance.Reserve(taskId, demand, SUMMARY, at, r)));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<Done>>
      track(String taskId, TaskPhase phase, Instant at) {
    return instance.runCommand(r -> new ContainerInstance.TrackTask(taskId, phase, at, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<InstanceView>>
      connect(ActorRef<AgentMessages.Push> session, VersionInfo version, Instant at) {
    return instance.runCommand(
        r -> new ContainerInstance.ChangeAgentConnection(true, version, session, at, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<InstanceView>>
      disconnect(ActorRef<AgentMessages.Push> session, Instant at) {
    return instance.runCommand(
        r -> new ContainerInstance.ChangeAgentConnection(false, null, session, at, r));
  }

  private InstanceView view() {
    State state = instance.getState();
    if (state instanceof LiveInstance live) return live.view();
    return ((InactiveInstance) state).view();
  }

  private static Demand demand(int cpu, int memory) {
    return new Demand(cpu, memory, Set.of(), Set.of());
  }

  private static TreeSet<Integer> ports(Integer... ports) {
    return new TreeSet<>(List.of(ports));
  }
}
