package io.harbormaster.scheduler.strategy;

import static io.harbormaster.scheduler.Instances.instance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StrategyTest {

  private static final TaskDemand WEB = TaskDemand.of(128, 128, "service:web");

  private static double[] score(Strategy strategy, InstanceSnapshot... candidates) {
    return strategy.score(
        List.of(candidates), ClusterSnapshot.of(candidates), WEB, new SplittableRandom(1));
  }

  @Nested
  class Binpack {

    @Test
    void leastRemainingCpuScoresHighest() {
      double[] scores =
          score(
              new BinpackStrategy(BinpackStrategy.Resource.CPU),
              instance("a").size(2048, 4096).used(0, 0).build(),
              instance("b").size(2048, 4096).used(2048 - 512, 0).build(),
              instance("c").size(2048, 4096).used(1024 - 256, 4000).build());
      // remaining 2048, 512, 1280: 512 scores 100, 2048 scores 0, 1280 halfway
      assertArrayEquals(new double[] {0, 100, 50}, scores, 1e-9);
    }

    @Test
    void leastRemainingMemoryScoresHighest() {
      double[] scores =
          score(
              new BinpackStrategy(BinpackStrategy.Resource.MEMORY),
              instance("a").size(2048, 4096).used(2000, 1024).build(),
              instance("b").size(2048, 4096).used(0, 3072).build());
      assertArrayEquals(new double[] {0, 100}, scores);
    }

    @Test
    void equalInstancesTie() {
      double[] scores =
          score(
              new BinpackStrategy(BinpackStrategy.Resource.CPU),
              instance("a").build(),
              instance("b").build());
      assertArrayEquals(new double[] {100, 100}, scores);
    }
  }

  @Nested
  class Spread {

    @Test
    void byInstanceTheInstanceWithFewestTasksOfTheGroupScoresHighest() {
      double[] scores =
          score(
              new SpreadStrategy(PlacementStrategy.INSTANCE_ID),
              instance("a").tasks("service:web", 2).build(),
              instance("b").tasks("service:web", 0).tasks("service:other", 9).build(),
              instance("c").tasks("service:web", 1).build());
      assertArrayEquals(new double[] {0, 100, 50}, scores);
    }

    @Test
    void byAttributeTasksAreCountedPerValueAcrossTheWholeCluster() {
      InstanceSnapshot fullInA = instance("a1").zone("us-east-1a").tasks("service:web", 3).build();
      InstanceSnapshot emptyInA = instance("a2").zone("us-east-1a").build();
      InstanceSnapshot inB = instance("b1").zone("us-east-1b").tasks("service:web", 1).build();
      // the full instance is no candidate, yet its tasks make us-east-1a the fuller zone
      double[] scores =
          new SpreadStrategy("attribute:ecs.availability-zone")
              .score(
                  List.of(emptyInA, inB),
                  ClusterSnapshot.of(fullInA, emptyInA, inB),
                  WEB,
                  new SplittableRandom(1));
      assertArrayEquals(new double[] {0, 100}, scores);
    }

    @Test
    void instancesWithoutTheAttributeShareOneBucket() {
      InstanceSnapshot bare1 =
          instance("x").withoutAttribute("rack").tasks("service:web", 1).build();
      InstanceSnapshot bare2 = instance("y").withoutAttribute("rack").build();
      InstanceSnapshot racked = instance("z").attribute("rack", "r1").build();
      double[] scores = score(new SpreadStrategy("attribute:rack"), bare1, bare2, racked);
      assertArrayEquals(new double[] {0, 0, 100}, scores);
    }
  }

  @Nested
  class Random {

    @Test
    void scoresAreBetweenZeroAndHundredAndFollowTheSeed() {
      InstanceSnapshot[] candidates = {
        instance("a").build(), instance("b").build(), instance("c").build()
      };
      double[] first =
          RandomStrategy.INSTANCE.score(
              List.of(candidates), ClusterSnapshot.of(candidates), WEB, new SplittableRandom(42));
      double[] again =
          RandomStrategy.INSTANCE.score(
              List.of(candidates), ClusterSnapshot.of(candidates), WEB, new SplittableRandom(42));
      double[] other =
          RandomStrategy.INSTANCE.score(
              List.of(candidates), ClusterSnapshot.of(candidates), WEB, new SplittableRandom(43));
      assertArrayEquals(first, again);
      assertNotEquals(List.of(first[0], first[1], first[2]), List.of(other[0], other[1], other[2]));
      for (double score : first) assertTrue(score >= 0 && score < 100, "score " + score);
    }
  }

  @Nested
  class RankingInOrder {

    @Test
    void laterStrategiesOnlyBreakTiesOfEarlierOnes() {
      InstanceSnapshot busyZoneFullest =
          instance("a1").zone("us-east-1a").tasks("service:web", 1).used(0, 3000).build();
      InstanceSnapshot quietZoneRoomy = instance("b1").zone("us-east-1b").used(0, 0).build();
      InstanceSnapshot quietZoneFullest = instance("b2").zone("us-east-1b").used(0, 2000).build();
      ClusterSnapshot cluster =
          ClusterSnapshot.of(busyZoneFullest, quietZoneRoomy, quietZoneFullest);
      TaskDemand demand =
          WEB.withStrategies(
              List.of(
                  PlacementStrategy.spread("attribute:ecs.availability-zone"),
                  PlacementStrategy.binpack("memory")));

      List<InstanceSnapshot> best =
          Ranking.best(cluster.instances(), cluster, demand, new SplittableRandom(1));

      assertEquals(List.of(quietZoneFullest), best);
    }

    @Test
    void withoutStrategiesEveryCandidateIsBest() {
      ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").build(), instance("b").build());
      assertEquals(
          cluster.instances(),
          Ranking.best(cluster.instances(), cluster, WEB, new SplittableRandom(1)));
    }

    @Test
    void tiesThatNoStrategyBreaksAreAllKept() {
      ClusterSnapshot cluster = ClusterSnapshot.of(instance("a").build(), instance("b").build());
      TaskDemand demand = WEB.withStrategies(List.of(PlacementStrategy.binpack("cpu")));
      assertEquals(
          cluster.instances(),
          Ranking.best(cluster.instances(), cluster, demand, new SplittableRandom(1)));
    }
  }

  @Test
  void eachStrategySpecMapsToItsImplementation() {
    assertEquals(
        new BinpackStrategy(BinpackStrategy.Resource.MEMORY),
        Strategy.of(PlacementStrategy.binpack("memory")));
    assertEquals(new SpreadStrategy("instanceId"), Strategy.of(PlacementStrategy.spread("host")));
    assertInstanceOf(RandomStrategy.class, Strategy.of(PlacementStrategy.random()));
  }
}
