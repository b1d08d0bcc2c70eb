package io.harbormaster.loadbalancing;

import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;

/**
 * A refusal in ELBv2's terms. Entities send it as {@link StatusReply#error(String)} "Code: message"
 * (serializable across nodes without registering exception types, as ECS's {@code Rejection});
 * {@link #of} reads it back from a failed ask.
 */
public final class ElbRejection extends RuntimeException {
  private final ElbError error;

  public ElbRejection(ElbError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public ElbError error() {
    return error;
  }

  public static <T> StatusReply<T> reply(ElbError error, String message) {
    return StatusReply.error(error.code() + ": " + message);
  }

  /** The refusal inside a failed ask or thrown on the way, if the failure was one. */
  public static Optional<ElbRejection> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ElbRejection r) return Optional.of(r);
      if (t instanceof StatusReply.ErrorMessage) {
        String text = t.getMessage();
        int colon = text.indexOf(": ");
        if (colon <= 0) return Optional.empty();
        String message = text.substring(colon + 2);
        return ElbError.ofCode(text.substring(0, colon)).map(e -> new ElbRejection(e, message));
      }
    }
    return Optional.empty();
  }
}
