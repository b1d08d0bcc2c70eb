package io.harbormaster.scheduler.strategy;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.random.RandomGenerator;

/** random: every candidate gets an independent uniform score, so any of them may win. */
public final class RandomStrategy implements Strategy {

  public static final RandomStrategy INSTANCE = new RandomStrategy();

  private RandomStrategy() {}

  @Override
  public double[] score(
      List<InstanceSnapshot> candidates,
      ClusterSnapshot cluster,
      TaskDemand demand,
      RandomGenerator random) {
    double[] scores = new double[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextDouble(Scores.MAX);
    }
    return scores;
  }
}
