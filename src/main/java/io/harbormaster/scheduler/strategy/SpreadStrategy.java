package io.harbormaster.scheduler.strategy;

import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementStrategy;
import io.harbormaster.scheduler.TaskDemand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * spread: instances whose bucket — the instance itself for {@code instanceId}, its attribute value
 * for {@code attribute:<name>} — holds the fewest tasks of the demand's group first. ECS spreads
 * service tasks by the tasks of that service and standalone tasks by the tasks of their group; a
 * service's group is {@code service:<name>}, so counting the group covers both.
 *
 * <p>Buckets are counted over the whole cluster, not only the candidates: tasks on a full or
 * draining instance in us-east-1a still make us-east-1a the fuller zone. Instances without the
 * attribute share one bucket.
 */
public record SpreadStrategy(String field) implements Strategy {

  @Override
  public double[] score(
      List<InstanceSnapshot> candidates,
      ClusterSnapshot cluster,
      TaskDemand demand,
      RandomGenerator random) {
    Map<Optional<String>, Long> tasksPerBucket = new HashMap<>();
    for (InstanceSnapshot instance : cluster.instances()) {
      tasksPerBucket.merge(
          bucket(instance), (long) instance.tasksInGroup(demand.group()), Long::sum);
    }
    long[] load = new long[candidates.size()];
    for (int i = 0; i < load.length; i++) {
      load[i] = tasksPerBucket.getOrDefault(bucket(candidates.get(i)), 0L);
    }
    return Scores.lowerIsBetter(load);
  }

  private Optional<String> bucket(InstanceSnapshot instance) {
    if (field.equals(PlacementStrategy.INSTANCE_ID)) return Optional.of(instance.id());
    return instance.attribute(field.substring(PlacementStrategy.ATTRIBUTE_PREFIX.length()));
  }
}
