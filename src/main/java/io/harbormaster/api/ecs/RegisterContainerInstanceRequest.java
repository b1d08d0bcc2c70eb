package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import io.harbormaster.instance.ContainerInstance.Attribute;
import io.harbormaster.instance.ContainerInstance.Registration;
import io.harbormaster.instance.ContainerInstance.Resources;
import io.harbormaster.instance.ContainerInstance.VersionInfo;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * RegisterContainerInstance decoded once: the cluster, the instance's id (the one given to
 * re-register, a new one otherwise) and its registration, checked.
 */
record RegisterContainerInstanceRequest(
    String cluster, String instanceId, Registration registration) {

  static RegisterContainerInstanceRequest decode(RequestContext ctx, JsonNode input) {
    String cluster = ResourceRefs.clusterName(ctx, JsonViews.text(input, "cluster").orElse(null));
    String instanceId =
        JsonViews.text(input, "containerInstanceArn")
            .map(ref -> InstanceHandlers.instanceId(ctx, cluster, ref))
            .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
    Registration registration =
        new Registration(
            instanceId,
            ec2InstanceId(input),
            totalResources(input),
            attributes(input),
            versionInfo(input.get("versionInfo")),
            ResourceRefs.tags(input, "tags"));
    return new RegisterContainerInstanceRequest(cluster, instanceId, registration);
  }

  /**
   * ECS reads the EC2 instance id from the instance identity document (a JSON string, as EC2's
   * metadata service gives it).
   */
  static String ec2InstanceId(JsonNode input) {
    String document = JsonViews.text(input, "instanceIdentityDocument").orElse(null);
    if (document == null || document.isBlank()) return null;
    try {
      JsonNode parsed = IDENTITY_DOCUMENT_READER.readTree(document);
      return JsonViews.text(parsed, "instanceId").filter(id -> !id.isBlank()).orElse(null);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw EcsException.invalidParameter(
          "instanceIdentityDocument is not a valid instance identity document.");
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper IDENTITY_DOCUMENT_READER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The model makes {@code totalResources} optional: without it the instance offers no CPU or
   * memory (ECS would read them from the EC2 instance type, which does not exist here), so nothing
   * is placed on it until it registers again with its resources.
   */
  static Resources totalResources(JsonNode input) {
    int cpu = 0;
    int memory = 0;
    SortedSet<Integer> tcp = new TreeSet<>();
    SortedSet<Integer> udp = new TreeSet<>();
    int gpus = 0;
    for (JsonNode r : input.path("totalResources")) {
      String name = r.path("name").asText();
      switch (name) {
        case "CPU" -> cpu = r.path("integerValue").asInt();
        case "MEMORY" -> memory = r.path("integerValue").asInt();
        case "PORTS" -> r.path("stringSetValue").forEach(p -> tcp.add(port(p.asText())));
        case "PORTS_UDP" -> r.path("stringSetValue").forEach(p -> udp.add(port(p.asText())));
        // ECS lists the GPUs' ids; placement needs how many
        case "GPU" -> gpus = r.path("stringSetValue").size();
        default -> {}
      }
    }
    if (cpu < 0 || memory < 0) {
      throw EcsException.invalidParameter(
          "totalResources must give CPU and MEMORY as non-negative integerValue.");
    }
    return new Resources(cpu, memory, tcp, udp, gpus);
  }

  private static int port(String text) {
    try {
      int p = Integer.parseInt(text);
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw EcsException.invalidParameter("Invalid port in totalResources: " + text);
    }
  }

  static List<Attribute> attributes(JsonNode input) {
    List<Attribute> out = new ArrayList<>();
    for (JsonNode a : input.path("attributes")) {
      String name = a.path("name").asText();
      String value = a.hasNonNull("value") ? a.get("value").asText() : null;
      InstanceHandlers.validateAttribute(name, value, true);
      out.add(new Attribute(name, value));
    }
    return out;
  }

  static VersionInfo versionInfo(JsonNode node) {
    if (node == null || node.isNull()) return new VersionInfo(null, null, null);
    return new VersionInfo(
        JsonViews.text(node, "agentVersion").orElse(null),
        JsonViews.text(node, "agentHash").orElse(null),
        JsonViews.text(node, "dockerVersion").orElse(null));
  }
}
