package io.harbormaster.scheduler;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container instances of one cluster at one moment, in a stable order. Immutable.
 *
 * <p>A batch places its tasks one after the other on successive snapshots ({@link
 * #withTaskPlaced}); the next snapshot shares this one's index of ids, so each step costs one array
 * copy, not a rebuilt cluster.
 */
public final class ClusterSnapshot {
  private final List<InstanceSnapshot> instances;

  /**
   * id → position in {@link #instances}; shared by the snapshots derived from this one (same ids,
   * same order).
   */
  private final Map<String, Integer> positions;

  public ClusterSnapshot(List<InstanceSnapshot> instances) {
    this.instances = List.copyOf(instances);
    Map<String, Integer> index = new HashMap<>(this.instances.size() * 2);
    for (int i = 0; i < this.instances.size(); i++) {
      if (index.put(this.instances.get(i).id(), i) != null) {
        throw new IllegalArgumentException(
            "duplicate container instance " + this.instances.get(i).id());
      }
    }
    this.positions = index;
  }

  private ClusterSnapshot(List<InstanceSnapshot> instances, Map<String, Integer> positions) {
    this.instances = instances;
    this.positions = positions;
  }

  public static ClusterSnapshot of(InstanceSnapshot... instances) {
    return new ClusterSnapshot(List.of(instances));
  }

  public List<InstanceSnapshot> instances() {
    return instances;
  }

  public boolean isEmpty() {
    return instances.isEmpty();
  }

  public Optional<InstanceSnapshot> instance(String id) {
    Integer at = positions.get(id);
    return at == null ? Optional.empty() : Optional.of(instances.get(at));
  }

  /** The position of instance {@code id} in {@link #instances}, or -1. */
  public int indexOf(String id) {
    Integer at = positions.get(id);
    return at == null ? -1 : at;
  }

  /**
   * The snapshot after a task lands on one instance, so the next task of a batch sees what it took.
   */
  public ClusterSnapshot withTaskPlaced(String instanceId, TaskDemand demand) {
    Integer at = positions.get(instanceId);
    if (at == null) throw new IllegalArgumentException("no container instance " + instanceId);
    InstanceSnapshot[] next = instances.toArray(InstanceSnapshot[]::new);
    next[at] = next[at].withTaskPlaced(demand);
    return new ClusterSnapshot(Collections.unmodifiableList(Arrays.asList(next)), positions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterSnapshot other && instances.equals(other.instances);
  }

  @Override
  public int hashCode() {
    return instances.hashCode();
  }

  @Override
  public String toString() {
    return "ClusterSnapshot" + instances;
  }
}
