package io.harbormaster.instance;

import io.harbormaster.common.Arns;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.Resources;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns an instance's view into the scheduler's immutable snapshot: the one resource model both the
 * cluster's placement (choosing an instance) and the instance itself (judging a reservation) apply
 * the scheduler's filters to.
 */
public final class InstanceSnapshots {
  private InstanceSnapshots() {}

  /**
   * @param inFlight reservations sent but not yet in the view; they count against the instance too
   */
  public static InstanceSnapshot of(
      String region, InstanceView view, Collection<Reservation> inFlight) {
    return of(region, view, inFlight, null);
  }

  /**
   * @param previous this instance's last snapshot, or null: its attributes and ARN are reused when
   *     unchanged (an instance has dozens of attributes, and most changes are reservations)
   */
  public static InstanceSnapshot of(
      String region,
      InstanceView view,
      Collection<Reservation> inFlight,
      InstanceSnapshot previous) {
    Resources remaining = remaining(view);
    Map<String, Integer> groups = new HashMap<>();
    for (Reservation r : view.reservations().values()) {
      groups.merge(r.summary().group(), 1, Integer::sum);
    }
    for (Reservation r : inFlight) {
      if (view.reservations().containsKey(r.taskId())) continue;
      remaining = remaining.minus(demandOf(r));
      groups.merge(r.summary().group(), 1, Integer::sum);
    }
    String instanceId = view.registration().instanceId();
    boolean same = previous != null && previous.id().equals(instanceId);
    Map<String, String> attributes;
    if (same && sameAttributes(previous.attributes(), view)) {
      attributes = previous.attributes();
    } else {
      attributes = new HashMap<>();
      for (ContainerInstance.Attribute a : view.attributes().values()) {
        attributes.put(a.name(), a.value() == null ? "" : a.value());
      }
    }
    return new InstanceSnapshot(
        instanceId,
        same
            ? previous.arn()
            : Arns.containerInstance(region, view.accountId(), view.clusterName(), instanceId),
        view.registration().ec2InstanceId(),
        InstanceSnapshot.Status.valueOf(view.status().name()),
        view.agentConnected(),
        view.versionInfo() == null ? null : view.versionInfo().agentVersion(),
        view.registeredAt(),
        registered(view),
        remaining,
        attributes,
        view.runningTasksCount(),
        groups);
  }

  /** What the instance offered when it registered, in the scheduler's terms. */
  static Resources registered(InstanceView view) {
    ContainerInstance.Resources total = view.registration().total();
    return new Resources(
        total.cpu(), total.memory(), total.tcpPorts(), total.udpPorts(), total.gpus());
  }

  /** What the instance has left once every reservation it holds is taken off. */
  static Resources remaining(InstanceView view) {
    Resources remaining = registered(view);
    for (Reservation r : view.reservations().values()) remaining = remaining.minus(demandOf(r));
    return remaining;
  }

  private static TaskDemand demandOf(Reservation reservation) {
    return reservation.demand().inGroup(reservation.summary().group());
  }

  private static boolean sameAttributes(Map<String, String> known, InstanceView view) {
    if (known.size() != view.attributes().size()) return false;
    for (ContainerInstance.Attribute a : view.attributes().values()) {
      if (!(a.value() == null ? "" : a.value()).equals(known.get(a.name()))) return false;
    }
    return true;
  }
}
