package io.harbormaster.events.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.events.pattern.EventPattern.Clause;
import io.harbormaster.events.pattern.EventPattern.ObjectPattern;
import io.harbormaster.events.pattern.Matcher.AnythingBut;
import io.harbormaster.events.pattern.Matcher.Cidr;
import io.harbormaster.events.pattern.Matcher.EqualsIgnoreCase;
import io.harbormaster.events.pattern.Matcher.Exact;
import io.harbormaster.events.pattern.Matcher.Exists;
import io.harbormaster.events.pattern.Matcher.Numeric;
import io.harbormaster.events.pattern.Matcher.OfValue;
import io.harbormaster.events.pattern.Matcher.Prefix;
import io.harbormaster.events.pattern.Matcher.Suffix;
import io.harbormaster.events.pattern.Matcher.Wildcard;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Turns pattern JSON into matchers, rejecting what EventBridge rejects. Each error names its path:
 * fields joined by dots, array positions in brackets, operators as the last step ({@code
 * detail.state[0].anything-but}).
 */
final class PatternParser {

  static final String OR = "$or";
  private static final Set<String> OPERATORS =
      Set.of(
          "prefix",
          "suffix",
          "equals-ignore-case",
          "wildcard",
          "anything-but",
          "numeric",
          "exists",
          "cidr");

  private PatternParser() {}

  static ObjectPattern parse(JsonNode pattern) {
    if (pattern == null || !pattern.isObject()) {
      throw invalid("", "an event pattern must be a JSON object");
    }
    return object(pattern, "", false);
  }

  private static ObjectPattern object(JsonNode node, String path, boolean insideOr) {
    if (node.isEmpty()) {
      throw invalid(path, "empty objects are not allowed");
    }
    List<Clause> clauses = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      String at = path.isEmpty() ? name : path + "." + name;
      if (name.equals(OR)) {
        clauses.add(or(value, at));
      } else if (insideOr && OPERATORS.contains(name)) {
        // {"$or": [{"prefix": ...}, ...]} is an operator written where a field belongs, not a field
        // named prefix.
        throw invalid(at, "\"" + name + "\" is an operator and cannot be a field name inside $or");
      } else if (value.isObject()) {
        clauses.add(new Clause.Nested(name, object(value, at, insideOr)));
      } else if (value.isArray()) {
        clauses.add(new Clause.Leaf(name, values(value, at)));
      } else {
        throw invalid(at, "must be an object or an array, not " + describe(value));
      }
    }
    return new ObjectPattern(List.copyOf(clauses));
  }

  private static Clause or(JsonNode value, String path) {
    if (!value.isArray() || value.size() < 2) {
      throw invalid(path, "$or must be an array of at least two pattern objects");
    }
    List<ObjectPattern> alternatives = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode alternative = value.get(i);
      String at = path + "[" + i + "]";
      if (!alternative.isObject()) {
        throw invalid(at, "only pattern objects are allowed in $or, not " + describe(alternative));
      }
      alternatives.add(object(alternative, at, true));
    }
    return new Clause.AnyOf(List.copyOf(alternatives));
  }

  private static List<Matcher> values(JsonNode array, String path) {
    if (array.isEmpty()) {
      throw invalid(path, "empty arrays are not allowed");
    }
    List<Matcher> matchers = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode value = array.get(i);
      String at = path + "[" + i + "]";
      if (value.isObject()) {
        matchers.add(operator(value, at));
      } else if (value.isValueNode()) {
        matchers.add(new Exact(value));
      } else {
        throw invalid(
            at, "a match value must be a string, number, true, false, null or an operator object");
      }
    }
    return List.copyOf(matchers);
  }

  /** {@code {"operator": operand}}: exactly one key. */
  private static Matcher operator(JsonNode object, String path) {
    if (object.size() != 1) {
      throw invalid(path, "an operator object must have exactly one key, not " + object.size());
    }
    Map.Entry<String, JsonNode> entry = object.properties().iterator().next();
    String name = entry.getKey();
    JsonNode operand = entry.getValue();
    String at = path + "." + name;
    return switch (name) {
      case "prefix" -> affix(operand, at, Prefix::new);
      case "suffix" -> affix(operand, at, Suffix::new);
      case "equals-ignore-case" -> new EqualsIgnoreCase(text(operand, at));
      case "wildcard" -> wildcard(text(operand, at), at);
      case "anything-but" -> anythingBut(operand, at);
      case "numeric" -> numeric(operand, at);
      case "exists" -> {
        if (!operand.isBoolean()) {
          throw invalid(at, "exists takes true or false, not " + describe(operand));
        }
        yield new Exists(operand.booleanValue());
      }
      case "cidr" -> {
        Cidr cidr = Cidr.parse(text(operand, at));
        if (cidr == null) {
          throw invalid(at, "\"" + operand.textValue() + "\" is not an IPv4 or IPv6 CIDR block");
        }
        yield cidr;
      }
      default -> throw invalid(at, "unknown operator \"" + name + "\"");
    };
  }

  /** prefix/suffix take a string, or {@code {"equals-ignore-case": string}}. */
  private static OfValue affix(
      JsonNode operand, String path, BiFunction<String, Boolean, OfValue> make) {
    if (operand.isObject()) {
      if (operand.size() != 1 || !operand.has("equals-ignore-case")) {
        throw invalid(path, "the only operator allowed inside is equals-ignore-case");
      }
      return make.apply(
          text(operand.get("equals-ignore-case"), path + ".equals-ignore-case"), true);
    }
    return make.apply(text(operand, path), false);
  }

  private static Wildcard wildcard(String pattern, String path) {
    String problem = Wildcard.problem(pattern);
    if (problem != null) {
      throw invalid(path, problem);
    }
    return Wildcard.of(pattern);
  }

  /**
   * anything-but takes a string, a number, a non-empty list of only strings or only numbers, or one
   * of prefix/suffix/equals-ignore-case/wildcard with a string or a list of strings.
   */
  private static AnythingBut anythingBut(JsonNode operand, String path) {
    if (operand.isTextual()) {
      return new AnythingBut(List.of(new Exact(operand)));
    }
    if (operand.isNumber()) {
      return new AnythingBut(List.of(Numeric.equalTo(operand.decimalValue())));
    }
    if (operand.isArray()) {
      if (operand.isEmpty()) {
        throw invalid(path, "empty arrays are not allowed");
      }
      boolean strings = operand.get(0).isTextual();
      List<OfValue> excluded = new ArrayList<>();
      for (int i = 0; i < operand.size(); i++) {
        JsonNode value = operand.get(i);
        if (strings ? !value.isTextual() : !value.isNumber()) {
          throw invalid(
              path + "[" + i + "]", "an anything-but list must hold only strings or only numbers");
        }
        excluded.add(strings ? new Exact(value) : Numeric.equalTo(value.decimalValue()));
      }
      return new AnythingBut(List.copyOf(excluded));
    }
    if (operand.isObject()) {
      if (operand.size() != 1) {
        throw invalid(
            path, "anything-but takes one of prefix, suffix, equals-ignore-case or wildcard");
      }
      Map.Entry<String, JsonNode> inner = operand.properties().iterator().next();
      String kind = inner.getKey();
      String at = path + "." + kind;
      if (!Set.of("prefix", "suffix", "equals-ignore-case", "wildcard").contains(kind)) {
        throw invalid(
            at,
            "anything-but takes one of prefix, suffix, equals-ignore-case or wildcard, not \""
                + kind
                + "\"");
      }
      List<OfValue> excluded = new ArrayList<>();
      for (String text : strings(inner.getValue(), at)) {
        excluded.add(
            switch (kind) {
              case "prefix" -> new Prefix(nonEmpty(text, at), false);
              case "suffix" -> new Suffix(nonEmpty(text, at), false);
              case "equals-ignore-case" -> new EqualsIgnoreCase(text);
              default -> wildcard(text, at);
            });
      }
      return new AnythingBut(List.copyOf(excluded));
    }
    throw invalid(
        path,
        "anything-but takes a string, a number, a list or an operator object, not "
            + describe(operand));
  }

  /**
   * {@code ["=", x]}, {@code [op, x]} with op one of {@code < <= > >=}, or a range {@code
   * [">"|">=", low, "<"|"<=", high]} with low below high.
   */
  private static Numeric numeric(JsonNode operand, String path) {
    if (!operand.isArray() || (operand.size() != 2 && operand.size() != 4)) {
      throw invalid(
          path,
          "numeric takes [operator, number] or [\">\" or \">=\", number, \"<\" or \"<=\", number]");
    }
    String first = numericOperator(operand.get(0), path + "[0]");
    BigDecimal firstValue = number(operand.get(1), path + "[1]");
    if (operand.size() == 2) {
      return switch (first) {
        case "=" -> Numeric.equalTo(firstValue);
        case ">" -> new Numeric(firstValue, false, null, false);
        case ">=" -> new Numeric(firstValue, true, null, false);
        case "<" -> new Numeric(null, false, firstValue, false);
        default -> new Numeric(null, false, firstValue, true);
      };
    }
    if (!first.startsWith(">")) {
      throw invalid(path + "[0]", "a range must start with \">\" or \">=\", not \"" + first + "\"");
    }
    String second = numericOperator(operand.get(2), path + "[2]");
    if (!second.startsWith("<")) {
      throw invalid(path + "[2]", "a range must end with \"<\" or \"<=\", not \"" + second + "\"");
    }
    BigDecimal secondValue = number(operand.get(3), path + "[3]");
    if (firstValue.compareTo(secondValue) >= 0) {
      throw invalid(
          path, "the lower bound " + firstValue + " must be below the upper bound " + secondValue);
    }
    return new Numeric(firstValue, first.equals(">="), secondValue, second.equals("<="));
  }

  private static String numericOperator(JsonNode node, String path) {
    String operator = node.isTextual() ? node.textValue() : null;
    if (operator == null || !Set.of("=", "<", "<=", ">", ">=").contains(operator)) {
      throw invalid(path, "unknown numeric operator " + node + "; use =, <, <=, > or >=");
    }
    return operator;
  }

  private static BigDecimal number(JsonNode node, String path) {
    if (!node.isNumber()) {
      throw invalid(path, "must be a number, not " + describe(node));
    }
    return node.decimalValue();
  }

  private static String text(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw invalid(path, "must be a string, not " + describe(node));
    }
    return node.textValue();
  }

  private static List<String> strings(JsonNode node, String path) {
    if (node.isTextual()) {
      return List.of(node.textValue());
    }
    if (!node.isArray() || node.isEmpty()) {
      throw invalid(path, "must be a string or a non-empty list of strings, not " + describe(node));
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      texts.add(text(node.get(i), path + "[" + i + "]"));
    }
    return texts;
  }

  /** An empty anything-but prefix or suffix would exclude every string; EventBridge refuses it. */
  private static String nonEmpty(String text, String path) {
    if (text.isEmpty()) {
      throw invalid(path, "an empty prefix or suffix is not allowed in anything-but");
    }
    return text;
  }

  private static String describe(JsonNode node) {
    return node.isTextual()
        ? "a string"
        : node.isNumber()
            ? "a number"
            : node.isBoolean()
                ? "a boolean"
                : node.isNull() ? "null" : node.isArray() ? "an array" : "an object";
  }

  private static InvalidEventPatternException invalid(String path, String reason) {
    return new InvalidEventPatternException(path, reason);
  }
}
