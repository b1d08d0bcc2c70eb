package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.EcsException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pagination for the List* operations: {@code nextToken} values and {@code maxResults}.
 *
 * <p>A token carries a cursor chosen by the handler (for example the last name returned) and an
 * HMAC-SHA256 over the account id and the cursor. Clients cannot forge or alter one, and a token
 * issued to one account is worthless to another, so tokens are safe to hand across tenants. The
 * cursor itself is readable once base64-decoded: put nothing in it the account may not see. If a
 * cursor could be misread by another operation, put the operation's name into it.
 *
 * <p>Token layout, base64url without padding: {@code version(1) | cursor (UTF-8) | hmac(32)}.
 */
public final class EcsPaging {

  private static final byte VERSION = 1;
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAC_LENGTH = 32;
  private static final int MIN_KEY_LENGTH = 16;

  /** Longer tokens are rejected before any work is spent on them. */
  private static final int MAX_TOKEN_CHARS = 8192;

  private final SecretKeySpec key;

  /**
   * @param key the HMAC key, at least 16 bytes; every node of a cluster must use the same key
   */
  public EcsPaging(byte[] key) {
    if (key == null || key.length < MIN_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "the nextToken key must have at least " + MIN_KEY_LENGTH + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  public String encode(String accountId, String cursor) {
    byte[] cursorBytes = cursor.getBytes(StandardCharsets.UTF_8);
    byte[] mac = mac(accountId, cursorBytes);
    ByteBuffer token = ByteBuffer.allocate(1 + cursorBytes.length + MAC_LENGTH);
    token.put(VERSION).put(cursorBytes).put(mac);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
  }

  /** The cursor, or empty if the token is malformed, altered, or was issued to another account. */
  public Optional<String> decode(String accountId, String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    if (bytes.length < 1 + MAC_LENGTH || bytes[0] != VERSION) {
      return Optional.empty();
    }
    byte[] cursorBytes = Arrays.copyOfRange(bytes, 1, bytes.length - MAC_LENGTH);
    byte[] mac = Arrays.copyOfRange(bytes, bytes.length - MAC_LENGTH, bytes.length);
    // Constant-time comparison, so response timing does not leak how much of a forged MAC matched.
    if (!MessageDigest.isEqual(mac, mac(accountId, cursorBytes))) {
      return Optional.empty();
    }
    return Optional.of(new String(cursorBytes, StandardCharsets.UTF_8));
  }

  /**
   * The cursor from the request's {@code nextToken}, or empty on a first page.
   *
   * @throws EcsException InvalidParameterException "Invalid nextToken" if the token does not verify
   */
  public Optional<String> cursor(String accountId, JsonNode input) {
    JsonNode token = input == null ? null : input.get("nextToken");
    if (token == null || token.isNull()) {
      return Optional.empty();
    }
    if (!token.isTextual()) {
      throw EcsException.invalidParameter("Invalid nextToken");
    }
    return Optional.of(
        decode(accountId, token.textValue())
            .orElseThrow(() -> EcsException.invalidParameter("Invalid nextToken")));
  }

  /**
   * The page size the request asks for: {@code maxResults}, or {@code defaultMax} when absent.
   *
   * @throws EcsException InvalidParameterException unless 1 &lt;= maxResults &lt;= limit
   */
  public static int maxResults(JsonNode input, int defaultMax, int limit) {
    JsonNode value = input == null ? null : input.get("maxResults");
    if (value == null || value.isNull()) {
      return defaultMax;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.intValue() < 1
        || value.intValue() > limit) {
      throw EcsException.invalidParameter(
          "maxResults must be an integer between 1 and "
              + limit
              + ", got "
              + EcsApiModel.describe(value));
    }
    return value.intValue();
  }

  private byte[] mac(String accountId, byte[] cursor) {
    byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
    try {
      // Mac instances are not thread-safe; one per call is cheap next to a request.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(VERSION);
      // Length-prefix the account so (account, cursor) pairs cannot collide by shifting bytes.
      mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(account.length).array());
      mac.update(account);
      mac.update(cursor);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
