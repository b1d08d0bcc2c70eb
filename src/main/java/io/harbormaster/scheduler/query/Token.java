package io.harbormaster.scheduler.query;

/** One lexical token of an expression, with the 0-based position where it starts. */
record Token(Kind kind, String text, int position) {

  enum Kind {
    /** A bare word: subject, keyword, operator word or unquoted value. */
    WORD,
    /** A value in single or double quotes; {@code text} is without the quotes. */
    QUOTED,
    /** An operator symbol such as {@code ==} or {@code !exists}. */
    OPERATOR,
    /** {@code !} on its own: negation. */
    BANG,
    /** {@code &&} */
    AND,
    /** {@code ||} */
    OR,
    LEFT_PAREN,
    RIGHT_PAREN,
    LEFT_BRACKET,
    RIGHT_BRACKET,
    COMMA,
    END
  }

  /** How the token reads in an error message. */
  String describe() {
    switch (kind) {
      case END:
        return "the end of the expression";
      case QUOTED:
        return "'" + text + "' (quoted)";
      case WORD:
      case OPERATOR:
      case BANG:
      case AND:
      case OR:
      case LEFT_PAREN:
      case RIGHT_PAREN:
      case LEFT_BRACKET:
      case RIGHT_BRACKET:
      case COMMA:
        return "'" + text + "'";
    }
    throw new AssertionError(kind);
  }

  boolean isKeyword(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }
}
