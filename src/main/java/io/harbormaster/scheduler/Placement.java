package io.harbormaster.scheduler;

import java.util.List;

/**
 * One task's choice: the instance it goes to, and why every other instance was ruled out before
 * ranking. Instances that passed every filter but ranked lower are not listed: they were not
 * rejected.
 */
public record Placement(String instanceId, String instanceArn, List<PlacementFailure> rejected) {

  public Placement {
    rejected = List.copyOf(rejected);
  }
}
