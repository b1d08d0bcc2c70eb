package io.harbormaster.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.auth.SignedRequest;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestAuthenticatorTest {
  private static SignedRequest withContentType(String contentType) {
    List<Map.Entry<String, String>> headers =
        List.of(
            new AbstractMap.SimpleImmutableEntry<>("Host", "127.0.0.1"),
            new AbstractMap.SimpleImmutableEntry<>("Content-Type", contentType));
    return new SignedRequest("POST", "/", "", headers, new byte[0]);
  }

  @Test
  void theQueryProtocolsCharsetIsTriedAsTheClientsSignIt() {
    var lower =
        RequestAuthenticator.withLowerCaseCharset(
            withContentType("application/x-www-form-urlencoded; charset=UTF-8"));
    assertEquals(
        "application/x-www-form-urlencoded; charset=utf-8",
        lower.orElseThrow().headers().get(1).getValue());
    assertEquals(
        "application/x-www-form-urlencoded; charset=utf-8",
        RequestAuthenticator.withLowerCaseCharset(
                withContentType("application/x-www-form-urlencoded"))
            .orElseThrow()
            .headers()
            .get(1)
            .getValue());
    assertEquals(
        Optional.empty(),
        RequestAuthenticator.withLowerCaseCharset(withContentType("application/x-amz-json-1.1")));
    assertEquals(
        Optional.empty(),
        RequestAuthenticator.withLowerCaseCharset(
            withContentType("application/x-www-form-urlencoded; charset=utf-8")));
  }
}
