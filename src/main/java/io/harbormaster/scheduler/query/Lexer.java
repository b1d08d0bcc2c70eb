package io.harbormaster.scheduler.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an expression into tokens. A bare word runs until whitespace or one of {@code
 * ()[],'"=!<>~&|}, so {@code runningTasksCount==1} needs no spaces and values such as {@code t2.*},
 * {@code us-east-1a} or {@code service:web} need no quotes. A value holding any of those characters
 * (a regex with {@code |} or parentheses, a value with spaces) is written in single or double
 * quotes, as ECS's examples quote {@code ['i-abcd1234', 'i-wxyx7890']}.
 */
final class Lexer {

  private static final String SPECIAL = "()[],'\"=!<>~&|";

  private final String source;
  private int at;

  private Lexer(String source) {
    this.source = source;
  }

  static List<Token> tokens(String source) {
    return new Lexer(source).all();
  }

  private List<Token> all() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      while (at < source.length() && Character.isWhitespace(source.charAt(at))) at++;
      if (at == source.length()) {
        tokens.add(new Token(Token.Kind.END, "", at));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = at;
    char c = source.charAt(at);
    switch (c) {
      case '(':
        return single(Token.Kind.LEFT_PAREN);
      case ')':
        return single(Token.Kind.RIGHT_PAREN);
      case '[':
        return single(Token.Kind.LEFT_BRACKET);
      case ']':
        return single(Token.Kind.RIGHT_BRACKET);
      case ',':
        return single(Token.Kind.COMMA);
      case '\'':
      case '"':
        return quoted(c);
      case '&':
        return pair('&', Token.Kind.AND, "'&&'");
      case '|':
        return pair('|', Token.Kind.OR, "'||'");
      case '=':
        if (peek(1) == '=' || peek(1) == '~') return operator(2);
        throw error(start, "expected '==' or '=~' but found '='");
      case '<':
      case '>':
        return operator(peek(1) == '=' ? 2 : 1);
      case '~':
        throw error(start, "'~' must follow '=' or '!'");
      case '!':
        return bang();
      default:
        return word();
    }
  }

  /**
   * {@code !=}, {@code !~}, {@code !in} and {@code !exists} are operators; any other {@code !}
   * negates.
   */
  private Token bang() {
    if (peek(1) == '=' || peek(1) == '~') return operator(2);
    for (String word : new String[] {"exists", "in"}) {
      int end = at + 1 + word.length();
      if (source.startsWith(word, at + 1)
          && (end == source.length() || !isWordChar(source.charAt(end)))) {
        return operator(1 + word.length());
      }
    }
    return single(Token.Kind.BANG);
  }

  private Token word() {
    int start = at;
    while (at < source.length() && isWordChar(source.charAt(at))) at++;
    return new Token(Token.Kind.WORD, source.substring(start, at), start);
  }

  private Token quoted(char quote) {
    int start = at;
    int end = source.indexOf(quote, at + 1);
    if (end < 0) throw error(start, "unterminated quoted value: no closing " + quote);
    at = end + 1;
    return new Token(Token.Kind.QUOTED, source.substring(start + 1, end), start);
  }

  private Token pair(char c, Token.Kind kind, String expected) {
    if (peek(1) != c) throw error(at, "expected " + expected + " but found '" + c + "'");
    return new Token(kind, source.substring(at, at += 2), at - 2);
  }

  private Token operator(int length) {
    int start = at;
    at += length;
    return new Token(Token.Kind.OPERATOR, source.substring(start, at), start);
  }

  private Token single(Token.Kind kind) {
    return new Token(kind, String.valueOf(source.charAt(at)), at++);
  }

  private char peek(int ahead) {
    int i = at + ahead;
    return i < source.length() ? source.charAt(i) : '\0';
  }

  private static boolean isWordChar(char c) {
    return !Character.isWhitespace(c) && SPECIAL.indexOf(c) < 0;
  }

  private QueryLanguageException error(int position, String detail) {
    return new QueryLanguageException(source, position, detail);
  }
}
