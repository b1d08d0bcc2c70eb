package io.harbormaster.scheduler.query;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The comparison operators, each with the symbol and the word ECS accepts for it. */
public enum Operator {
  EQUALS("==", "equals"),
  NOT_EQUALS("!=", "not_equals"),
  GREATER_THAN(">", "greater_than"),
  GREATER_THAN_EQUAL(">=", "greater_than_equal"),
  LESS_THAN("<", "less_than"),
  LESS_THAN_EQUAL("<=", "less_than_equal"),
  EXISTS("exists", "exists"),
  NOT_EXISTS("!exists", "not_exists"),
  IN("in", "in"),
  NOT_IN("!in", "not_in"),
  MATCHES("=~", "matches"),
  NOT_MATCHES("!~", "not_matches");

  private final String symbol;
  private final String word;

  Operator(String symbol, String word) {
    this.symbol = symbol;
    this.word = word;
  }

  public String symbol() {
    return symbol;
  }

  static Optional<Operator> bySymbol(String text) {
    return Arrays.stream(values()).filter(o -> o.symbol.equals(text)).findFirst();
  }

  /**
   * Operator words are matched without regard to case, like {@code and}, {@code or} and {@code
   * not}.
   */
  static Optional<Operator> byWord(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(o -> o.word.equals(lower)).findFirst();
  }

  /** How many arguments follow: none, one value, or a bracketed list. */
  Arity arity() {
    switch (this) {
      case EXISTS:
      case NOT_EXISTS:
        return Arity.NONE;
      case IN:
      case NOT_IN:
        return Arity.LIST;
      case EQUALS:
      case NOT_EQUALS:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case MATCHES:
      case NOT_MATCHES:
        return Arity.ONE;
    }
    throw new AssertionError(this);
  }

  enum Arity {
    NONE,
    ONE,
    LIST
  }
}
