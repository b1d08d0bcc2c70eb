package io.harbormaster.events.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of a pattern's value array: a literal or an operator object such as {@code {"prefix":
 * "us-"}}.
 *
 * <p>A matcher sees every leaf value the event has at the pattern's field: one value for a scalar,
 * each element for an array (nested arrays flattened), none when the field is missing or holds an
 * object. All matchers but {@link Exists} judge one value at a time and match when any value does,
 * which is how EventBridge gives arrays in events "intersection" semantics.
 */
sealed interface Matcher {

  boolean matches(List<JsonNode> values);

  /** A matcher that judges values one at a time. */
  sealed interface OfValue extends Matcher {

    boolean test(JsonNode value);

    @Override
    default boolean matches(List<JsonNode> values) {
      return values.stream().anyMatch(this::test);
    }
  }

  /**
   * {@code {"exists": true|false}}: about the presence of leaf values, so it is the one set-level
   * matcher.
   */
  record Exists(boolean present) implements Matcher {
    @Override
    public boolean matches(List<JsonNode> values) {
      return values.isEmpty() != present;
    }
  }

  /**
   * A literal: string, number, true, false or null. The documentation says numbers compare by their
   * string representation ("300, 300.0, and 3.0e2 are not considered equal"), so numbers compare by
   * value and scale as parsed; {@code {"numeric": ["=", 300]}} is the way to compare by value.
   */
  record Exact(JsonNode literal) implements OfValue {
    @Override
    public boolean test(JsonNode value) {
      if (literal.isTextual()) {
        return value.isTextual() && literal.textValue().equals(value.textValue());
      }
      if (literal.isNumber()) {
        return value.isNumber() && writtenForm(literal).equals(writtenForm(value));
      }
      if (literal.isBoolean()) {
        return value.isBoolean() && literal.booleanValue() == value.booleanValue();
      }
      return literal.isNull() && value.isNull();
    }

    /**
     * BigDecimal equality includes the scale: 300 (scale 0), 300.0 (scale 1) and 3.0e2 (scale -1)
     * differ.
     */
    private static BigDecimal writtenForm(JsonNode number) {
      return number.isIntegralNumber()
          ? new BigDecimal(number.bigIntegerValue())
          : number.decimalValue();
    }
  }

  /** {@code prefix}, or {@code prefix: {equals-ignore-case}}; only strings have prefixes. */
  record Prefix(String prefix, boolean ignoreCase) implements OfValue {
    @Override
    public boolean test(JsonNode value) {
      return value.isTextual()
          && value.textValue().regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
    }
  }

  /** {@code suffix}, or {@code suffix: {equals-ignore-case}}; only strings have suffixes. */
  record Suffix(String suffix, boolean ignoreCase) implements OfValue {
    @Override
    public boolean test(JsonNode value) {
      if (!value.isTextual()) {
        return false;
      }
      String text = value.textValue();
      int start = text.length() - suffix.length();
      return start >= 0 && text.regionMatches(ignoreCase, start, suffix, 0, suffix.length());
    }
  }

  record EqualsIgnoreCase(String text) implements OfValue {
    @Override
    public boolean test(JsonNode value) {
      return value.isTextual() && value.textValue().equalsIgnoreCase(text);
    }
  }

  /**
   * {@code *} stands for any run of characters, {@code \*} for a star, {@code \\} for a backslash.
   */
  record Wildcard(String pattern, Pattern regex) implements OfValue {

    /**
     * Returns null if the pattern is valid, else why not (EventBridge's two rules: no "**", known
     * escapes).
     */
    static String problem(String pattern) {
      for (int i = 0; i < pattern.length(); i++) {
        char c = pattern.charAt(i);
        if (c == '\\') {
          if (i + 1 == pattern.length()
              || (pattern.charAt(i + 1) != '*' && pattern.charAt(i + 1) != '\\')) {
            return "invalid escape at position " + i + ": only \\* and \\\\ are allowed";
          }
          i++;
        } else if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          return "consecutive wildcard characters at position " + i;
        }
      }
      return null;
    }

    /** Assumes {@link #problem} found none. */
    static Wildcard of(String pattern) {
      StringBuilder regex = new StringBuilder();
      StringBuilder literal = new StringBuilder();
      for (int i = 0; i < pattern.length(); i++) {
        char c = pattern.charAt(i);
        if (c == '\\') {
          literal.append(pattern.charAt(++i));
        } else if (c == '*') {
          regex.append(Pattern.quote(literal.toString())).append(".*");
          literal.setLength(0);
        } else {
          literal.append(c);
        }
      }
      regex.append(Pattern.quote(literal.toString()));
      return new Wildcard(pattern, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    @Override
    public boolean test(JsonNode value) {
      return value.isTextual() && regex.matcher(value.textValue()).matches();
    }
  }

  /**
   * {@code numeric}: compares JSON numbers by value; a null bound is open-ended. {@code ["=", x]}
   * is the range [x, x]; anything-but a number uses it too, so it excludes 100.0 as well as 100.
   */
  record Numeric(BigDecimal lower, boolean lowerInclusive, BigDecimal upper, boolean upperInclusive)
      implements OfValue {

    static Numeric equalTo(BigDecimal value) {
      return new Numeric(value, true, value, true);
    }

    @Override
    public boolean test(JsonNode value) {
      if (!value.isNumber()) {
        return false;
      }
      BigDecimal number = value.decimalValue();
      if (lower != null) {
        int c = number.compareTo(lower);
        if (c < 0 || (c == 0 && !lowerInclusive)) {
          return false;
        }
      }
      if (upper != null) {
        int c = number.compareTo(upper);
        return c < 0 || (c == 0 && upperInclusive);
      }
      return true;
    }
  }

  /**
   * {@code anything-but}: any value that none of the excluded matchers accepts, of whatever type,
   * so a number is "anything but" a string. A missing field has no value and therefore never
   * matches.
   */
  record AnythingBut(List<OfValue> excluded) implements OfValue {
    @Override
    public boolean test(JsonNode value) {
      return excluded.stream().noneMatch(m -> m.test(value));
    }
  }

  /** {@code cidr}: a string holding an IPv4 or IPv6 address inside the block. */
  record Cidr(String block, byte[] network, int prefixLength) implements OfValue {

    /** Parses "address/length"; null if it is not a CIDR block. */
    static Cidr parse(String block) {
      int slash = block.indexOf('/');
      if (slash < 0 || !block.substring(slash + 1).matches("\\d{1,3}")) {
        return null;
      }
      byte[] network = address(block.substring(0, slash));
      int length = Integer.parseInt(block.substring(slash + 1));
      return network == null || length > network.length * 8
          ? null
          : new Cidr(block, network, length);
    }

    /**
     * The bytes of an IP literal, or null. Never resolves a host name: only literals get this far.
     */
    static byte[] address(String text) {
      if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return null;
          }
          bytes[i] = (byte) octet;
        }
        return bytes;
      }
      // Starting with a hex digit or a colon and holding a colon, InetAddress takes the text for an
      // IPv6 literal
      // and parses it, or rejects it, without ever looking up a host name.
      if (text.contains(":") && text.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*")) {
        try {
          return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
          return null;
        }
      }
      return null;
    }

    @Override
    public boolean test(JsonNode value) {
      byte[] candidate = value.isTextual() ? address(value.textValue()) : null;
      if (candidate == null || candidate.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefixLength; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
