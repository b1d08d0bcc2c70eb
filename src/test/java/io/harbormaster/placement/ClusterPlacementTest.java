package io.harbormaster.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.harbormaster.common.Entities;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Attribute;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Registration;
import io.harbormaster.instance.ContainerInstance.Resources;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.instance.ContainerInstance.VersionInfo;
import io.harbormaster.placement.ClusterPlacement.Outcome;
import io.harbormaster.placement.ClusterPlacement.Placed;
import io.harbormaster.placement.ClusterPlacement.StrategySpec;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.testing.Await;
import io.harbormaster.testing.EntityTestKit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.ReadEvents;
import org.apache.pekko.persistence.testkit.ReadSeqNum;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster's placement with real ContainerInstance entities behind sharding on a one-node
 * cluster (loopback only) and the in-memory journal, whose writes the test counts. The instances'
 * notifications to the placement can be held back, so the placement works from a stale snapshot the
 * way it does when another placement or StartTask got to an instance first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ClusterPlacementTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("ClusterPlacementTest")
          .withCustomConfig(config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final TaskSummary SUMMARY = new TaskSummary("web", "family:web", "me");
  private static final VersionInfo VERSION = new VersionInfo("1.0.0", "abc123", "27.3.1");
  private static final AtomicInteger NEXT_CLUSTER = new AtomicInteger();

  /** persistence id → the number of events in each journal write, in order. */
  private final Map<String, List<Integer>> writes = new ConcurrentHashMap<>();

  /** Off: the instances' changes do not reach the placement, whose snapshot then goes stale. */
  private final AtomicBoolean notifying = new AtomicBoolean(true);

  /**
   * Each journal write of the test takes this much longer (0: as fast as the in-memory journal is).
   */
  private final AtomicLong slowWritesMillis = new AtomicLong();

  /**
   * Persistence ids whose journal cannot be read: their entities fail to recover and never answer.
   */
  private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

  private Entities entities;
  private String cluster;

  private static Config config() {
    return ConfigFactory.parseString(
            """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """)
        .withFallback(EntityTestKit.config());
  }

  @BeforeAll
  void startOneNodeCluster() {
    var system = testKit.system();
    Cluster node = Cluster.get(system);
    node.manager().tell(Join.create(node.selfMember().address()));
    Await.until(
        "the node to be up",
        Duration.ofSeconds(20),
        () -> node.selfMember().status(),
        status -> status == MemberStatus.up());
    PersistenceTestKit.create(system)
        .withPolicy(
            (persistenceId, operation) -> {
              if ((operation instanceof ReadEvents || operation == ReadSeqNum.getInstance())
                  && unreadable.contains(persistenceId)) {
                return StorageFailure.create();
              }
              if (operation instanceof WriteEvents w) {
                writes
                    .computeIfAbsent(persistenceId, k -> new CopyOnWriteArrayList<>())
                    .add(w.getBatch().size());
                long delay = slowWritesMillis.get();
                if (delay > 0) {
                  try {
                    Thread.sleep(delay); // a journal slower than the caller's patience
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              }
              return ProcessingSuccess.getInstance();
            });
    EventTags tags = new EventTags(4);
    entities = new Entities(system, Duration.ofSeconds(10), java.time.Clock.systemUTC());
    // No account here: a directory that lists every cluster at once.
    io.harbormaster.cluster.Cluster.init(
        system,
        tags,
        (account, name, status) ->
            java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.done()));
    ContainerInstance.Effects toPlacement = ClusterPlacement.notifier(system);
    ContainerInstance.init(
        system,
        tags,
        "us-east-1",
        Duration.ofMinutes(10),
        view -> {
          if (notifying.get()) toPlacement.changed(view);
        },
        // Most tests place without a cluster: a cluster that lists every instance at once.
        (account, clusterName, instanceId, listed) ->
            java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.done()),
        java.time.Clock.systemUTC());
    // the placement waits less than the test for an instance that does not answer
    ClusterPlacement.init(
        system,
        new Entities(system, Duration.ofSeconds(3), java.time.Clock.systemUTC()),
        "us-east-1",
        java.time.Clock.systemUTC());
  }

  @BeforeEach
  void newCluster() {
    cluster = "c" + NEXT_CLUSTER.incrementAndGet();
    notifying.set(true);
    slowWritesMillis.set(0);
    unreadable.clear();
  }

  @Test
  void aSnapshotThatCannotBeReadIsReadAgainInsteadOfTakenForAnEmptyCluster() {
    createCluster();
    join("i-1");
    join("i-down");
    notifying.set(false); // the placement starts with the Place below and reads the cluster itself
    register("i-1", 4096, 8192, false);
    unreadable.add(persistenceId("i-down")); // i-down is a member whose entity does not answer
    TestProbe<Outcome> caller = testKit.createTestProbe();

    sendPlace(List.of("t1"), 256, null, caller.getRef());

    // not "No Container Instances were found in your cluster.": while the snapshot is unknown
    // nothing is answered
    // (an asker's timeout is a ServerException), and once i-down answers the task is placed
    caller.expectNoMessage(Duration.ofSeconds(5));
    unreadable.clear();
    Outcome outcome = caller.expectMessageClass(Outcome.class, Duration.ofSeconds(20));
    assertEquals(List.of(new Placed("t1", "i-1")), outcome.placed());
    assertEquals(Optional.empty(), outcome.clusterError());
  }

  @Test
  void theSnapshotRetryBacksOffUpToFiveSeconds() {
    assertEquals(
        List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
        IntStream.rangeClosed(1, 7)
            .mapToObj(a -> ClusterPlacement.retryDelay(a).toMillis())
            .toList());
    assertEquals(Duration.ofSeconds(5), ClusterPlacement.retryDelay(Integer.MAX_VALUE));
  }

  @Test
  void aPlacementThatArrivesAfterItsCallerStoppedWaitingReservesNothing() {
    register("i-1", 4096, 8192);
    int before = writesOf("i-1").size();
    TestProbe<Outcome> caller = testKit.createTestProbe();

    sendPlace(taskIds(3), 256, Instant.now().minusSeconds(1), caller.getRef());

    caller.expectNoMessage(Duration.ofMillis(500));
    assertTrue(instance("i-1").reservations().isEmpty());
    assertEquals(before, writesOf("i-1").size());
  }

  @Test
  void aPlacementThatFinishesAfterItsCallerStoppedWaitingGivesItsReservationsBack() {
    register("i-1", 4096, 8192);
    TestProbe<Outcome> caller = testKit.createTestProbe();
    slowWritesMillis.set(800);

    sendPlace(taskIds(3), 256, Instant.now().plusMillis(200), caller.getRef());

    // nobody will create these tasks: no answer, and the reservations go instead of holding the
    // host until they
    // time out
    caller.expectNoMessage(Duration.ofMillis(1500));
    slowWritesMillis.set(0);
    Await.until(
        "the reservations given back",
        Duration.ofSeconds(10),
        () -> instance("i-1").reservations(),
        Map::isEmpty);
    assertEquals(4096, instance("i-1").remaining().cpu());
  }

  @Test
  void tasksPlacedOnOneInstanceAreReservedInOneJournalWrite() {
    register("i-1", 4096, 8192);
    int before = writesOf("i-1").size();

    Outcome outcome = place(taskIds(10), 256, List.of());

    assertEquals(
        taskIds(10).stream().map(t -> new Placed(t, "i-1")).toList(), sorted(outcome.placed()));
    assertEquals(List.of(), outcome.failures());
    assertEquals(List.of(10), writesOf("i-1").subList(before, writesOf("i-1").size()));
    assertEquals(Set.copyOf(taskIds(10)), instance("i-1").reservations().keySet());
  }

  @Test
  void tasksSpreadOverTwoInstancesTakeOneWriteOnEach() {
    register("i-1", 4096, 8192);
    register("i-2", 4096, 8192);
    int before1 = writesOf("i-1").size();
    int before2 = writesOf("i-2").size();

    Outcome outcome = place(taskIds(6), 256, List.of(new StrategySpec("spread", "instanceId")));

    Map<String, Long> perInstance =
        outcome.placed().stream()
            .collect(
                Collectors.groupingBy(Placed::instanceId, TreeMap::new, Collectors.counting()));
    assertEquals(Map.of("i-1", 3L, "i-2", 3L), perInstance);
    assertEquals(List.of(3), writesOf("i-1").subList(before1, writesOf("i-1").size()));
    assertEquals(List.of(3), writesOf("i-2").subList(before2, writesOf("i-2").size()));
  }

  @Test
  void tasksAnInstanceRefusesFromAStaleSnapshotArePlacedAgainElsewhere() {
    register("i-1", 1024, 8192);
    register("i-2", 2048, 8192);
    reserveUnseen("i-1", "someone-elses", 600);

    // binpack sends both to i-1, the fuller one as far as the placement knows; only the first still
    // fits there
    Outcome outcome = place(List.of("t1", "t2"), 256, List.of(new StrategySpec("binpack", "cpu")));

    assertEquals(
        List.of(new Placed("t1", "i-1"), new Placed("t2", "i-2")), sorted(outcome.placed()));
    assertEquals(List.of(), outcome.failures());
    assertEquals(Set.of("someone-elses", "t1"), instance("i-1").reservations().keySet());
    assertEquals(Set.of("t2"), instance("i-2").reservations().keySet());
  }

  @Test
  void batchRefusedByADeregisteredInstanceGoesToAnotherInstance() {
    register("i-1", 1024, 8192);
    register("i-2", 2048, 8192);
    notifying.set(false);
    ask("i-1", r -> new ContainerInstance.Deregister(true, Instant.now(), r));
    notifying.set(true);

    Outcome outcome = place(taskIds(3), 128, List.of(new StrategySpec("binpack", "cpu")));

    assertEquals(
        taskIds(3).stream().map(t -> new Placed(t, "i-2")).toList(), sorted(outcome.placed()));
    assertTrue(instance("i-1").reservations().isEmpty());
  }

  @Test
  void taskThatFitsNowhereOnceTheRefusalShowedTheRealStateFailsWithTheResourceReason() {
    register("i-1", 1024, 8192);
    reserveUnseen("i-1", "someone-elses", 1000);

    Outcome outcome = place(List.of("t1"), 256, List.of());

    assertEquals(List.of(), outcome.placed());
    assertEquals(
        List.of("RESOURCE:CPU"),
        outcome.failures().stream().map(PlacementFailure::reason).toList());
    assertEquals(Set.of("someone-elses"), instance("i-1").reservations().keySet());
  }

  // ---- helpers ----

  private void register(String instanceId, int cpu, int memory) {
    register(instanceId, cpu, memory, true);
  }

  private void register(String instanceId, int cpu, int memory, boolean awaitPlacement) {
    Registration registration =
        new Registration(
            instanceId,
            "i-0123456789abcdef0",
            new Resources(cpu, memory, new TreeSet<>(List.of(22, 2375, 51678)), new TreeSet<>()),
            List.of(new Attribute("ecs.os-type", "linux")),
            VERSION,
            List.<Tag>of());
    ask(instanceId, r -> new ContainerInstance.Register(registration, Instant.now(), r));
    InstanceView connected =
        ask(
            instanceId,
            r ->
                new ContainerInstance.ChangeAgentConnection(
                    true, VERSION, testKit.system().ignoreRef(), Instant.now(), r));
    if (!awaitPlacement) return;
    Await.until(
        "the placement to know " + instanceId,
        Duration.ofSeconds(10),
        this::knownToPlacement,
        views ->
            views.stream()
                .anyMatch(
                    v ->
                        v.registration().instanceId().equals(instanceId)
                            && v.version() == connected.version()));
  }

  private void createCluster() {
    await(
        entities
            .<io.harbormaster.cluster.Cluster.Command, io.harbormaster.cluster.Cluster.ClusterInfo>
                ask(
                    io.harbormaster.cluster.Cluster.ENTITY_KEY,
                    io.harbormaster.cluster.Cluster.entityId(ACCOUNT, cluster),
                    r ->
                        new io.harbormaster.cluster.Cluster.Create(
                            new io.harbormaster.cluster.Cluster.ClusterSpec(
                                cluster, List.of(), null, null, List.of(), null, List.of()),
                            Instant.now(),
                            r)));
  }

  private void join(String instanceId) {
    await(
        entities
            .<io.harbormaster.cluster.Cluster.Command, io.harbormaster.cluster.Cluster.ClusterInfo>
                ask(
                    io.harbormaster.cluster.Cluster.ENTITY_KEY,
                    io.harbormaster.cluster.Cluster.entityId(ACCOUNT, cluster),
                    r ->
                        new io.harbormaster.cluster.Cluster.JoinInstance(
                            instanceId, Instant.now(), r)));
  }

  /**
   * A reservation the placement does not hear of (another placement's, or StartTask's, still on its
   * way).
   */
  private void reserveUnseen(String instanceId, String taskId, int cpu) {
    notifying.set(false);
    ask(
        instanceId,
        r -> new ContainerInstance.Reserve(taskId, demand(cpu), SUMMARY, Instant.now(), r));
    notifying.set(true);
  }

  private Outcome place(List<String> taskIds, int cpu, List<StrategySpec> strategies) {
    return await(
        entities.askPlain(
            ClusterPlacement.ENTITY_KEY,
            ClusterPlacement.entityId(ACCOUNT, cluster),
            (ActorRef<Outcome> r) ->
                new ClusterPlacement.Place(
                    taskIds, demand(cpu), SUMMARY, List.of(), strategies, null, r)));
  }

  private void sendPlace(
      List<String> taskIds, int cpu, Instant answerBy, ActorRef<Outcome> replyTo) {
    ClusterSharding.get(testKit.system())
        .entityRefFor(ClusterPlacement.ENTITY_KEY, ClusterPlacement.entityId(ACCOUNT, cluster))
        .tell(
            new ClusterPlacement.Place(
                taskIds, demand(cpu), SUMMARY, List.of(), List.of(), answerBy, replyTo));
  }

  private List<InstanceView> knownToPlacement() {
    return await(
            entities.<ClusterPlacement.Command, ClusterPlacement.Instances>askPlain(
                ClusterPlacement.ENTITY_KEY,
                ClusterPlacement.entityId(ACCOUNT, cluster),
                ClusterPlacement.GetInstances::new))
        .instances();
  }

  private InstanceView instance(String instanceId) {
    return ask(instanceId, ContainerInstance.Get::new);
  }

  private InstanceView ask(
      String instanceId,
      Function<ActorRef<StatusReply<InstanceView>>, ContainerInstance.Command> command) {
    return await(
        entities.ask(
            ContainerInstance.ENTITY_KEY,
            ContainerInstance.entityId(ACCOUNT, cluster, instanceId),
            command));
  }

  private List<Integer> writesOf(String instanceId) {
    return writes.getOrDefault(persistenceId(instanceId), List.of());
  }

  private String persistenceId(String instanceId) {
    return ContainerInstance.ENTITY_KEY.name()
        + "|"
        + ContainerInstance.entityId(ACCOUNT, cluster, instanceId);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> answer) {
    try {
      return answer.toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> taskIds(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("t%02d", i)).toList();
  }

  private static List<Placed> sorted(List<Placed> placed) {
    List<Placed> copy = new ArrayList<>(placed);
    copy.sort((a, b) -> a.taskId().compareTo(b.taskId()));
    return copy;
  }

  private static Demand demand(int cpu) {
    return new Demand(cpu, 128, Set.of(), Set.of());
  }
}
