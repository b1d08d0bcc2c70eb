package io.harbormaster.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.logs.LogTokens.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTokensTest {

  @Test
  void streamTokens_lookLikeCloudWatchs_andRoundTrip() {
    EventPosition p = new EventPosition(1_700_000_000_123_456_789L, 2);
    String forward = LogTokens.forward(p).encode();
    String backward = LogTokens.backward(p).encode();
    assertTrue(forward.matches("f/\\d{30}"), forward);
    assertTrue(backward.matches("b/\\d{30}"), backward);
    assertEquals(LogTokens.forward(p), LogTokens.decodeStreamToken(forward));
    assertEquals(Direction.BACKWARD, LogTokens.decodeStreamToken(backward).direction());
    assertEquals(p, LogTokens.decodeStreamToken(backward).position());
  }

  @Test
  void streamToken_beforeATimestampsFirstEvent() {
    EventPosition before = EventPosition.beforeMillis(0);
    assertEquals("f/" + "0".repeat(30), LogTokens.forward(before).encode());
    assertEquals(
        before, LogTokens.decodeStreamToken(LogTokens.forward(before).encode()).position());
  }

  @Test
  void streamTokens_orderAsTheirPositions() {
    EventPosition a = new EventPosition(5, 9);
    EventPosition b = new EventPosition(6, 0);
    assertTrue(a.compareTo(b) < 0);
    assertTrue(LogTokens.forward(a).encode().compareTo(LogTokens.forward(b).encode()) < 0);
  }

  @Test
  void malformedStreamTokens_areInvalidParameter() {
    for (String bad :
        List.of("", "f/", "x/" + "0".repeat(30), "f/" + "0".repeat(29) + "a", "f/123", "b/-1")) {
      LogsException e =
          assertThrows(LogsException.class, () -> LogTokens.decodeStreamToken(bad), bad);
      assertEquals(LogsError.INVALID_PARAMETER, e.error());
    }
  }

  @Test
  void nameTokens_roundTrip() {
    assertEquals("/ecs/web:x", LogTokens.decodeAfterName(LogTokens.afterName("/ecs/web:x")));
  }

  @Test
  void filterTokens_roundTrip_withColonsInTheStreamName() {
    LogTokens.FilterToken t =
        new LogTokens.FilterToken(new EventPosition(42, 3), "web/app/abc:def");
    assertEquals(t, LogTokens.decodeFilterToken(t.encode()));
  }

  @Test
  void tokensOfOneKind_areRefusedAsAnother() {
    String name = LogTokens.afterName("g");
    String filter = new LogTokens.FilterToken(new EventPosition(1, 0), "s").encode();
    assertThrows(LogsException.class, () -> LogTokens.decodeFilterToken(name));
    assertThrows(LogsException.class, () -> LogTokens.decodeAfterName(filter));
    assertThrows(LogsException.class, () -> LogTokens.decodeAfterName("%%%"));
  }

  @Test
  void eventIds_areDigits_andDifferByStream() {
    EventPosition p = new EventPosition(1_700_000_000_000_000_000L, 0);
    var a = new LogStore.LogEvent("a", p, "m", null);
    var b = new LogStore.LogEvent("b", p, "m", null);
    assertTrue(a.eventId().matches("\\d{40}"), a.eventId());
    assertTrue(!a.eventId().equals(b.eventId()));
    assertEquals(1_700_000_000_000L, a.timestamp());
  }
}
