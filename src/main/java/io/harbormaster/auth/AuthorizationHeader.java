package io.harbormaster.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of {@code Authorization: AWS4-HMAC-SHA256
 * Credential=AKID/yyyymmdd/region/service/aws4_request, SignedHeaders=a;b;c, Signature=hex}.
 *
 * @param signedHeadersText the SignedHeaders value verbatim: it goes into the canonical request as
 *     the client wrote it
 */
record AuthorizationHeader(
    String accessKeyId,
    String scopeDate,
    String region,
    String service,
    String signedHeadersText,
    List<String> signedHeaders,
    String signature) {

  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final String TERMINATOR = "aws4_request";

  /** Parses the header value; rejects with AWS-like IncompleteSignatureException messages. */
  static AuthorizationHeader parse(String value) throws Rejection {
    String trimmed = value.strip();
    int space = trimmed.indexOf(' ');
    String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
    if (!ALGORITHM.equals(algorithm)) {
      throw Rejection.incomplete(
          "Unsupported AWS 'algorithm': '"
              + algorithm
              + "'. Only "
              + ALGORITHM
              + " is supported. Authorization="
              + value);
    }
    Map<String, String> params = parameters(space < 0 ? "" : trimmed.substring(space + 1), value);
    requireAll(params, value);
    return fromParameters(params, value);
  }

  /**
   * Comma-separated key=value pairs; the SDKs put ", " between them, some proxies drop the space.
   */
  private static Map<String, String> parameters(String text, String value) throws Rejection {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      String p = pair.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw Rejection.incomplete(
            "'"
                + p
                + "' not a valid key=value pair (missing equal-sign) in Authorization"
                + " header: '"
                + value
                + "'.");
      }
      if (params.putIfAbsent(p.substring(0, eq), p.substring(eq + 1)) != null) {
        throw Rejection.incomplete(
            "Authorization header has a repeated '"
                + p.substring(0, eq)
                + "' parameter."
                + " Authorization="
                + value);
      }
    }
    return params;
  }

  /**
   * Lists every missing parameter in one message, as AWS does, so a client author fixes them all at
   * once.
   */
  private static void requireAll(Map<String, String> params, String value) throws Rejection {
    List<String> missing = new ArrayList<>();
    for (String name : List.of("Credential", "Signature", "SignedHeaders")) {
      if (params.getOrDefault(name, "").isEmpty()) {
        missing.add("Authorization header requires '" + name + "' parameter.");
      }
    }
    if (!missing.isEmpty()) {
      throw Rejection.incomplete(String.join(" ", missing) + " Authorization=" + value);
    }
  }

  private static AuthorizationHeader fromParameters(Map<String, String> params, String value)
      throws Rejection {
    String credential = params.get("Credential");
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || List.of(scope).contains("")) {
      throw Rejection.incomplete(
          "Credential must have exactly 5 slash-delimited elements, e.g. "
              + "keyid/date/region/service/term, got '"
              + credential
              + "'");
    }
    if (!TERMINATOR.equals(scope[4])) {
      throw Rejection.incomplete(
          "Credential should be scoped with a valid terminator: '"
              + TERMINATOR
              + "', not '"
              + scope[4]
              + "'.");
    }
    String signedHeadersText = params.get("SignedHeaders");
    List<String> signedHeaders = List.of(signedHeadersText.split(";", -1));
    if (signedHeaders.contains("")) {
      throw Rejection.incomplete(
          "SignedHeaders has an empty header name: '"
              + signedHeadersText
              + "'. Authorization="
              + value);
    }
    return new AuthorizationHeader(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        signedHeadersText,
        signedHeaders,
        params.get("Signature"));
  }

  String credentialScope() {
    return scopeDate + "/" + region + "/" + service + "/" + TERMINATOR;
  }

  boolean signs(String headerName) {
    return signedHeaders.stream().anyMatch(h -> h.equalsIgnoreCase(headerName));
  }
}
