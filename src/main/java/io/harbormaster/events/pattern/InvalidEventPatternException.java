package io.harbormaster.events.pattern;

/**
 * An event pattern EventBridge would refuse. EventBridge answers PutRule and TestEventPattern with
 * an error of this name, so an API layer can map it one to one; the message names the place in the
 * pattern at fault.
 */
public final class InvalidEventPatternException extends IllegalArgumentException {

  private final String path;
  private final String reason;

  InvalidEventPatternException(String path, String reason) {
    super(
        "Event pattern is not valid at "
            + (path.isEmpty() ? "the top level" : path)
            + ": "
            + reason);
    this.path = path;
    this.reason = reason;
  }

  /**
   * Where in the pattern, e.g. {@code detail.state[0].anything-but}; empty for the pattern as a
   * whole.
   */
  public String path() {
    return path;
  }

  /** What is wrong there, without the path. */
  public String reason() {
    return reason;
  }
}
