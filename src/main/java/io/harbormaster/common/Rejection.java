package io.harbormaster.common;

import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;

/**
 * An entity's refusal of a command: a typed ECS error. On the way to the asker it travels in {@link
 * StatusReply#error(String)} as "Code: message", because Pekko serializes that form across nodes
 * without registering exception types; {@link #of} reads it back, typed.
 */
public record Rejection(ErrorType type, String message) {

  public static <T> StatusReply<T> reply(ErrorType type, String message) {
    return StatusReply.error(type.code() + ": " + message);
  }

  /** The rejection inside a failed ask, if the failure was one; timeouts and crashes are not. */
  public static Optional<Rejection> of(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof StatusReply.ErrorMessage)) {
      t = t.getCause();
    }
    if (t == null) return Optional.empty();
    String text = t.getMessage();
    int colon = text.indexOf(": ");
    if (colon <= 0 || text.substring(0, colon).contains(" ")) return Optional.empty();
    String message = text.substring(colon + 2);
    return ErrorType.ofCode(text.substring(0, colon)).map(type -> new Rejection(type, message));
  }
}
