package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.common.EcsException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EcsPagingTest {

  private static final String ACCOUNT = "123456789012";
  private static final String OTHER_ACCOUNT = "210987654321";

  private final EcsPaging paging =
      new EcsPaging("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @Test
  void roundTrip() {
    for (String cursor :
        new String[] {"", "web", "cluster/prod:service/api", "ünïcødé 🚀", "x".repeat(2000)}) {
      String token = paging.encode(ACCOUNT, cursor);
      assertTrue(token.matches("[A-Za-z0-9_-]+"), "base64url without padding: " + token);
      assertEquals(Optional.of(cursor), paging.decode(ACCOUNT, token));
    }
  }

  @Test
  void tamperedTokenIsRejected() {
    String token = paging.encode(ACCOUNT, "service-0042");
    byte[] bytes = Base64.getUrlDecoder().decode(token);
    for (int i = 0; i < bytes.length; i++) {
      byte[] tampered = bytes.clone();
      tampered[i] ^= 0x01;
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
      assertEquals(Optional.empty(), paging.decode(ACCOUNT, forged), "flipped byte " + i);
    }
    // Another cursor carrying this token's MAC does not verify either.
    byte[] other = Base64.getUrlDecoder().decode(paging.encode(ACCOUNT, "service-0043"));
    System.arraycopy(bytes, bytes.length - 32, other, other.length - 32, 32);
    assertEquals(
        Optional.empty(),
        paging.decode(ACCOUNT, Base64.getUrlEncoder().withoutPadding().encodeToString(other)));
  }

  @Test
  void garbageIsRejected() {
    for (String token : new String[] {"", "!!!", "AQ", "not a token", "a".repeat(10_000)}) {
      assertEquals(Optional.empty(), paging.decode(ACCOUNT, token), token);
    }
    assertEquals(Optional.empty(), paging.decode(ACCOUNT, null));
  }

  @Test
  void tokenFromAnotherAccountIsRejected() {
    String token = paging.encode(ACCOUNT, "cursor");
    assertEquals(Optional.empty(), paging.decode(OTHER_ACCOUNT, token));
    assertNotEquals(token, paging.encode(OTHER_ACCOUNT, "cursor"));
  }

  @Test
  void tokenUnderAnotherKeyIsRejected() {
    String token = paging.encode(ACCOUNT, "cursor");
    EcsPaging otherKey =
        new EcsPaging("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), otherKey.decode(ACCOUNT, token));
  }

  @Test
  void shortKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EcsPaging(new byte[15]));
    assertThrows(IllegalArgumentException.class, () -> new EcsPaging(null));
  }

  @Test
  void cursorFromRequest() {
    assertEquals(Optional.empty(), paging.cursor(ACCOUNT, json("{}")));
    assertEquals(Optional.empty(), paging.cursor(ACCOUNT, json("{\"nextToken\": null}")));
    String token = paging.encode(ACCOUNT, "page-2");
    assertEquals(
        Optional.of("page-2"), paging.cursor(ACCOUNT, json("{\"nextToken\": \"" + token + "\"}")));

    EcsException e =
        assertThrows(
            EcsException.class,
            () -> paging.cursor(OTHER_ACCOUNT, json("{\"nextToken\": \"" + token + "\"}")));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals("Invalid nextToken", e.getMessage());
  }

  @Test
  void maxResults() {
    assertEquals(100, EcsPaging.maxResults(json("{}"), 100, 100));
    assertEquals(100, EcsPaging.maxResults(json("{\"maxResults\": null}"), 100, 100));
    assertEquals(1, EcsPaging.maxResults(json("{\"maxResults\": 1}"), 100, 100));
    assertEquals(100, EcsPaging.maxResults(json("{\"maxResults\": 100}"), 10, 100));
    for (String bad : new String[] {"0", "-1", "101", "\"5\"", "2.5", "99999999999"}) {
      EcsException e =
          assertThrows(
              EcsException.class,
              () -> EcsPaging.maxResults(json("{\"maxResults\": " + bad + "}"), 100, 100),
              bad);
      assertEquals("InvalidParameterException", e.errorType());
      assertTrue(
          e.getMessage().startsWith("maxResults must be an integer between 1 and 100, got "),
          e.getMessage());
    }
  }

  @Test
  void tokensDoNotRevealTheAccount() {
    String token = paging.encode(ACCOUNT, "c");
    assertFalse(
        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1)
            .contains(ACCOUNT));
  }
}
