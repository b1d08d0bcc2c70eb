package io.harbormaster.events.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.harbormaster.events.stream.ResumePoint.Position;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResumePointTest {
  @Test
  void encodesEveryTagsOffsetAndSkipAndDecodesBack() {
    UUID a = Uuids.startOf(1_800_000_000_000L);
    UUID b = Uuids.timeBased();
    Map<String, Position> byTag = new LinkedHashMap<>();
    byTag.put("task-0", new Position(a, 0));
    byTag.put("task-1", new Position(b, 2));
    ResumePoint point = new ResumePoint(byTag);
    assertEquals("task-0=" + a + ",task-1=" + b + "+2", point.encode());
    assertEquals(point, ResumePoint.decode(point.encode()));
  }

  @Test
  void refusesWhatItDidNotWrite() {
    assertThrows(IllegalArgumentException.class, () -> ResumePoint.decode("nonsense"));
    assertThrows(
        IllegalArgumentException.class, () -> ResumePoint.decode("task-0=" + UUID.randomUUID()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ResumePoint.decode("task-0=" + Uuids.timeBased() + "+-1"));
  }
}
