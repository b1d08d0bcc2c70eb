package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Resources;

/** A container instance as DescribeContainerInstances shows it. */
public final class InstanceJson {
  private InstanceJson() {}

  public static ObjectNode view(ViewContext ctx, InstanceView v, boolean tags) {
    ObjectNode o = JsonViews.object();
    o.put(
        "containerInstanceArn",
        Arns.containerInstance(
            ctx.region(), v.accountId(), v.clusterName(), v.registration().instanceId()));
    if (v.registration().ec2InstanceId() != null)
      o.put("ec2InstanceId", v.registration().ec2InstanceId());
    o.put("version", v.version());
    ObjectNode versionInfo = o.putObject("versionInfo");
    if (v.versionInfo() != null) {
      if (v.versionInfo().agentVersion() != null)
        versionInfo.put("agentVersion", v.versionInfo().agentVersion());
      if (v.versionInfo().agentHash() != null)
        versionInfo.put("agentHash", v.versionInfo().agentHash());
      if (v.versionInfo().dockerVersion() != null)
        versionInfo.put("dockerVersion", v.versionInfo().dockerVersion());
    }
    o.set("remainingResources", resources(v.remaining()));
    o.set("registeredResources", resources(v.registration().total()));
    o.put("status", v.status().name());
    o.put("agentConnected", v.agentConnected());
    o.put("runningTasksCount", v.runningTasksCount());
    o.put("pendingTasksCount", v.pendingTasksCount());
    ArrayNode attrs = o.putArray("attributes");
    v.attributes()
        .values()
        .forEach(
            a -> {
              ObjectNode n = attrs.addObject().put("name", a.name());
              if (a.value() != null) n.put("value", a.value());
            });
    o.set("registeredAt", JsonViews.epochSeconds(v.registeredAt()));
    o.set("attachments", JsonViews.NODES.arrayNode());
    o.set("tags", tags ? JsonViews.tags(v.registration().tags()) : JsonViews.NODES.arrayNode());
    return o;
  }

  public static ArrayNode resources(Resources r) {
    ArrayNode out = JsonViews.NODES.arrayNode();
    out.addObject()
        .put("name", "CPU")
        .put("type", "INTEGER")
        .put("doubleValue", 0.0)
        .put("longValue", 0)
        .put("integerValue", r.cpu());
    out.addObject()
        .put("name", "MEMORY")
        .put("type", "INTEGER")
        .put("doubleValue", 0.0)
        .put("longValue", 0)
        .put("integerValue", r.memory());
    ObjectNode ports =
        out.addObject()
            .put("name", "PORTS")
            .put("type", "STRINGSET")
            .put("doubleValue", 0.0)
            .put("longValue", 0)
            .put("integerValue", 0);
    ArrayNode tcp = ports.putArray("stringSetValue");
    r.tcpPorts().forEach(p -> tcp.add(Integer.toString(p)));
    ObjectNode udpPorts =
        out.addObject()
            .put("name", "PORTS_UDP")
            .put("type", "STRINGSET")
            .put("doubleValue", 0.0)
            .put("longValue", 0)
            .put("integerValue", 0);
    ArrayNode udp = udpPorts.putArray("stringSetValue");
    r.udpPorts().forEach(p -> udp.add(Integer.toString(p)));
    if (r.gpus() > 0) {
      // a count: the GPUs' ids are not kept
      out.addObject()
          .put("name", "GPU")
          .put("type", "INTEGER")
          .put("doubleValue", 0.0)
          .put("longValue", 0)
          .put("integerValue", r.gpus());
    }
    return out;
  }
}
