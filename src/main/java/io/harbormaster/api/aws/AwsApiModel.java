package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
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
 * An AWS service's API model (botocore's {@code service-2.json}, checked in under {@code aws/}) and
 * request validation against it. The protocols read the model's wire traits from it (where a member
 * travels, its XML names, list flattening) so that each protocol is written once for all services.
 *
 * <p>Validation follows what the real services do with a request: a value of the wrong type is a
 * {@link InvalidRequest.Kind#SERIALIZATION} failure; a missing required member, an unknown enum
 * value or a length/range outside the model's bounds is {@link InvalidRequest.Kind#INVALID_VALUE}.
 * Each service names these with its own error code. Members the model does not know are ignored,
 * because clients may be newer than our copy of the model. A JSON {@code null} member counts as
 * absent (SDKs send it for unset optional members).
 */
public final class AwsApiModel {

  /** Long strings in error messages are cut to this many characters. */
  private static final int MAX_SHOWN_CHARS = 60;

  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** A request the model refuses, before any handler sees it. */
  public static final class InvalidRequest extends RuntimeException {
    public enum Kind {
      /** A value of the wrong type, or a body that is not what the protocol expects. */
      SERIALIZATION,
      /** A value of the right type that the model's constraints refuse. */
      INVALID_VALUE
    }

    private final Kind kind;

    InvalidRequest(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * An operation: its name, the shapes of its request and response, and its HTTP binding (used by
   * restJson1; the RPC protocols post to one path).
   *
   * @param resultWrapper the element the query protocol wraps the output in ({@code <OpResult>}),
   *     if any
   */
  public record Operation(
      String name,
      String inputShape,
      String outputShape,
      String httpMethod,
      String requestUri,
      int responseCode,
      String resultWrapper,
      List<String> errorShapes) {}

  /** The model's {@code metadata}: which protocol, which names on the wire. */
  public record Metadata(
      String apiVersion,
      String protocol,
      List<String> protocols,
      String jsonVersion,
      String targetPrefix,
      String signingName,
      String xmlNamespace,
      boolean awsQueryCompatible) {
    static Metadata of(JsonNode metadata) {
      List<String> protocols = new ArrayList<>();
      metadata.path("protocols").forEach(p -> protocols.add(p.asText()));
      if (protocols.isEmpty()) protocols.add(metadata.path("protocol").asText());
      return new Metadata(
          metadata.path("apiVersion").asText(),
          metadata.path("protocol").asText(),
          List.copyOf(protocols),
          metadata.path("jsonVersion").asText("1.1"),
          metadata.path("targetPrefix").asText(""),
          metadata.path("signingName").asText(metadata.path("endpointPrefix").asText()),
          metadata.path("xmlNamespace").asText(""),
          metadata.has("awsQueryCompatible"));
    }
  }

  private final Metadata metadata;
  private final Map<String, Operation> operations;
  private final Map<String, Shape> shapes;

  private AwsApiModel(
      Metadata metadata, Map<String, Operation> operations, Map<String, Shape> shapes) {
    this.metadata = metadata;
    this.operations = operations;
    this.shapes = shapes;
  }

  /** Reads a model from the classpath, e.g. {@code /aws/logs-service-2.json}. */
  public static AwsApiModel load(String resource) {
    try (InputStream in = AwsApiModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("API model missing from the classpath: " + resource);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API model " + resource, e);
    }
  }

  public static AwsApiModel parse(JsonNode model) {
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
              JsonNode op = e.getValue();
              String input = op.path("input").path("shape").textValue();
              String output = op.path("output").path("shape").textValue();
              if (input != null && !shapes.containsKey(input)) {
                throw new IllegalStateException(
                    "operation " + e.getKey() + " has unknown input shape " + input);
              }
              List<String> errors = new ArrayList<>();
              op.path("errors").forEach(err -> errors.add(err.path("shape").asText()));
              operations.put(
                  e.getKey(),
                  new Operation(
                      e.getKey(),
                      input,
                      output,
                      op.path("http").path("method").asText("POST"),
                      op.path("http").path("requestUri").asText("/"),
                      op.path("http").path("responseCode").asInt(200),
                      op.path("output").path("resultWrapper").textValue(),
                      List.copyOf(errors)));
            });
    checkReferences(shapes);
    return new AwsApiModel(
        Metadata.of(model.path("metadata")),
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

  public Metadata metadata() {
    return metadata;
  }

  /** The JSON protocols' {@code X-Amz-Target} prefix, e.g. {@code Logs_20140328}. */
  public String targetPrefix() {
    return metadata.targetPrefix();
  }

  /** A shape by name; the protocols walk them to read and write the wire forms. */
  public Shape shape(String name) {
    Shape shape = shapes.get(name);
    if (shape == null) throw new IllegalArgumentException("no shape " + name);
    return shape;
  }

  /** The error shape whose wire code is {@code code}, if the model declares one. */
  public Optional<Structure> errorShape(String code) {
    for (Shape shape : shapes.values()) {
      if (shape instanceof Structure s && s.error() != null && s.error().code().equals(code)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
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
   * @throws InvalidRequest what the model refuses
   * @throws IllegalArgumentException if the model has no such operation
   */
  public void validateInput(String operation, JsonNode input) {
    Operation op =
        operation(operation)
            .orElseThrow(() -> new IllegalArgumentException("Unknown operation " + operation));
    if (input == null || input.isMissingNode()) {
      input = JsonNodeFactory.instance.objectNode();
    }
    if (!input.isObject()) {
      throw new InvalidRequest(
          InvalidRequest.Kind.SERIALIZATION,
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
    for (Map.Entry<String, Member> member : shape.members().entrySet()) {
      String memberPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
      JsonNode memberValue = value.get(member.getKey());
      if (memberValue == null || memberValue.isNull()) {
        if (shape.required().contains(member.getKey())) {
          throw invalid(memberPath + " is required");
        }
      } else {
        validate(shapes.get(member.getValue().shape()), memberValue, memberPath);
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
      throw invalid(
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
      throw invalid(path + " must have " + bounds.describe() + " " + unit + ", got " + size);
    }
  }

  private static void checkRange(Range bounds, double number, String path, JsonNode value) {
    if (!bounds.contains(number)) {
      throw invalid(path + " must be " + bounds.describe() + ", got " + value.asText());
    }
  }

  private static InvalidRequest invalid(String message) {
    return new InvalidRequest(InvalidRequest.Kind.INVALID_VALUE, message);
  }

  private static InvalidRequest typeMismatch(String path, String expected, JsonNode actual) {
    return new InvalidRequest(
        InvalidRequest.Kind.SERIALIZATION,
        "Unexpected value for member "
            + path
            + ": expected "
            + expected
            + ", got "
            + describe(actual));
  }

  /** A short rendering of a JSON value for error messages; never echoes a whole document. */
  public static String describe(JsonNode value) {
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
  public record Range(double min, double max) {
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

  /** A shape of the model; references to other shapes are by name. */
  public sealed interface Shape {
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
            new ListShape(
                name,
                json.path("member").path("shape").asText(),
                json.path("member").path("locationName").asText("member"),
                json.path("flattened").asBoolean(),
                Range.of(json));
        case "map" ->
            new MapShape(
                name,
                json.path("key").path("shape").asText(),
                json.path("value").path("shape").asText(),
                json.path("key").path("locationName").asText("key"),
                json.path("value").path("locationName").asText("value"),
                json.path("flattened").asBoolean(),
                Range.of(json));
        case "string" -> new StringShape(name, textList(json.path("enum")), Range.of(json));
        case "integer", "long" -> new IntegralShape(name, type.equals("long"), Range.of(json));
        case "double", "float" -> new FloatingShape(name, Range.of(json));
        case "boolean" -> new BooleanShape(name);
        case "timestamp" -> new TimestampShape(name, json.path("timestampFormat").asText(""));
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

  /** Where a member travels in restJson1: the body, the path, the query string or a header. */
  public enum Location {
    BODY,
    URI,
    QUERYSTRING,
    HEADER,
    HEADERS,
    STATUS_CODE;

    static Location of(String location) {
      return switch (location) {
        case "uri" -> URI;
        case "querystring" -> QUERYSTRING;
        case "header" -> HEADER;
        case "headers" -> HEADERS;
        case "statusCode" -> STATUS_CODE;
        default -> BODY;
      };
    }
  }

  /**
   * A structure's member: its shape and wire traits.
   *
   * @param locationName its name on the wire where that differs from the member's name (an XML
   *     element, a query key, a header or a path label); {@code null} when it does not
   * @param flattened a list member written as repeated elements without a wrapper (query/XML)
   */
  public record Member(
      String shape,
      Location location,
      String locationName,
      boolean flattened,
      boolean xmlAttribute,
      String timestampFormat) {
    static Member of(JsonNode json) {
      return new Member(
          json.path("shape").asText(),
          Location.of(json.path("location").asText("")),
          json.path("locationName").textValue(),
          json.path("flattened").asBoolean(),
          json.path("xmlAttribute").asBoolean(),
          json.path("timestampFormat").asText(""));
    }

    /** The name this member has on the wire, given its name in the model. */
    public String wireName(String memberName) {
      return locationName == null ? memberName : locationName;
    }
  }

  /**
   * An error shape's wire code and status (from its {@code error} trait); absent on ordinary
   * structures.
   */
  public record ErrorTrait(String code, int httpStatus, boolean senderFault) {}

  /** Members in model order, so the first error reported is stable. */
  public record Structure(
      String name,
      Map<String, Member> members,
      Set<String> required,
      String payload,
      ErrorTrait error)
      implements Shape {
    static Structure of(String name, JsonNode json) {
      Map<String, Member> members = new LinkedHashMap<>();
      json.path("members")
          .fields()
          .forEachRemaining(e -> members.put(e.getKey(), Member.of(e.getValue())));
      Set<String> required = new HashSet<>();
      json.path("required").forEach(r -> required.add(r.asText()));
      ErrorTrait error = null;
      if (json.path("exception").asBoolean()) {
        JsonNode trait = json.path("error");
        error =
            new ErrorTrait(
                trait.path("code").asText(name),
                trait.path("httpStatusCode").asInt(400),
                trait
                    .path("senderFault")
                    .asBoolean(
                        !trait.has("httpStatusCode")
                            || trait.path("httpStatusCode").asInt() < 500));
      }
      return new Structure(
          name,
          Collections.unmodifiableMap(members),
          Set.copyOf(required),
          json.path("payload").textValue(),
          error);
    }

    @Override
    public List<String> references() {
      return members.values().stream().map(Member::shape).toList();
    }
  }

  public record ListShape(
      String name, String member, String memberName, boolean flattened, Range size)
      implements Shape {
    @Override
    public List<String> references() {
      return List.of(member);
    }
  }

  public record MapShape(
      String name,
      String key,
      String value,
      String keyName,
      String valueName,
      boolean flattened,
      Range size)
      implements Shape {
    @Override
    public List<String> references() {
      return List.of(key, value);
    }
  }

  public record StringShape(String name, List<String> enumValues, Range length) implements Shape {}

  public record IntegralShape(String name, boolean isLong, Range range) implements Shape {}

  public record FloatingShape(String name, Range range) implements Shape {}

  public record BooleanShape(String name) implements Shape {}

  /** {@code timestampFormat} is empty where the protocol's default applies. */
  public record TimestampShape(String name, String timestampFormat) implements Shape {}

  public record BlobShape(String name) implements Shape {}

  /** Free-form JSON (a structure with {@code "document": true}). */
  public record DocumentShape(String name) implements Shape {}
}
