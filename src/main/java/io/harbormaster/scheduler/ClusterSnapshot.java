package io.harbormaster.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The container instances of one cluster at one moment, in a stable order. Immutable. */
public record ClusterSnapshot(List<InstanceSnapshot> instances) {

  public ClusterSnapshot {
    instances = List.copyOf(instances);
    Set<String> ids = new HashSet<>();
    for (InstanceSnapshot instance : instances) {
      if (!ids.add(instance.id())) {
        throw new IllegalArgumentException("duplicate container instance " + instance.id());
      }
    }
  }

  public static ClusterSnapshot of(InstanceSnapshot... instances) {
    return new ClusterSnapshot(List.of(instances));
  }

  public boolean isEmpty() {
    return instances.isEmpty();
  }

  public Optional<InstanceSnapshot> instance(String id) {
    return instances.stream().filter(i -> i.id().equals(id)).findFirst();
  }

  /** The snapshot after a task lands on one instance, so the next task of a batch sees what it took. */
  public ClusterSnapshot withTaskPlaced(String instanceId, TaskDemand demand) {
    List<InstanceSnapshot> next = new ArrayList<>(instances.size());
    boolean found = false;
    for (InstanceSnapshot instance : instances) {
      if (instance.id().equals(instanceId)) {
        next.add(instance.withTaskPlaced(demand));
        found = true;
      } else {
        next.add(instance);
      }
    }
    if (!found) throw new IllegalArgumentException("no container instance " + instanceId);
    return new ClusterSnapshot(next);
  }
}
