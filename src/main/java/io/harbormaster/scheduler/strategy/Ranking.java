package io.harbormaster.scheduler.strategy;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.scheduler.TaskDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Applies a demand's strategies in order, each breaking the ties the one before it left (ECS:
 * "several strategies apply in order as tie-breakers"): spread by zone, then binpack memory, picks
 * the fullest instance of the emptiest zone.
 */
public final class Ranking {

  private Ranking() {}

  /** The candidates every strategy ranked best; all of them when there are no strategies. */
  public static List<InstanceSnapshot> best(
      List<InstanceSnapshot> candidates,
      ClusterSnapshot cluster,
      TaskDemand demand,
      RandomGenerator random) {
    List<InstanceSnapshot> remaining = List.copyOf(candidates);
    for (PlacementStrategy spec : demand.strategies()) {
      if (remaining.size() <= 1) break;
      double[] scores = Strategy.of(spec).score(remaining, cluster, demand, random);
      double top = Double.NEGATIVE_INFINITY;
      for (double score : scores) top = Math.max(top, score);
      List<InstanceSnapshot> tied = new ArrayList<>();
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] == top) tied.add(remaining.get(i));
      }
      remaining = tied;
    }
    return remaining;
  }
}
