package io.harbormaster.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Tag;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Small JSON helpers shared by the handlers: ECS timestamps, tags, optional members. */
public final class JsonViews {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonViews() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** The API's timestamps are epoch seconds, a JSON number with the milliseconds as fraction. */
  public static JsonNode epochSeconds(Instant instant) {
    return NODES.numberNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
  }

  public static ArrayNode tags(Collection<Tag> tags) {
    ArrayNode out = NODES.arrayNode();
    tags.forEach(t -> out.addObject().put("key", t.key()).put("value", t.value()));
    return out;
  }

  public static ArrayNode strings(Collection<String> values) {
    ArrayNode out = NODES.arrayNode();
    values.forEach(out::add);
    return out;
  }

  public static Optional<String> text(JsonNode input, String member) {
    JsonNode v = input.get(member);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  public static List<String> textList(JsonNode input, String member) {
    List<String> out = new ArrayList<>();
    JsonNode v = input.get(member);
    if (v != null && v.isArray()) v.forEach(n -> out.add(n.asText()));
    return out;
  }

  public static boolean includes(JsonNode input, String value) {
    return textList(input, "include").contains(value);
  }

  public static Optional<JsonNode> member(JsonNode input, String member) {
    JsonNode v = input.get(member);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  /** A response with one member, e.g. {@code {"cluster": {...}}}. */
  public static ObjectNode wrap(String member, JsonNode value) {
    ObjectNode out = object();
    out.set(member, value);
    return out;
  }
}
