package io.harbormaster.scheduler;

import static io.harbormaster.scheduler.Instances.arn;
import static io.harbormaster.scheduler.Instances.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  private static final TaskDemand WEB = TaskDemand.of(512, 1024, "service:web");

  private static PlacementResult place(ClusterSnapshot cluster, TaskDemand demand, int count) {
    return Scheduler.place(cluster, demand, count, new SplittableRandom(7));
  }

  private static Map<String, Long> perInstance(PlacementResult result) {
    return result.instanceIds().stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void place_emptyCluster_answersLikeEcs() {
    PlacementResult result = place(ClusterSnapshot.of(), WEB, 3);

    assertEquals(
        Optional.of("No Container Instances were found in your cluster."), result.clusterError());
    assertEquals(3, result.unplacedCount());
    assertEquals(List.of(), result.failures());
  }

  @Test
  void place_singleTask_goesToTheOnlyFeasibleInstance() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(instance("small").size(256, 4096).build(), instance("fits").build());

    PlacementResult result = place(cluster, WEB, 1);

    assertEquals(List.of("fits"), result.instanceIds());
    assertTrue(result.allPlaced());
    assertEquals(Optional.empty(), result.clusterError());
    assertEquals(
        List.of(new PlacementFailure(arn("small"), "RESOURCE:CPU")),
        result.placements().get(0).rejected());
  }

  @Test
  void place_nothingFeasible_reportsEveryInstanceWithItsReason() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("cpu").size(256, 4096).build(),
            instance("memory").size(2048, 512).build(),
            instance("away").agentConnected(false).build(),
            instance("draining").status(InstanceSnapshot.Status.DRAINING).build(),
            instance("port").tcpPortsTaken(80).build());

    PlacementResult result = place(cluster, WEB.withPorts(Set.of(80), Set.of()), 2);

    assertEquals(List.of(), result.placements());
    assertEquals(2, result.unplacedCount());
    assertEquals(
        List.of(
            new PlacementFailure(arn("cpu"), "RESOURCE:CPU"),
            new PlacementFailure(arn("memory"), "RESOURCE:MEMORY"),
            new PlacementFailure(arn("away"), "AGENT"),
            new PlacementFailure(arn("draining"), "DRAINING"),
            new PlacementFailure(arn("port"), "RESOURCE:PORTS")),
        result.failures());
  }

  @Test
  void batch_neverOverCommitsAnInstance() {
    ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").size(4096, 2048).build());

    PlacementResult result = place(cluster, WEB, 3);

    assertEquals(List.of("a", "a"), result.instanceIds());
    assertEquals(1, result.unplacedCount());
    assertEquals(List.of(new PlacementFailure(arn("a"), "RESOURCE:MEMORY")), result.failures());
  }

  @Test
  void batch_distinctInstance_usesEachInstanceOnce() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("a").build(),
            instance("b").build(),
            instance("c").tasks("service:web", 1).build());
    TaskDemand demand = WEB.withConstraints(List.of(PlacementConstraint.distinctInstance()));

    PlacementResult result = place(cluster, demand, 3);

    assertEquals(Set.of("a", "b"), Set.copyOf(result.instanceIds()));
    assertEquals(2, result.instanceIds().size());
    assertEquals(1, result.unplacedCount());
    String reason = "DistinctInstance placement constraint unsatisfied.";
    assertEquals(
        List.of(
            new PlacementFailure(arn("a"), reason),
            new PlacementFailure(arn("b"), reason),
            new PlacementFailure(arn("c"), reason)),
        result.failures());
  }

  @Test
  void batch_staticHostPort_oncePerInstance() {
    ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").build(), instance("b").build());

    PlacementResult result = place(cluster, WEB.withPorts(Set.of(80), Set.of(5353)), 3);

    assertEquals(Set.of("a", "b"), Set.copyOf(result.instanceIds()));
    assertEquals(1, result.unplacedCount());
    assertEquals(
        Set.of("RESOURCE:PORTS"),
        result.failures().stream().map(PlacementFailure::reason).collect(Collectors.toSet()));
  }

  @Test
  void binpack_fillsOneInstanceBeforeTheNext() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("roomy").size(4096, 8192).build(),
            instance("snug").size(4096, 8192).used(0, 4096).build());
    TaskDemand demand = WEB.withStrategies(List.of(PlacementStrategy.binpack("memory")));

    PlacementResult result = place(cluster, demand, 6);

    assertEquals(List.of("snug", "snug", "snug", "snug", "roomy", "roomy"), result.instanceIds());
  }

  @Test
  void spreadByInstance_takesTurns() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("a").tasks("service:web", 1).build(),
            instance("b").build(),
            instance("c").build());
    TaskDemand demand = WEB.withStrategies(List.of(PlacementStrategy.spread("instanceId")));

    PlacementResult result = place(cluster, demand, 5);

    assertEquals(Map.of("a", 1L, "b", 2L, "c", 2L), perInstance(result));
  }

  @Test
  void serviceDefault_balancesZonesThenInstances() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("a1").zone("us-east-1a").build(),
            instance("a2").zone("us-east-1a").build(),
            instance("a3").zone("us-east-1a").build(),
            instance("b1").zone("us-east-1b").build());
    TaskDemand demand = WEB.withStrategies(PlacementStrategy.SERVICE_DEFAULT);

    PlacementResult result = place(cluster, demand, 4);

    // two tasks per zone; in us-east-1a they land on two different instances
    assertEquals(2L, perInstance(result).get("b1"));
    assertEquals(
        2, result.instanceIds().stream().filter(id -> id.startsWith("a")).distinct().count());
  }

  @Test
  void memberOf_restrictsTheCandidates() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("t2").attribute(InstanceSnapshot.INSTANCE_TYPE, "t2.micro").build(),
            instance("g2").attribute(InstanceSnapshot.INSTANCE_TYPE, "g2.2xlarge").build());
    TaskDemand demand =
        WEB.withConstraints(
            List.of(PlacementConstraint.memberOf("attribute:ecs.instance-type =~ g2.*")));

    PlacementResult result = place(cluster, demand, 2);

    assertEquals(List.of("g2", "g2"), result.instanceIds());
    assertEquals(
        List.of(new PlacementFailure(arn("t2"), "MemberOf placement constraint unsatisfied.")),
        result.placements().get(0).rejected());
  }

  @Test
  void memberOf_seesTheTasksPlacedEarlierInTheBatch() {
    ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").build(), instance("b").build());
    TaskDemand demand =
        WEB.withConstraints(List.of(PlacementConstraint.memberOf("runningTasksCount == 0")));

    PlacementResult result = place(cluster, demand, 3);

    assertEquals(Set.of("a", "b"), Set.copyOf(result.instanceIds()));
    assertEquals(1, result.unplacedCount());
  }

  @Test
  void drainingInstance_neverGetsTasks() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("draining").status(InstanceSnapshot.Status.DRAINING).size(8192, 16384).build(),
            instance("active").build());

    PlacementResult result = place(cluster, WEB, 2);

    assertEquals(List.of("active", "active"), result.instanceIds());
  }

  @Test
  void requiredAttributes_missingIsAttribute() {
    ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").build());
    TaskDemand demand =
        WEB.withRequiredAttributes(List.of(RequiredAttribute.named("ecs.capability.task-eni")));

    PlacementResult result = place(cluster, demand, 1);

    assertEquals(List.of(new PlacementFailure(arn("a"), "ATTRIBUTE")), result.failures());
  }

  @Test
  void random_sameSeedSameChoices() {
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            instance("a").build(),
            instance("b").build(),
            instance("c").build(),
            instance("d").build());
    TaskDemand demand =
        TaskDemand.of(1, 1, "family:batch").withStrategies(PlacementStrategy.RUN_TASK_DEFAULT);

    List<String> first =
        Scheduler.place(cluster, demand, 10, new SplittableRandom(99)).instanceIds();
    List<String> again =
        Scheduler.place(cluster, demand, 10, new SplittableRandom(99)).instanceIds();

    assertEquals(first, again);
    assertTrue(
        Set.copyOf(first).size() > 1, "ten random picks among four instances used only " + first);
  }

  @Test
  void theCallersSnapshotIsLeftAlone() {
    InstanceSnapshot a = instance("a").build();
    ClusterSnapshot cluster = ClusterSnapshot.of(a);

    place(cluster, WEB, 2);

    assertEquals(a, cluster.instances().get(0));
    assertEquals(2048, cluster.instances().get(0).remaining().cpu());
  }

  @Test
  void placedTasksUpdateTheInstanceAsTheNextTaskSeesIt() {
    InstanceSnapshot after =
        instance("a")
            .tcpPortsTaken(8080)
            .build()
            .withTaskPlaced(WEB.withPorts(Set.of(80), Set.of(53)));

    assertEquals(2048 - 512, after.remaining().cpu());
    assertEquals(4096 - 1024, after.remaining().memoryMiB());
    assertTrue(after.remaining().tcpPorts().containsAll(Set.of(80, 8080, 22)));
    assertEquals(Set.of(53), after.remaining().udpPorts());
    assertEquals(1, after.tasksInGroup("service:web"));
    assertEquals(1, after.runningTasksCount());
  }

  @Test
  void countMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> place(ClusterSnapshot.of(), WEB, 0));
  }

  @Test
  void duplicateInstancesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ClusterSnapshot.of(instance("a").build(), instance("a").build()));
  }
}
