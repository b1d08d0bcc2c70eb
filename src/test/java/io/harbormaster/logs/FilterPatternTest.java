package io.harbormaster.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterPatternTest {

  @Test
  void empty_matchesEverything() {
    assertTrue(FilterPattern.parse(null).matches("anything"));
    assertTrue(FilterPattern.parse("").matches(""));
    assertTrue(FilterPattern.parse("   ").matches("x"));
  }

  @Test
  void term_matchesBySubstring_caseSensitive() {
    FilterPattern p = FilterPattern.parse("ERROR");
    assertTrue(p.matches("2024 ERROR disk full"));
    assertTrue(p.matches("xERRORx"));
    assertFalse(p.matches("error: disk full"));
  }

  @Test
  void severalTerms_allMustOccur_inAnyOrder() {
    FilterPattern p = FilterPattern.parse("ERROR disk");
    assertTrue(p.matches("disk: ERROR"));
    assertFalse(p.matches("ERROR memory"));
  }

  @Test
  void quotedPhrase_mustOccurAsItIs() {
    FilterPattern p = FilterPattern.parse("\"connection refused\" ERROR");
    assertEquals(List.of("connection refused", "ERROR"), p.required());
    assertTrue(p.matches("ERROR: connection refused by 127.0.0.1"));
    assertFalse(p.matches("ERROR: refused connection"));
  }

  @Test
  void quotedPhrase_withEscapedQuote() {
    FilterPattern p = FilterPattern.parse("\"say \\\"hi\\\"\"");
    assertTrue(p.matches("they say \"hi\" here"));
    assertFalse(p.matches("they say hi here"));
  }

  @Test
  void questionMarkTerms_oneOfThemMustOccur() {
    FilterPattern p = FilterPattern.parse("?ERROR ?WARN");
    assertTrue(p.matches("WARN low disk"));
    assertTrue(p.matches("ERROR disk full"));
    assertFalse(p.matches("INFO all good"));
  }

  @Test
  void minusTerms_mustNotOccur() {
    FilterPattern p = FilterPattern.parse("ERROR -\"retrying\"");
    assertTrue(p.matches("ERROR disk full"));
    assertFalse(p.matches("ERROR disk full, retrying"));
  }

  @Test
  void numberedLines() {
    FilterPattern p = FilterPattern.parse("\"line 500\"");
    assertTrue(p.matches("line 500"));
    assertTrue(p.matches("line 5000"), "a phrase is a substring, as in CloudWatch");
    assertFalse(p.matches("line 499"));
  }

  @Test
  void malformed_isInvalidParameter() {
    for (String bad : List.of("\"unclosed", "ERROR \"\"", "? ERROR", "ERROR -", "a\"b\"")) {
      LogsException e = assertThrows(LogsException.class, () -> FilterPattern.parse(bad), bad);
      assertEquals(LogsError.INVALID_PARAMETER, e.error(), bad);
    }
  }

  @Test
  void jsonAndSpaceDelimitedPatterns_areRefusedAsUnsupported() {
    for (String unsupported : List.of("{ $.level = \"ERROR\" }", "[ip, user, status=404]")) {
      LogsException e =
          assertThrows(LogsException.class, () -> FilterPattern.parse(unsupported), unsupported);
      assertEquals(LogsError.INVALID_PARAMETER, e.error());
    }
  }
}
