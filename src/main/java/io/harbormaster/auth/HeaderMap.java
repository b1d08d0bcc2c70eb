package io.harbormaster.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request's headers by lower-cased name, values in arrival order (HTTP names are
 * case-insensitive).
 */
final class HeaderMap {
  private final Map<String, List<String>> byName = new LinkedHashMap<>();

  HeaderMap(List<Map.Entry<String, String>> headers) {
    for (Map.Entry<String, String> header : headers) {
      String value = header.getValue() == null ? "" : header.getValue();
      byName.computeIfAbsent(lower(header.getKey()), k -> new ArrayList<>()).add(value);
    }
  }

  static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  boolean contains(String name) {
    return byName.containsKey(lower(name));
  }

  List<String> all(String name) {
    return byName.getOrDefault(lower(name), List.of());
  }

  /** The single value of a header that must not repeat; empty if absent. */
  Optional<String> single(String name) throws Rejection {
    List<String> values = all(name);
    if (values.size() > 1) {
      throw Rejection.incomplete(
          "Only one '" + name + "' header is allowed; got " + values.size() + ".");
    }
    return values.stream().findFirst();
  }
}
