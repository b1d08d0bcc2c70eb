package io.harbormaster.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * One event in EventBridge's envelope, as ECS publishes it. The id is derived from the journal
 * position that caused it, so a redelivery (after a restart, a retry, a redrive) carries the same
 * id and a receiver can drop it.
 */
public record EcsEvent(
    String id,
    String detailType,
    String source,
    String account,
    Instant time,
    String region,
    List<String> resources,
    ObjectNode detail) {

  public static final String SOURCE = "aws.ecs";

  /**
   * Deterministic: the same journal event (and, when one event yields several, the same index)
   * gives one id.
   */
  public static String idFor(String persistenceId, long sequenceNr, int index) {
    String name =
        "harbormaster-event:" + persistenceId + ":" + sequenceNr + (index == 0 ? "" : ":" + index);
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The resource's own order: detail.version, the entity's sequence number. */
  public long version() {
    return detail.path("version").asLong();
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("version", "0");
    o.put("id", id);
    o.put("detail-type", detailType);
    o.put("source", source);
    o.put("account", account);
    // EventBridge's own time has whole seconds; the detail's updatedAt has the milliseconds.
    o.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
    o.put("region", region);
    o.set(
        "resources",
        JsonNodeFactory.instance
            .arrayNode()
            .addAll(resources.stream().map(JsonNodeFactory.instance::textNode).toList()));
    o.set("detail", detail);
    return o;
  }
}
