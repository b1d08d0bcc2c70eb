package io.harbormaster.audit;

/**
 * CloudTrail's one lookup attribute: which events a LookupEvents call wants. {@link #ALL} when it
 * gives none.
 */
public record AuditLookup(Attribute attribute, String value) {
  public static final AuditLookup ALL = new AuditLookup(null, null);

  /** CloudTrail's LookupAttributeKey values. */
  public enum Attribute {
    EVENT_ID("EventId"),
    EVENT_NAME("EventName"),
    READ_ONLY("ReadOnly"),
    USERNAME("Username"),
    RESOURCE_TYPE("ResourceType"),
    RESOURCE_NAME("ResourceName"),
    EVENT_SOURCE("EventSource"),
    ACCESS_KEY_ID("AccessKeyId");

    private final String wireName;

    Attribute(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static java.util.Optional<Attribute> ofWireName(String name) {
      for (Attribute a : values()) if (a.wireName.equals(name)) return java.util.Optional.of(a);
      return java.util.Optional.empty();
    }
  }

  public boolean matches(AuditTrail.Stored event) {
    if (attribute == null) return true;
    return switch (attribute) {
      case EVENT_ID -> event.eventId().equals(value);
      case EVENT_NAME -> event.eventName().equals(value);
      case READ_ONLY -> Boolean.toString(event.readOnly()).equals(value);
      case USERNAME -> value.equals(event.username());
      case RESOURCE_TYPE -> event.resources().stream().anyMatch(r -> r.type().equals(value));
      case RESOURCE_NAME -> event.resources().stream().anyMatch(r -> r.name().equals(value));
      case EVENT_SOURCE -> event.eventSource().equals(value);
      case ACCESS_KEY_ID -> value.equals(event.accessKeyId());
    };
  }
}
