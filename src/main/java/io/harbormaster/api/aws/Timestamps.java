package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps between the JSON protocols' form (epoch seconds, fractions allowed), which handlers
 * see, and the text forms of the other protocols (ISO 8601 in XML, query strings and headers).
 */
public final class Timestamps {
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static JsonNode epochSeconds(Instant instant) {
    return JsonNodeFactory.instance.numberNode(
        BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3));
  }

  public static Instant instant(JsonNode epochSecondsOrText) {
    if (epochSecondsOrText.isNumber()) {
      return Instant.ofEpochMilli(
          epochSecondsOrText
              .decimalValue()
              .movePointRight(3)
              .setScale(0, java.math.RoundingMode.HALF_UP)
              .longValueExact());
    }
    return OffsetDateTime.parse(epochSecondsOrText.asText()).toInstant();
  }

  /** ISO 8601 or epoch seconds text, as clients send them; left as text if neither. */
  static JsonNode fromText(String text) {
    try {
      return epochSeconds(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException notIso) {
      try {
        return JsonNodeFactory.instance.numberNode(new BigDecimal(text));
      } catch (NumberFormatException notNumber) {
        return JsonNodeFactory.instance.textNode(text);
      }
    }
  }

  static String toIso(JsonNode value) {
    return ISO_MILLIS.format(instant(value).truncatedTo(ChronoUnit.MILLIS));
  }
}
