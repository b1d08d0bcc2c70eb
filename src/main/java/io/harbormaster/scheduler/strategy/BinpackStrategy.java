package io.harbormaster.scheduler.strategy;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * binpack: the instance with the least remaining CPU or memory first (that still fits the task —
 * the filters saw to that), so tasks fill few instances and the others stay empty.
 */
public record BinpackStrategy(Resource resource) implements Strategy {

  public enum Resource {
    CPU,
    MEMORY
  }

  @Override
  public double[] score(
      List<InstanceSnapshot> candidates,
      ClusterSnapshot cluster,
      TaskDemand demand,
      RandomGenerator random) {
    long[] remaining = new long[candidates.size()];
    for (int i = 0; i < remaining.length; i++) {
      remaining[i] = remaining(candidates.get(i));
    }
    return Scores.lowerIsBetter(remaining);
  }

  private long remaining(InstanceSnapshot instance) {
    switch (resource) {
      case CPU:
        return instance.remaining().cpu();
      case MEMORY:
        return instance.remaining().memoryMiB();
    }
    throw new AssertionError(resource);
  }
}
