package io.harbormaster.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of placing a batch.
 *
 * @param placements one per placed task, in order
 * @param unplacedCount the tasks of the batch that found no instance; once one fails the rest fail
 *     for the same reasons, because nothing changed in between
 * @param failures when {@code unplacedCount > 0}: every instance and the reason it was rejected for
 *     the first unplaced task, which is what RunTask returns in {@code failures[]}
 * @param clusterError set when the cluster has no container instances at all: ECS does not answer
 *     that with {@code failures[]} but with {@code InvalidParameterException} and this message
 */
public record PlacementResult(
    List<Placement> placements,
    int unplacedCount,
    List<PlacementFailure> failures,
    Optional<String> clusterError) {

  /** ECS's message for RunTask on a cluster without container instances. */
  public static final String NO_CONTAINER_INSTANCES =
      "No Container Instances were found in your cluster.";

  public PlacementResult {
    placements = List.copyOf(placements);
    failures = List.copyOf(failures);
    if (unplacedCount < 0) throw new IllegalArgumentException("unplacedCount " + unplacedCount);
  }

  static PlacementResult noContainerInstances(int count) {
    return new PlacementResult(List.of(), count, List.of(), Optional.of(NO_CONTAINER_INSTANCES));
  }

  /** The chosen container instance ids, one per placed task, in order. */
  public List<String> instanceIds() {
    return placements.stream().map(Placement::instanceId).toList();
  }

  public boolean allPlaced() {
    return unplacedCount == 0;
  }
}
