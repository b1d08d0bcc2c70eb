package io.harbormaster.common;

import com.fasterxml.jackson.databind.JsonNode;

/** Optional JSON members that commands, events and state keep as {@link JsonNode}. */
public final class JsonMembers {
  private JsonMembers() {}

  /**
   * Absent stays absent. Jackson reads a null {@code JsonNode} property back as {@code NullNode},
   * not as null, so a record that went through jackson-cbor (an event or snapshot replayed after a
   * restart, a command sent to the node that hosts the entity) would otherwise turn "not given"
   * into "given": describes would answer {@code "defaultCapacityProviderStrategy": null} instead of
   * {@code []}, and an update that left a member out would overwrite it. Records call this in their
   * compact constructors.
   */
  public static JsonNode absentIfNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }
}
