package io.harbormaster.scheduler.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Parses ECS's cluster query language, as the Amazon ECS Developer Guide defines it:
 *
 * <pre>
 * query      = or END
 * or         = and { ("or" | "||") and }
 * and        = unary { ("and" | "&amp;&amp;") unary }
 * unary      = ("not" | "!") unary | primary
 * primary    = "(" or ")" | comparison
 * comparison = subject operator [argument]
 * argument   = value | "[" value { "," value } "]"      (a list for in and !in only)
 * value      = bare word | 'single quoted' | "double quoted"
 * </pre>
 *
 * <p>so {@code not} binds tighter than {@code and}, and {@code and} tighter than {@code or}.
 * Subjects: {@code agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt,
 * runningTasksCount, task:group}. Operators, as symbol or word: {@code == equals, != not_equals, >
 * greater_than, >= greater_than_equal, < less_than, <= less_than_equal, exists, !exists not_exists,
 * in, !in not_in, =~ matches, !~ not_matches}. Keywords and operator words ignore case; subjects do
 * not.
 *
 * <p>{@code ==} is plain string equality: {@code attribute:ecs.instance-type == t2.*} selects only
 * an instance type literally named "t2.*". Wildcards are written as regular expressions: {@code =~
 * t2.*}.
 */
public final class ClusterQueryLanguage {

  /** The API's limit on a placement constraint expression. */
  public static final int MAX_LENGTH = 2000;

  private final String source;
  private final List<Token> tokens;
  private int next;

  private ClusterQueryLanguage(String source, List<Token> tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  /**
   * @throws QueryLanguageException when the expression is empty, too long or malformed; its message
   *     says what was expected and where
   */
  public static ClusterQuery parse(String expression) {
    String source = expression == null ? "" : expression;
    if (source.length() > MAX_LENGTH) {
      throw new QueryLanguageException(
          source, MAX_LENGTH, "the expression is longer than " + MAX_LENGTH + " characters");
    }
    if (source.isBlank()) throw new QueryLanguageException(source, 0, "the expression is empty");
    ClusterQueryLanguage parser = new ClusterQueryLanguage(source, Lexer.tokens(source));
    Expression root = parser.or();
    Token end = parser.peek();
    if (end.kind() != Token.Kind.END) {
      throw parser.error(
          end, "expected 'and', 'or' or the end of the expression but found " + end.describe());
    }
    return new ClusterQuery(source, root);
  }

  private Expression or() {
    Expression left = and();
    while (peek().kind() == Token.Kind.OR || peek().isKeyword("or")) {
      advance();
      left = new Expression.Or(left, and());
    }
    return left;
  }

  private Expression and() {
    Expression left = unary();
    while (peek().kind() == Token.Kind.AND || peek().isKeyword("and")) {
      advance();
      left = new Expression.And(left, unary());
    }
    return left;
  }

  private Expression unary() {
    if (peek().kind() == Token.Kind.BANG || peek().isKeyword("not")) {
      advance();
      return new Expression.Not(unary());
    }
    return primary();
  }

  private Expression primary() {
    Token token = advance();
    if (token.kind() == Token.Kind.LEFT_PAREN) {
      Expression inner = or();
      Token close = advance();
      if (close.kind() != Token.Kind.RIGHT_PAREN) {
        throw error(
            close,
            "expected ')' to close the '(' at position "
                + token.position()
                + " but found "
                + close.describe());
      }
      return inner;
    }
    if (token.kind() != Token.Kind.WORD) {
      throw error(token, "expected a subject, 'not' or '(' but found " + token.describe());
    }
    return comparison(token);
  }

  private Expression comparison(Token subjectToken) {
    Subject subject =
        Subject.parse(subjectToken.text())
            .orElseThrow(
                () ->
                    error(
                        subjectToken,
                        "unknown subject '"
                            + subjectToken.text()
                            + "'; subjects are "
                            + Subject.KNOWN));
    subject
        .nameProblem()
        .ifPresent(
            problem -> {
              throw error(subjectToken, problem);
            });

    Token operatorToken = advance();
    Operator operator =
        operator(operatorToken)
            .orElseThrow(
                () ->
                    error(
                        operatorToken,
                        "expected an operator after '"
                            + subject
                            + "' but found "
                            + operatorToken.describe()));
    if (!subject.operators().contains(operator)) {
      throw error(
          operatorToken,
          "operator '"
              + operatorToken.text()
              + "' cannot be used with "
              + subject
              + "; use one of "
              + subject.operators().stream()
                  .map(Operator::symbol)
                  .collect(Collectors.joining(", ")));
    }

    List<Token> arguments = arguments(operator, operatorToken);
    for (Token argument : arguments) {
      subject
          .argumentProblem(operator, argument.text())
          .ifPresent(
              problem -> {
                throw error(argument, problem);
              });
    }
    Optional<Pattern> pattern = Optional.empty();
    if (operator == Operator.MATCHES || operator == Operator.NOT_MATCHES) {
      pattern = Optional.of(compile(arguments.get(0)));
    }
    return new Expression.Comparison(
        subject, operator, arguments.stream().map(Token::text).toList(), pattern);
  }

  private static Optional<Operator> operator(Token token) {
    switch (token.kind()) {
      case OPERATOR:
        return Operator.bySymbol(token.text());
      case WORD:
        return Operator.byWord(token.text());
      case QUOTED:
      case BANG:
      case AND:
      case OR:
      case LEFT_PAREN:
      case RIGHT_PAREN:
      case LEFT_BRACKET:
      case RIGHT_BRACKET:
      case COMMA:
      case END:
        return Optional.empty();
    }
    throw new AssertionError(token.kind());
  }

  private List<Token> arguments(Operator operator, Token operatorToken) {
    switch (operator.arity()) {
      case NONE:
        return List.of();
      case ONE:
        return List.of(value("after '" + operatorToken.text() + "'"));
      case LIST:
        return list(operatorToken);
    }
    throw new AssertionError(operator.arity());
  }

  /** {@code [a, b, …]}: ECS's argument list for in and !in. */
  private List<Token> list(Token operatorToken) {
    Token open = advance();
    if (open.kind() != Token.Kind.LEFT_BRACKET) {
      throw error(
          open,
          "expected '[' to start the argument list of '"
              + operatorToken.text()
              + "', as in [value1, value2], but found "
              + open.describe());
    }
    List<Token> values = new ArrayList<>();
    values.add(value("in the argument list"));
    while (true) {
      Token token = advance();
      if (token.kind() == Token.Kind.RIGHT_BRACKET) return values;
      if (token.kind() != Token.Kind.COMMA) {
        throw error(
            token, "expected ',' or ']' in the argument list but found " + token.describe());
      }
      values.add(value("after ','"));
    }
  }

  private Token value(String where) {
    Token token = advance();
    if (token.kind() != Token.Kind.WORD && token.kind() != Token.Kind.QUOTED) {
      throw error(token, "expected a value " + where + " but found " + token.describe());
    }
    return token;
  }

  private Pattern compile(Token argument) {
    try {
      return Pattern.compile(argument.text());
    } catch (PatternSyntaxException e) {
      throw error(
          argument, "invalid regular expression '" + argument.text() + "': " + e.getDescription());
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  /** The next token; END repeats forever so the parser never runs off the list. */
  private Token advance() {
    Token token = tokens.get(next);
    if (token.kind() != Token.Kind.END) next++;
    return token;
  }

  private QueryLanguageException error(Token at, String detail) {
    return new QueryLanguageException(source, at.position(), detail);
  }
}
