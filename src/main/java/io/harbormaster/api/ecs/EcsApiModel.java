package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.harbormaster.common.EcsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Amazon ECS API model (botocore's {@code service-2.json}, on the classpath as {@code
 * aws/ecs-service-2.json}) and request validation against it.
 *
 * <p>Validation follows what the real service does with a JSON 1.1 request: a value of the wrong
 * JSON type is a {@code SerializationException}; a missing required member, an unknown enum value
 * or a length/range outside the model's bounds is an {@code InvalidParameterException}. Members the
 * model does not know are ignored, because clients may be newer than our copy of the model. A JSON
 * {@code null} member counts as absent (SDKs send it for unset optional members).
 */
public final class EcsApiModel {

  static final String RESOURCE = "/aws/ecs-service-2.json";

  /** Long strings in error messages are cut to this many characters. */
  private static final int MAX_SHOWN_CHARS = 60;

  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** An ECS operation: its name and the shapes of its request and response. */
  public record Operation(String name, String inputShape, String outputShape) {}

  private final String targetPrefix;
  private final Map<String, Operation> operations;
  private final Map<String, Shape> shapes;

  private EcsApiModel(
      String targetPrefix, Map<String, Operation> operations, Map<String, Shape> shapes) {
    this.targetPrefix = targetPrefix;
    this.operations = operations;
    this.shapes = shapes;
  }

  /** The model, parsed once on first use (it is ~850 KB of JSON). */
  public static EcsApiModel get() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final EcsApiModel INSTANCE = load();
  }

  private static EcsApiModel load() {
    try (InputStream in = EcsApiModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("ECS API model missing from the classpath: " + RESOURCE);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ECS API model " + RESOURCE, e);
    }
  }

  static EcsApiModel parse(JsonNode model) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    model
        .path("shapes")
        .fields()
        .forEachRemaining(e -> shapes.put(e.getKey(), Shape.of(e.getKey(), e.getValue())));

    Map<String, Operation> operations = new TreeMap<>();
    model
        .path("operations")
        .fields()
        .forEachRemaining(
            e -> {
              String input = e.getValue().path("input").path("shape").textValue();
              String output = e.getValue().path("output").path("shape").textValue();
              if (input != null && !shapes.containsKey(input)) {
                throw new IllegalStateException(
                    "operation " + e.getKey() + " has unknown input shape " + input);
              }
              operations.put(e.getKey(), new Operation(e.getKey(), input, output));
            });
    checkReferences(shapes);
    return new EcsApiModel(
        model.path("metadata").path("targetPrefix").asText(),
        Collections.unmodifiableMap(operations),
        Collections.unmodifiableMap(shapes));
  }

  /** Fail at load rather than on some rare request if the model refers to a shape it lacks. */
  private static void checkReferences(Map<String, Shape> shapes) {
    for (Shape shape : shapes.values()) {
      for (String ref : shape.references()) {
        if (!shapes.containsKey(ref)) {
          throw new IllegalStateException(
              "shape " + shape.name() + " refers to unknown shape " + ref);
        }
      }
    }
  }

  /** The {@code X-Amz-Target} prefix, {@code AmazonEC2ContainerServiceV20141113}. */
  public String targetPrefix() {
    return targetPrefix;
  }

  public Optional<Operation> operation(String name) {
    return Optional.ofNullable(name).map(operations::get);
  }

  /** All operation names, sorted. */
  public Set<String> operationNames() {
    return operations.keySet();
  }

  /**
   * Checks a request body against the operation's input shape.
   *
   * @param input the parsed body; Java {@code null} or a missing node means an empty body, which
   *     clients never send but which is read as {@code {}}
   * @throws EcsException UnknownOperationException, SerializationException or
   *     InvalidParameterException
   */
  public void validateInput(String operation, JsonNode input) {
    Operation op =
        operation(operation)
            .orElseThrow(() -> EcsException.unknownOperation("Unknown operation " + operation));
    if (input == null || input.isMissingNode()) {
      input = JsonNodeFactory.instance.objectNode();
    }
    if (!input.isObject()) {
      throw EcsException.serialization(
          "Expected the request body to be a JSON object, got " + describe(input));
    }
    if (op.inputShape() != null) {
      validate(shapes.get(op.inputShape()), input, "");
    }
  }

  // ---- validation, one method per shape kind ----

  // Pattern matching for switch is a preview feature in Java 17, hence the instanceof chain.
  private void validate(Shape shape, JsonNode value, String path) {
    if (shape instanceof Structure s) {
      if (!value.isObject()) throw typeMismatch(path, "an object", value);
      validateStructure(s, value, path);
    } else if (shape instanceof ListShape l) {
      validateList(l, value, path);
    } else if (shape instanceof MapShape m) {
      validateMap(m, value, path);
    } else if (shape instanceof StringShape s) {
      validateString(s, value, path);
    } else if (shape instanceof IntegralShape i) {
      validateIntegral(i, value, path);
    } else if (shape instanceof FloatingShape f) {
      validateFloating(f, value, path);
    } else if (shape instanceof BooleanShape) {
      if (!value.isBoolean()) throw typeMismatch(path, "a boolean", value);
    } else if (shape instanceof TimestampShape) {
      validateTimestamp(value, path);
    } else if (shape instanceof BlobShape) {
      if (!value.isTextual()) throw typeMismatch(path, "a base64 string", value);
    }
    // DocumentShape: any JSON value is a document.
  }

  private void validateStructure(Structure shape, JsonNode value, String path) {
    for (Map.Entry<String, String> member : shape.members().entrySet()) {
      String memberPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
      JsonNode memberValue = value.get(member.getKey());
      if (memberValue == null || memberValue.isNull()) {
        if (shape.required().contains(member.getKey())) {
          throw EcsException.invalidParameter(memberPath + " is required");
        }
      } else {
        validate(shapes.get(member.getValue()), memberValue, memberPath);
      }
    }
  }

  private void validateList(ListShape shape, JsonNode value, String path) {
    if (!value.isArray()) throw typeMismatch(path, "a list", value);
    checkSize(shape.size(), value.size(), path, "items");
    Shape member = shapes.get(shape.member());
    for (int i = 0; i < value.size(); i++) {
      validate(member, value.get(i), path + "[" + i + "]");
    }
  }

  private void validateMap(MapShape shape, JsonNode value, String path) {
    if (!value.isObject()) throw typeMismatch(path, "a map (JSON object)", value);
    checkSize(shape.size(), value.size(), path, "entries");
    Shape key = shapes.get(shape.key());
    Shape valueShape = shapes.get(shape.value());
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String entryPath = path + "[" + TextNode.valueOf(entry.getKey()) + "]";
      validate(key, TextNode.valueOf(entry.getKey()), entryPath + " (key)");
      validate(valueShape, entry.getValue(), entryPath);
    }
  }

  private static void validateString(StringShape shape, JsonNode value, String path) {
    if (!value.isTextual()) throw typeMismatch(path, "a string", value);
    String text = value.textValue();
    if (!shape.enumValues().isEmpty() && !shape.enumValues().contains(text)) {
      throw EcsException.invalidParameter(
          "Invalid value "
              + describe(value)
              + " for "
              + path
              + "; valid values: "
              + String.join(", ", shape.enumValues()));
    }
    // The model's lengths are in characters (code points), not UTF-16 units.
    checkSize(shape.length(), text.codePointCount(0, text.length()), path, "characters");
  }

  private static void validateIntegral(IntegralShape shape, JsonNode value, String path) {
    String expected = shape.isLong() ? "a long integer" : "an integer";
    if (!value.isNumber() || !isFinite(value)) throw typeMismatch(path, expected, value);
    BigDecimal number = value.decimalValue();
    // 5.0 is an integer in JSON terms; 5.5 is not.
    if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0)
      throw typeMismatch(path, expected, value);
    BigDecimal min = shape.isLong() ? LONG_MIN : INT_MIN;
    BigDecimal max = shape.isLong() ? LONG_MAX : INT_MAX;
    if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      throw typeMismatch(path, expected + " between " + min + " and " + max, value);
    }
    checkRange(shape.range(), number.doubleValue(), path, value);
  }

  private static void validateFloating(FloatingShape shape, JsonNode value, String path) {
    if (!value.isNumber() || !isFinite(value)) throw typeMismatch(path, "a number", value);
    checkRange(shape.range(), value.doubleValue(), path, value);
  }

  private static void validateTimestamp(JsonNode value, String path) {
    if (value.isNumber() && isFinite(value)) {
      return;
    }
    if (value.isTextual() && isIsoTimestamp(value.textValue())) {
      return;
    }
    throw typeMismatch(path, "a timestamp (epoch seconds or ISO-8601)", value);
  }

  private static boolean isIsoTimestamp(String text) {
    try {
      OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean isFinite(JsonNode number) {
    return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }

  private static void checkSize(Range bounds, long size, String path, String unit) {
    if (!bounds.contains(size)) {
      throw EcsException.invalidParameter(
          path + " must have " + bounds.describe() + " " + unit + ", got " + size);
    }
  }

  private static void checkRange(Range bounds, double number, String path, JsonNode value) {
    if (!bounds.contains(number)) {
      throw EcsException.invalidParameter(
          path + " must be " + bounds.describe() + ", got " + value.asText());
    }
  }

  private static EcsException typeMismatch(String path, String expected, JsonNode actual) {
    return EcsException.serialization(
        "Unexpected value for member "
            + path
            + ": expected "
            + expected
            + ", got "
            + describe(actual));
  }

  /** A short rendering of a JSON value for error messages; never echoes a whole document. */
  static String describe(JsonNode value) {
    if (value.isObject()) return "an object";
    if (value.isArray()) return "a list";
    if (value.isTextual()) {
      String text = value.textValue();
      if (text.length() > MAX_SHOWN_CHARS) {
        return TextNode.valueOf(text.substring(0, MAX_SHOWN_CHARS)) + "...";
      }
      return TextNode.valueOf(text).toString();
    }
    return value.toString();
  }

  // ---- the model's shapes, reduced to what validation needs; references are shape names ----

  /**
   * Inclusive bounds; unbounded sides are infinite. Doubles hold every bound the model uses
   * exactly.
   */
  record Range(double min, double max) {
    static final Range ANY = new Range(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    static Range of(JsonNode shape) {
      return new Range(
          shape.path("min").asDouble(Double.NEGATIVE_INFINITY),
          shape.path("max").asDouble(Double.POSITIVE_INFINITY));
    }

    boolean contains(double value) {
      return value >= min && value <= max;
    }

    String describe() {
      boolean hasMin = min != Double.NEGATIVE_INFINITY;
      boolean hasMax = max != Double.POSITIVE_INFINITY;
      if (hasMin && hasMax) return "between " + format(min) + " and " + format(max);
      return hasMin ? "at least " + format(min) : "at most " + format(max);
    }

    private static String format(double bound) {
      return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
  }

  sealed interface Shape {
    String name();

    default List<String> references() {
      return List.of();
    }

    static Shape of(String name, JsonNode json) {
      String type = json.path("type").asText();
      return switch (type) {
        case "structure" ->
            json.path("document").asBoolean() ? new DocumentShape(name) : Structure.of(name, json);
        case "list" ->
            new ListShape(name, json.path("member").path("shape").asText(), Range.of(json));
        case "map" ->
            new MapShape(
                name,
                json.path("key").path("shape").asText(),
                json.path("value").path("shape").asText(),
                Range.of(json));
        case "string" -> new StringShape(name, textList(json.path("enum")), Range.of(json));
        case "integer", "long" -> new IntegralShape(name, type.equals("long"), Range.of(json));
        case "double", "float" -> new FloatingShape(name, Range.of(json));
        case "boolean" -> new BooleanShape(name);
        case "timestamp" -> new TimestampShape(name);
        case "blob" -> new BlobShape(name);
        default ->
            throw new IllegalStateException("shape " + name + " has unsupported type " + type);
      };
    }

    private static List<String> textList(JsonNode array) {
      List<String> values = new ArrayList<>();
      array.forEach(v -> values.add(v.asText()));
      return List.copyOf(values);
    }
  }

  /** Members in model order (member name to shape name), so the first error reported is stable. */
  record Structure(String name, Map<String, String> members, Set<String> required)
      implements Shape {
    static Structure of(String name, JsonNode json) {
      Map<String, String> members = new LinkedHashMap<>();
      json.path("members")
          .fields()
          .forEachRemaining(e -> members.put(e.getKey(), e.getValue().path("shape").asText()));
      Set<String> required = new HashSet<>();
      json.path("required").forEach(r -> required.add(r.asText()));
      return new Structure(name, Collections.unmodifiableMap(members), Set.copyOf(required));
    }

    @Override
    public List<String> references() {
      return List.copyOf(members.values());
    }
  }

  record ListShape(String name, String member, Range size) implements Shape {
    @Override
    public List<String> references() {
      return List.of(member);
    }
  }

  record MapShape(String name, String key, String value, Range size) implements Shape {
    @Override
    public List<String> references() {
      return List.of(key, value);
    }
  }

  record StringShape(String name, List<String> enumValues, Range length) implements Shape {}

  record IntegralShape(String name, boolean isLong, Range range) implements Shape {}

  record FloatingShape(String name, Range range) implements Shape {}

  record BooleanShape(String name) implements Shape {}

  record TimestampShape(String name) implements Shape {}

  record BlobShape(String name) implements Shape {}

  /** Free-form JSON (a structure with {@code "document": true}). */
  record DocumentShape(String name) implements Shape {}
}
