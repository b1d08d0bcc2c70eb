package io.harbormaster.events.stream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where a client of the stream is, as the SSE id of every event: for each tag, the offset of the
 * last journal event it has fully seen and how many events of the next one it has already received
 * ({@code skip}; zero unless one journal event published several). Written {@code
 * tag=uuid[+skip],...}; sent back as Last-Event-ID it resumes the stream exactly after that event,
 * with no gap and no repeat.
 */
public record ResumePoint(Map<String, Position> byTag) {

  public record Position(UUID after, int skip) {}

  public String encode() {
    StringBuilder out = new StringBuilder();
    byTag.forEach(
        (tag, p) -> {
          if (out.length() > 0) out.append(',');
          out.append(tag).append('=').append(p.after());
          if (p.skip() > 0) out.append('+').append(p.skip());
        });
    return out.toString();
  }

  /**
   * @throws IllegalArgumentException when the text is not a resume point
   */
  public static ResumePoint decode(String text) {
    Map<String, Position> byTag = new LinkedHashMap<>();
    for (String part : text.trim().split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("not a resume point: " + text);
      String value = part.substring(eq + 1);
      int plus = value.indexOf('+');
      UUID offset = UUID.fromString(plus < 0 ? value : value.substring(0, plus));
      if (offset.version() != 1)
        throw new IllegalArgumentException("not a time-based offset: " + value);
      int skip = plus < 0 ? 0 : Integer.parseInt(value.substring(plus + 1));
      if (skip < 0) throw new IllegalArgumentException("negative skip: " + value);
      byTag.put(part.substring(0, eq), new Position(offset, skip));
    }
    return new ResumePoint(byTag);
  }
}
