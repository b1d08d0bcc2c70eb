package io.harbormaster.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs a JSON request the way the AWS CLI does (content-type;host;x-amz-date;x-amz-target), for
 * Harbormaster's own command-line clients. The verifier's canonical request is the one definition
 * both sides use.
 */
public final class SigV4Signer {
  private static final DateTimeFormatter BASIC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SigV4Signer() {}

  /** The headers to send: the given ones plus X-Amz-Date and Authorization, for a POST to "/". */
  public static Map<String, String> sign(
      String host,
      Map<String, String> headers,
      byte[] body,
      String accessKeyId,
      String secret,
      String region,
      String service,
      Instant now) {
    return sign("POST", "/", "", host, headers, body, accessKeyId, secret, region, service, now);
  }

  public static Map<String, String> sign(
      String method,
      String path,
      String rawQuery,
      String host,
      Map<String, String> headers,
      byte[] body,
      String accessKeyId,
      String secret,
      String region,
      String service,
      Instant now) {
    String amzDate = BASIC.format(now);
    Map<String, String> out = new LinkedHashMap<>(headers);
    out.put("Host", host);
    out.put("X-Amz-Date", amzDate);
    String signedHeaders =
        out.keySet().stream()
            .map(String::toLowerCase)
            .sorted()
            .reduce((a, b) -> a + ";" + b)
            .orElseThrow();
    String scope =
        amzDate.substring(0, 8)
            + "/"
            + region
            + "/"
            + service
            + "/"
            + AuthorizationHeader.TERMINATOR;
    String placeholder =
        AuthorizationHeader.ALGORITHM
            + " Credential="
            + accessKeyId
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + "0".repeat(64);
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    out.forEach((k, v) -> entries.add(new AbstractMap.SimpleImmutableEntry<>(k, v)));
    try {
      AuthorizationHeader auth = AuthorizationHeader.parse(placeholder);
      SignedRequest request = new SignedRequest(method, path, rawQuery, entries, body);
      String canonical =
          CanonicalRequest.build(
              request,
              auth,
              new HeaderMap(entries),
              HexFormat.of().formatHex(SigV4Verifier.sha256(body)));
      String signature =
          HexFormat.of()
              .formatHex(
                  SigV4Verifier.hmac(
                      SigV4Verifier.signingKey(secret, auth),
                      SigV4Verifier.stringToSign(amzDate, auth, canonical)));
      out.put("Authorization", placeholder.replace("0".repeat(64), signature));
      out.remove("Host");
      return out;
    } catch (Rejection e) {
      throw new IllegalStateException("could not sign: " + e.result(), e);
    }
  }
}
