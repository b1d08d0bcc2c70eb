package io.harbormaster.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.task.Task.NetworkInterface;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/**
 * An awsvpc task's network interface as ECS shows it: an {@code ElasticNetworkInterface} attachment
 * of the task, and each container's {@code networkInterfaces}. Here the interface is the task's
 * network namespace on its agent's task network; its ids are derived from the task's id, so every
 * view of the task shows the same ones.
 */
public final class TaskAttachments {
  private TaskAttachments() {}

  public static final String ENI = "ElasticNetworkInterface";

  /** The task's {@code attachments}: one ENI for an awsvpc task, none for the others. */
  public static ArrayNode attachments(ViewContext ctx, TaskView t) {
    ArrayNode attachments = JsonViews.NODES.arrayNode();
    if (!t.spec().networkMode().equals("awsvpc")) return attachments;
    NetworkInterface eni = t.networkInterface();
    ObjectNode a = attachments.addObject();
    a.put("id", attachmentId(t.taskId()));
    a.put("type", ENI);
    a.put("status", status(t));
    ArrayNode details = a.putArray("details");
    String subnet = firstSubnet(t.spec().networkConfiguration());
    if (subnet != null) detail(details, "subnetId", subnet);
    if (eni != null) {
      detail(details, "networkInterfaceId", networkInterfaceId(t.taskId()));
      if (eni.macAddress() != null) detail(details, "macAddress", eni.macAddress());
      detail(details, "privateDnsName", privateDnsName(eni.privateIPv4Address(), ctx.region()));
      detail(details, "privateIPv4Address", eni.privateIPv4Address());
    }
    return attachments;
  }

  /** A container's {@code networkInterfaces}: the task's interface, which its containers share. */
  public static ArrayNode containerInterfaces(TaskView t) {
    ArrayNode interfaces = JsonViews.NODES.arrayNode();
    if (t.networkInterface() != null && t.spec().networkMode().equals("awsvpc")) {
      interfaces
          .addObject()
          .put("attachmentId", attachmentId(t.taskId()))
          .put("privateIpv4Address", t.networkInterface().privateIPv4Address());
    }
    return interfaces;
  }

  /**
   * ECS's attachment states: PRECREATED until the interface is there, ATTACHED while the task holds
   * it, DELETED once the task has stopped.
   */
  static String status(TaskView t) {
    if (t.lastStatus() == TaskStatus.STOPPED) return "DELETED";
    return t.networkInterface() == null ? "PRECREATED" : "ATTACHED";
  }

  static String attachmentId(String taskId) {
    return UUID.nameUUIDFromBytes(("eni-attachment/" + taskId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** EC2's form: {@code eni-} and 17 hex digits. */
  static String networkInterfaceId(String taskId) {
    UUID id = UUID.nameUUIDFromBytes(("eni/" + taskId).getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().toHexDigits(id.getMostSignificantBits());
    return "eni-" + hex + HexFormat.of().toHexDigits(id.getLeastSignificantBits()).charAt(0);
  }

  /** EC2's private DNS names: {@code ip-a-b-c-d.ec2.internal} in us-east-1, else regional. */
  static String privateDnsName(String ipv4, String region) {
    String host = "ip-" + ipv4.replace('.', '-');
    return region.equals("us-east-1")
        ? host + ".ec2.internal"
        : host + "." + region + ".compute.internal";
  }

  private static String firstSubnet(JsonNode networkConfiguration) {
    if (networkConfiguration == null) return null;
    JsonNode subnets = networkConfiguration.path("awsvpcConfiguration").path("subnets");
    return subnets.isArray() && !subnets.isEmpty() ? subnets.get(0).asText() : null;
  }

  private static void detail(ArrayNode details, String name, String value) {
    details.addObject().put("name", name).put("value", value);
  }
}
