package io.harbormaster.scheduler;

import io.harbormaster.scheduler.filter.PlacementFilter;
import io.harbormaster.scheduler.strategy.Ranking;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Places tasks: feasibility filters reject the instances that cannot take the task, strategies rank
 * the rest, and one of the best is picked.
 *
 * <p>A batch is placed one task at a time on a private copy of the snapshot that records each
 * placed task (resources, ports, task groups), so a batch never over-commits an instance and {@code
 * distinctInstance} holds across it. The caller's snapshot is not changed; reserving on the real
 * instances is the caller's job.
 */
public final class Scheduler {

  private Scheduler() {}

  /**
   * @param count tasks to place, at least 1 (RunTask allows up to 10; services may ask for more)
   * @param random the source for the {@code random} strategy and for the final pick among equally
   *     good instances (kube-scheduler picks among its top scores at random too); seed it in tests
   */
  public static PlacementResult place(
      ClusterSnapshot cluster, TaskDemand demand, int count, RandomGenerator random) {
    if (count < 1) throw new IllegalArgumentException("count must be at least 1: " + count);
    if (cluster.isEmpty()) return PlacementResult.noContainerInstances(count);

    List<Placement> placements = new ArrayList<>(count);
    ClusterSnapshot current = cluster;
    // Filters look at one instance and the demand only, so after a task lands only its instance is
    // filtered again.
    List<Optional<String>> rejections = new ArrayList<>(cluster.instances().size());
    for (InstanceSnapshot instance : cluster.instances()) {
      rejections.add(PlacementFilter.firstRejection(PlacementFilter.ALL, instance, demand));
    }
    for (int task = 0; task < count; task++) {
      List<InstanceSnapshot> feasible = new ArrayList<>();
      List<PlacementFailure> rejected = new ArrayList<>();
      List<InstanceSnapshot> instances = current.instances();
      for (int i = 0; i < instances.size(); i++) {
        Optional<String> reason = rejections.get(i);
        if (reason.isPresent()) {
          rejected.add(new PlacementFailure(instances.get(i).arn(), reason.get()));
        } else {
          feasible.add(instances.get(i));
        }
      }
      if (feasible.isEmpty()) {
        return new PlacementResult(placements, count - task, rejected, Optional.empty());
      }
      InstanceSnapshot chosen = pick(Ranking.best(feasible, current, demand, random), random);
      placements.add(new Placement(chosen.id(), chosen.arn(), rejected));
      current = current.withTaskPlaced(chosen.id(), demand);
      int at = current.indexOf(chosen.id());
      rejections.set(
          at,
          PlacementFilter.firstRejection(PlacementFilter.ALL, current.instances().get(at), demand));
    }
    return new PlacementResult(placements, 0, List.of(), Optional.empty());
  }

  private static InstanceSnapshot pick(List<InstanceSnapshot> best, RandomGenerator random) {
    return best.size() == 1 ? best.get(0) : best.get(random.nextInt(best.size()));
  }
}
