package io.harbormaster.scheduler.strategy;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Ranks the feasible instances for one task. Scores are normalised to 0–100 as kube-scheduler's
 * score plugins are (100 = best), so strategies are comparable and a score says nothing about any
 * other candidate set.
 */
public interface Strategy {

  /**
   * One score per candidate, in the candidates' order.
   *
   * @param cluster the whole snapshot, for strategies that count tasks beyond the candidates
   *     (spread)
   */
  double[] score(
      List<InstanceSnapshot> candidates,
      ClusterSnapshot cluster,
      TaskDemand demand,
      RandomGenerator random);

  static Strategy of(PlacementStrategy spec) {
    switch (spec.type()) {
      case BINPACK:
        return new BinpackStrategy(
            BinpackStrategy.Resource.valueOf(spec.field().toUpperCase(Locale.ROOT)));
      case SPREAD:
        return new SpreadStrategy(spec.field());
      case RANDOM:
        return RandomStrategy.INSTANCE;
    }
    throw new AssertionError(spec.type());
  }
}
