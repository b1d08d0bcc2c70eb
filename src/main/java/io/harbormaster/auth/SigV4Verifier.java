package io.harbormaster.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.harbormaster.auth.VerificationResult.Verified;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 {@code Authorization} headers as the AWS CLIs and SDKs send
 * them.
 *
 * <p>The signature is recomputed over exactly the headers the client lists in {@code SignedHeaders}
 * (the clients disagree on which ones they sign), with header values as received. Thread-safe.
 */
public final class SigV4Verifier {
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  private static final String CONTENT_SHA256 = "x-amz-content-sha256";
  private static final String AMZ_DATE = "x-amz-date";
  private static final String MISMATCH =
      "The request signature we calculated does not match the signature you"
          + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  /** ISO-8601 basic format, as in X-Amz-Date and in AWS's own error messages. */
  private static final DateTimeFormatter BASIC_ISO =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private static final HexFormat HEX = HexFormat.of();

  private final Clock clock;
  private final Duration maxSkew;

  /**
   * @param maxSkew how far X-Amz-Date may be from the clock either way; AWS allows 15 minutes
   */
  public SigV4Verifier(Clock clock, Duration maxSkew) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    if (maxSkew.isNegative()) {
      throw new IllegalArgumentException("maxSkew must not be negative: " + maxSkew);
    }
  }

  public VerificationResult verify(SignedRequest request, SecretLookup secrets) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(secrets, "secrets");
    try {
      return check(request, secrets);
    } catch (Rejection rejection) {
      return rejection.result();
    }
  }

  /** Cheap structural checks first, the secret lookup and the HMACs last. */
  private Verified check(SignedRequest request, SecretLookup secrets) throws Rejection {
    HeaderMap headers = new HeaderMap(request.headers());
    // A blank header is as good as none; AWS answers both with the same error.
    String authorization =
        headers
            .single("authorization")
            .filter(v -> !v.isBlank())
            .orElseThrow(Rejection::missingToken);
    AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
    String amzDate =
        headers
            .single(AMZ_DATE)
            .map(String::strip)
            .orElseThrow(
                () ->
                    Rejection.incomplete(
                        "Authorization header requires existence of a 'X-Amz-Date' header. Authorization="
                            + authorization));
    Instant signedAt = parseAmzDate(amzDate);
    checkScopeDate(auth, amzDate);
    checkHostSigned(auth);
    checkSkew(signedAt, amzDate);
    String secret = secrets.secretFor(auth.accessKeyId()).orElseThrow(Rejection::unrecognized);
    String canonical =
        CanonicalRequest.build(request, auth, headers, payloadHash(request, auth, headers));
    checkSignature(auth, secret, stringToSign(amzDate, auth, canonical));
    return new Verified(auth.accessKeyId(), auth.region(), auth.service());
  }

  private static Instant parseAmzDate(String amzDate) throws Rejection {
    try {
      return LocalDateTime.parse(amzDate, BASIC_ISO).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw Rejection.incomplete(
          "Date must be in ISO-8601 'basic format'. Got '"
              + amzDate
              + "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
  }

  /**
   * The signing key is derived from the scope date, so it must be the day the request claims to be
   * from.
   */
  private static void checkScopeDate(AuthorizationHeader auth, String amzDate) throws Rejection {
    String day = amzDate.substring(0, 8);
    if (!auth.scopeDate().equals(day)) {
      throw Rejection.invalid(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '"
              + auth.scopeDate()
              + "' != '"
              + day
              + "', from '"
              + amzDate
              + "'.");
    }
  }

  /** Unsigned, the Host header could be rewritten to replay a request against another endpoint. */
  private static void checkHostSigned(AuthorizationHeader auth) throws Rejection {
    if (!auth.signs("host")) {
      throw Rejection.invalid(
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }

  /** Bounds how long a captured request can be replayed; wording as AWS's own skew errors. */
  private void checkSkew(Instant signedAt, String amzDate) throws Rejection {
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(maxSkew))) {
      throw Rejection.invalid(
          "Signature expired: "
              + amzDate
              + " is now earlier than "
              + format(now.minus(maxSkew))
              + " ("
              + format(now)
              + " - "
              + describe(maxSkew)
              + ")");
    }
    if (signedAt.isAfter(now.plus(maxSkew))) {
      throw Rejection.invalid(
          "Signature not yet current: "
              + amzDate
              + " is still later than "
              + format(now.plus(maxSkew))
              + " ("
              + format(now)
              + " + "
              + describe(maxSkew)
              + ")");
    }
  }

  private static String format(Instant instant) {
    return BASIC_ISO.format(instant.atOffset(ZoneOffset.UTC));
  }

  private static String describe(Duration skew) {
    return skew.toSecondsPart() == 0 ? skew.toMinutes() + " min." : skew.toSeconds() + " sec.";
  }

  /**
   * The CLIs don't send x-amz-content-sha256, so their payload hash is the body's. The SDKs sign
   * it: the canonical request then carries their claimed value verbatim, which must be the body's
   * hash unless it says UNSIGNED-PAYLOAD.
   */
  private static String payloadHash(
      SignedRequest request, AuthorizationHeader auth, HeaderMap headers) throws Rejection {
    String bodyHash = HEX.formatHex(sha256(request.body()));
    if (!auth.signs(CONTENT_SHA256) || !headers.contains(CONTENT_SHA256)) {
      return bodyHash;
    }
    String claimed = headers.single(CONTENT_SHA256).orElseThrow().strip();
    if (!claimed.equals(UNSIGNED_PAYLOAD) && !claimed.equalsIgnoreCase(bodyHash)) {
      throw Rejection.invalid(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    return claimed;
  }

  static String stringToSign(String amzDate, AuthorizationHeader auth, String canonicalRequest) {
    return AuthorizationHeader.ALGORITHM
        + "\n"
        + amzDate
        + "\n"
        + auth.credentialScope()
        + "\n"
        + HEX.formatHex(sha256(canonicalRequest.getBytes(UTF_8)));
  }

  /**
   * Constant-time comparison, so response timing does not reveal how much of a forged signature was
   * right.
   */
  private static void checkSignature(AuthorizationHeader auth, String secret, String stringToSign)
      throws Rejection {
    byte[] key = signingKey(secret, auth);
    byte[] expected = HEX.formatHex(hmac(key, stringToSign)).getBytes(US_ASCII);
    byte[] provided = auth.signature().toLowerCase(Locale.ROOT).getBytes(US_ASCII);
    if (!MessageDigest.isEqual(expected, provided)) {
      throw Rejection.invalid(MISMATCH);
    }
  }

  static byte[] signingKey(String secret, AuthorizationHeader auth) {
    byte[] key = hmac(("AWS4" + secret).getBytes(UTF_8), auth.scopeDate());
    key = hmac(key, auth.region());
    key = hmac(key, auth.service());
    return hmac(key, AuthorizationHeader.TERMINATOR);
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
