package io.harbormaster.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.task.HealthStatus;
import io.harbormaster.task.Task.ContainerState;
import io.harbormaster.task.Task.NetworkBinding;
import io.harbormaster.task.Task.TaskView;
import java.time.Instant;
import java.util.Optional;

/** A task as DescribeTasks shows it. */
public final class TaskJson {
  private TaskJson() {}

  /** A task whose instance's agent was not looked up: it shows no {@code connectivity}. */
  public static ObjectNode view(ViewContext ctx, TaskView t, boolean tags) {
    return view(ctx, t, tags, Optional.empty());
  }

  /**
   * @param agentConnected whether the agent of the task's container instance is connected, when
   *     known: the task's {@code connectivity} is CONNECTED or DISCONNECTED accordingly, and left
   *     out when unknown (the task entity alone does not know it)
   */
  public static ObjectNode view(
      ViewContext ctx, TaskView t, boolean tags, Optional<Boolean> agentConnected) {
    String taskArn = Arns.task(ctx.region(), t.accountId(), t.clusterName(), t.taskId());
    ObjectNode o = JsonViews.object();
    o.set("attachments", TaskAttachments.attachments(ctx, t));
    o.set("attributes", JsonViews.NODES.arrayNode());
    if (t.spec().availabilityZone() != null) o.put("availabilityZone", t.spec().availabilityZone());
    o.put("clusterArn", Arns.cluster(ctx.region(), t.accountId(), t.clusterName()));
    agentConnected.ifPresent(
        connected -> {
          o.put("connectivity", connected ? "CONNECTED" : "DISCONNECTED");
          o.set("connectivityAt", JsonViews.epochSeconds(t.createdAt()));
        });
    o.put(
        "containerInstanceArn",
        Arns.containerInstance(
            ctx.region(), t.accountId(), t.clusterName(), t.spec().containerInstanceId()));
    ArrayNode containers = o.putArray("containers");
    for (ContainerState c : t.containers()) {
      containers.add(container(ctx, t, taskArn, c));
    }
    o.put("cpu", Integer.toString(t.spec().cpu()));
    o.set("createdAt", JsonViews.epochSeconds(t.createdAt()));
    o.put("desiredStatus", nameOf(t.desiredStatus()));
    o.put("enableExecuteCommand", false);
    time(o, "executionStoppedAt", t.executionStoppedAt());
    if (t.spec().group() != null) o.put("group", t.spec().group());
    o.put("healthStatus", nameOf(t.healthStatus()));
    o.put("lastStatus", t.lastStatus().name());
    if (t.spec().launchType() != null) o.put("launchType", t.spec().launchType());
    if (t.spec().capacityProviderName() != null)
      o.put("capacityProviderName", t.spec().capacityProviderName());
    o.put("memory", Integer.toString(t.spec().memory()));
    ObjectNode overrides =
        t.spec().overrides() != null && t.spec().overrides().isObject()
            ? ((ObjectNode) t.spec().overrides()).deepCopy()
            : JsonViews.object();
    if (!overrides.has("containerOverrides")) overrides.putArray("containerOverrides");
    if (!overrides.has("inferenceAcceleratorOverrides"))
      overrides.putArray("inferenceAcceleratorOverrides");
    o.set("overrides", overrides);
    time(o, "pullStartedAt", t.pullStartedAt());
    time(o, "pullStoppedAt", t.pullStoppedAt());
    time(o, "startedAt", t.startedAt());
    if (t.spec().startedBy() != null) o.put("startedBy", t.spec().startedBy());
    if (t.stopCode() != null) o.put("stopCode", t.stopCode());
    time(o, "stoppedAt", t.stoppedAt());
    if (t.stoppedReason() != null) o.put("stoppedReason", t.stoppedReason());
    time(o, "stoppingAt", t.stoppingAt());
    o.set("tags", tags ? JsonViews.tags(t.spec().tags()) : JsonViews.NODES.arrayNode());
    o.put("taskArn", taskArn);
    o.put("taskDefinitionArn", t.spec().taskDefinitionArn());
    o.put("version", t.version());
    return o;
  }

  private static ObjectNode container(
      ViewContext ctx, TaskView t, String taskArn, ContainerState c) {
    ObjectNode n = JsonViews.object();
    n.put(
        "containerArn",
        Arns.container(ctx.region(), t.accountId(), t.clusterName(), t.taskId(), c.name()));
    n.put("taskArn", taskArn);
    n.put("name", c.name());
    n.put("image", c.image());
    if (c.runtimeId() != null) n.put("runtimeId", c.runtimeId());
    n.put("lastStatus", nameOf(c.lastStatus()));
    if (c.exitCode() != null) n.put("exitCode", c.exitCode());
    if (c.reason() != null) n.put("reason", c.reason());
    ArrayNode bindings = n.putArray("networkBindings");
    for (NetworkBinding b : c.networkBindings()) {
      bindings
          .addObject()
          .put("bindIP", b.bindIP())
          .put("containerPort", b.containerPort())
          .put("hostPort", b.hostPort())
          .put("protocol", b.protocol());
    }
    n.set("networkInterfaces", TaskAttachments.containerInterfaces(t));
    n.put(
        "healthStatus",
        (c.healthStatus() == null ? HealthStatus.UNKNOWN : c.healthStatus()).name());
    JsonNode def = definitionOf(t, c.name());
    n.put("cpu", Integer.toString(def.path("cpu").asInt(0)));
    if (def.has("memory")) n.put("memory", Integer.toString(def.path("memory").asInt()));
    if (def.has("memoryReservation"))
      n.put("memoryReservation", Integer.toString(def.path("memoryReservation").asInt()));
    return n;
  }

  private static JsonNode definitionOf(TaskView t, String name) {
    for (JsonNode c : t.spec().taskDefinition().path("containerDefinitions")) {
      if (c.path("name").asText().equals(name)) return c;
    }
    return JsonViews.object();
  }

  private static String nameOf(Enum<?> value) {
    return value == null ? null : value.name();
  }

  private static void time(ObjectNode o, String field, Instant at) {
    if (at != null) o.set(field, JsonViews.epochSeconds(at));
  }
}
