package io.harbormaster.events.pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An Amazon EventBridge event pattern: validated as EventBridge validates one, and matched against
 * events with EventBridge's semantics.
 *
 * <ul>
 *   <li>A pattern is a JSON object. Each field holds either an object (a pattern for the event's
 *       object at that field) or a non-empty array of values, any of which may match; all fields
 *       must match.
 *   <li>Fields the pattern doesn't name are ignored. A field the pattern names must be in the
 *       event, at the same nesting, unless the pattern asks {@code {"exists": false}}.
 *   <li>Where the event has an array, a value matches if any element does; where it has an array of
 *       objects, a nested pattern matches if any one element matches all of it (fields of different
 *       elements never combine).
 *   <li>{@code "$or": [{...}, {...}]} holds if any of its patterns holds for the object it sits in.
 * </ul>
 *
 * <p>The operators are in {@link Matcher}. Instances are immutable and thread-safe.
 */
public final class EventPattern {

  /**
   * Reads JSON keeping each number as written (BigDecimal with its scale, trailing zeros kept),
   * which exact matching of numbers needs: EventBridge compares them by representation, so 300 and
   * 300.0 differ.
   */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  private final JsonNode source;
  private final ObjectPattern root;

  private EventPattern(JsonNode source, ObjectPattern root) {
    this.source = source;
    this.root = root;
  }

  /**
   * Parses and validates a pattern.
   *
   * @throws InvalidEventPatternException if EventBridge would reject it; the message names the path
   *     at fault
   */
  public static EventPattern parse(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidEventPatternException("", "the pattern is empty");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidEventPatternException("", "not valid JSON: " + e.getOriginalMessage());
    }
    return parse(tree);
  }

  /**
   * Validates a pattern already parsed. Numbers keep the form the caller's mapper gave them; {@link
   * #parse(String)} keeps them as written.
   *
   * @throws InvalidEventPatternException if EventBridge would reject it; the message names the path
   *     at fault
   */
  public static EventPattern parse(JsonNode json) {
    ObjectPattern root = PatternParser.parse(json);
    return new EventPattern(json.deepCopy(), root);
  }

  /**
   * Whether the event (normally an object with source, detail-type, detail...) matches this
   * pattern.
   */
  public boolean matches(JsonNode event) {
    return root.matches(event == null ? MissingNode.getInstance() : event);
  }

  /**
   * Parses the event keeping numbers as written, then matches it.
   *
   * @throws IllegalArgumentException if the text is not JSON
   */
  public boolean matches(String eventJson) {
    try {
      return matches(JSON.readTree(eventJson));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "The event is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The pattern as JSON. */
  @Override
  public String toString() {
    return source.toString();
  }

  /** A pattern object: every clause must hold. */
  record ObjectPattern(List<Clause> clauses) {

    /** {@code object} may be any node; where it is not an object, every field is missing. */
    boolean matches(JsonNode object) {
      return clauses.stream().allMatch(clause -> clause.matches(object));
    }
  }

  /** One field of a pattern object, or a {@code $or}. */
  sealed interface Clause {

    boolean matches(JsonNode object);

    /** {@code "field": [values...]}: the field's leaf values must satisfy one of the matchers. */
    record Leaf(String field, List<Matcher> matchers) implements Clause {
      @Override
      public boolean matches(JsonNode object) {
        List<JsonNode> values = new ArrayList<>();
        collectLeaves(object.path(field), values);
        return matchers.stream().anyMatch(m -> m.matches(values));
      }

      /**
       * Scalars (null included) are leaves; arrays contribute their elements; objects are not
       * leaves.
       */
      private static void collectLeaves(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
          node.forEach(element -> collectLeaves(element, into));
        } else if (node.isValueNode()) {
          into.add(node);
        }
      }
    }

    /**
     * {@code "field": {...}}: the object at the field must match. Against an array, any one object
     * element must match the whole nested pattern. With no object there at all, the nested fields
     * are all missing, which only {@code exists: false} accepts.
     */
    record Nested(String field, ObjectPattern pattern) implements Clause {
      @Override
      public boolean matches(JsonNode object) {
        List<JsonNode> candidates = new ArrayList<>();
        collectObjects(object.path(field), candidates);
        return candidates.isEmpty()
            ? pattern.matches(MissingNode.getInstance())
            : candidates.stream().anyMatch(pattern::matches);
      }

      private static void collectObjects(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
          node.forEach(element -> collectObjects(element, into));
        } else if (node.isObject()) {
          into.add(node);
        }
      }
    }

    /** {@code "$or": [{...}, {...}]}: one of the alternatives must hold for the same object. */
    record AnyOf(List<ObjectPattern> alternatives) implements Clause {
      @Override
      public boolean matches(JsonNode object) {
        return alternatives.stream().anyMatch(alternative -> alternative.matches(object));
      }
    }
  }
}
