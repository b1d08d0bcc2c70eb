package io.harbormaster.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request as received: header names in any case, values as received, the raw body.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path exactly as on the wire, still percent-encoded (no query)
 * @param rawQuery the query string as on the wire without the leading {@code ?}; empty or null if
 *     none
 * @param headers every header in arrival order, repeated names allowed
 * @param body the raw body bytes (not copied: callers must not mutate it while verifying)
 */
public record SignedRequest(
    String method,
    String path,
    String rawQuery,
    List<Map.Entry<String, String>> headers,
    byte[] body) {

  public SignedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headers, "headers");
    rawQuery = rawQuery == null ? "" : rawQuery;
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }
}
