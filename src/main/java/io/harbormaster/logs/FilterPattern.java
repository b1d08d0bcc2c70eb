package io.harbormaster.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * A CloudWatch Logs filter pattern for unstructured events: terms and quoted phrases that must all
 * occur ({@code ERROR "connection refused"}), {@code ?term}s of which one must occur, and {@code
 * -term}s that must not. Matching is case-sensitive and by substring, as in CloudWatch. JSON
 * ({@code { $.x = 1 }}) and space-delimited ({@code [a, b]}) patterns are refused as not supported.
 * An empty pattern matches every event.
 */
public record FilterPattern(List<String> required, List<String> anyOf, List<String> excluded) {

  public static final FilterPattern ALL = new FilterPattern(List.of(), List.of(), List.of());

  public FilterPattern {
    required = List.copyOf(required);
    anyOf = List.copyOf(anyOf);
    excluded = List.copyOf(excluded);
  }

  /**
   * @throws LogsException InvalidParameterException for a pattern that does not parse or uses a
   *     form this store does not support
   */
  public static FilterPattern parse(String pattern) {
    if (pattern == null || pattern.isBlank()) return ALL;
    String p = pattern.strip();
    if (p.startsWith("{") || p.startsWith("[")) {
      throw LogsException.invalidParameter(
          "Invalid filter pattern: JSON and space-delimited filter patterns are not supported; use"
              + " terms and quoted phrases.");
    }
    List<String> required = new ArrayList<>();
    List<String> anyOf = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      List<String> target = required;
      if (c == '?' || c == '-') {
        target = c == '?' ? anyOf : excluded;
        i++;
        if (i >= p.length() || Character.isWhitespace(p.charAt(i))) {
          throw LogsException.invalidParameter(
              "Invalid filter pattern: '" + c + "' must be followed by a term.");
        }
      }
      String term;
      if (p.charAt(i) == '"') {
        int close = closingQuote(p, i + 1);
        if (close < 0) {
          throw LogsException.invalidParameter(
              "Invalid filter pattern: a quoted phrase has no closing '\"'.");
        }
        term = p.substring(i + 1, close).replace("\\\"", "\"").replace("\\\\", "\\");
        i = close + 1;
        if (i < p.length() && !Character.isWhitespace(p.charAt(i))) {
          throw LogsException.invalidParameter(
              "Invalid filter pattern: a quoted phrase must be followed by a space.");
        }
      } else {
        int end = i;
        while (end < p.length() && !Character.isWhitespace(p.charAt(end))) {
          if (p.charAt(end) == '"') {
            throw LogsException.invalidParameter(
                "Invalid filter pattern: '\"' inside a term; quote the whole phrase.");
          }
          end++;
        }
        term = p.substring(i, end);
        i = end;
      }
      if (term.isEmpty()) {
        throw LogsException.invalidParameter("Invalid filter pattern: an empty quoted phrase.");
      }
      target.add(term);
    }
    return new FilterPattern(required, anyOf, excluded);
  }

  private static int closingQuote(String p, int from) {
    for (int j = from; j < p.length(); j++) {
      if (p.charAt(j) == '\\') {
        j++;
      } else if (p.charAt(j) == '"') {
        return j;
      }
    }
    return -1;
  }

  public boolean matches(String message) {
    for (String t : required) {
      if (!message.contains(t)) return false;
    }
    for (String t : excluded) {
      if (message.contains(t)) return false;
    }
    if (anyOf.isEmpty()) return true;
    for (String t : anyOf) {
      if (message.contains(t)) return true;
    }
    return false;
  }
}
