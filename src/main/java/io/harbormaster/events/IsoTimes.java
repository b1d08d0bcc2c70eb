package io.harbormaster.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The API writes timestamps as epoch seconds; EventBridge events carry them as ISO-8601 strings.
 * Every ECS timestamp member ends in "At" (createdAt, stoppedAt, registeredAt, ...), so that is
 * what is converted, at any depth.
 */
final class IsoTimes {
  private IsoTimes() {}

  static ObjectNode convert(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = node.get(name);
      if (name.endsWith("At") && value.isNumber()) {
        node.put(name, iso(value.decimalValue()));
      } else if (value.isObject()) {
        convert((ObjectNode) value);
      } else if (value.isArray()) {
        for (JsonNode element : (ArrayNode) value) {
          if (element.isObject()) convert((ObjectNode) element);
        }
      }
    }
    return node;
  }

  static String iso(Instant at) {
    return at.toString();
  }

  private static String iso(BigDecimal epochSeconds) {
    long millis = epochSeconds.movePointRight(3).longValue();
    return Instant.ofEpochMilli(millis).toString();
  }
}
