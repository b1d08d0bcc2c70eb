package io.harbormaster.scheduler.query;

/**
 * A malformed cluster query language expression. The API reports it as {@code
 * InvalidParameterException} with {@link #getMessage()}, which names what was expected and the
 * 0-based position where the problem starts.
 */
public final class QueryLanguageException extends IllegalArgumentException {

  private final String expression;
  private final int position;
  private final String detail;

  public QueryLanguageException(String expression, int position, String detail) {
    super(detail + " at position " + position + " of expression \"" + expression + "\"");
    this.expression = expression;
    this.position = position;
    this.detail = detail;
  }

  public String expression() {
    return expression;
  }

  /** 0-based index into {@link #expression()}; its length when the expression ended too early. */
  public int position() {
    return position;
  }

  /** The message without the position and expression. */
  public String detail() {
    return detail;
  }
}
