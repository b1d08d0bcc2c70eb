package io.harbormaster.common;

import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;

/**
 * An entity's refusal of a command, carried in {@link StatusReply#error(String)} as "Type: message" so it
 * crosses nodes as a plain string; the API turns it back into the ECS error of that type.
 */
public record Rejection(String errorType, String message) {

  public static <T> StatusReply<T> reply(String errorType, String message) {
    return StatusReply.error(errorType + ": " + message);
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
    return Optional.of(new Rejection(text.substring(0, colon), text.substring(colon + 2)));
  }
}
