package io.harbormaster.placement;

import io.harbormaster.common.Arns;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.Resources;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Turns the entities' views into the scheduler's immutable snapshot. */
public final class InstanceSnapshots {
  private InstanceSnapshots() {}

  /** @param inFlight reservations sent but not yet in the view; they count against the instance too */
  public static InstanceSnapshot of(String region, InstanceView view, Collection<Reservation> inFlight) {
    ContainerInstance.Resources total = view.registration().total();
    ContainerInstance.Resources remaining = view.remaining();
    int cpu = remaining.cpu();
    int memory = remaining.memory();
    var tcp = new java.util.TreeSet<>(remaining.tcpPorts());
    var udp = new java.util.TreeSet<>(remaining.udpPorts());
    Map<String, Integer> groups = new HashMap<>();
    for (Reservation r : view.reservations().values()) {
      groups.merge(r.summary().group(), 1, Integer::sum);
    }
    for (Reservation r : inFlight) {
      if (view.reservations().containsKey(r.taskId())) continue;
      cpu -= r.demand().cpu();
      memory -= r.demand().memory();
      tcp.addAll(r.demand().tcpPorts());
      udp.addAll(r.demand().udpPorts());
      groups.merge(r.summary().group(), 1, Integer::sum);
    }
    Map<String, String> attributes = new HashMap<>();
    view.attributes().values().forEach(a -> attributes.put(a.name(), a.value() == null ? "" : a.value()));
    String instanceId = view.registration().instanceId();
    return new InstanceSnapshot(instanceId,
        Arns.containerInstance(region, view.accountId(), view.clusterName(), instanceId),
        view.registration().ec2InstanceId(),
        InstanceSnapshot.Status.valueOf(view.status().name()),
        view.agentConnected(),
        view.versionInfo() == null ? null : view.versionInfo().agentVersion(),
        view.registeredAt(),
        new Resources(total.cpu(), total.memory(), total.tcpPorts(), total.udpPorts()),
        new Resources(cpu, memory, tcp, udp),
        attributes,
        view.runningTasksCount(),
        groups);
  }
}
