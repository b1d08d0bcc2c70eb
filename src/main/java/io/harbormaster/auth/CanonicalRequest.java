package io.harbormaster.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The SigV4 canonical request, rebuilt from what the server received. */
final class CanonicalRequest {
  private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");
  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

  private CanonicalRequest() {}

  /**
   * Fails if a signed header is absent: the client cannot have signed a header the server never
   * got.
   */
  static String build(
      SignedRequest request, AuthorizationHeader auth, HeaderMap headers, String payloadHash)
      throws Rejection {
    return request.method()
        + "\n"
        + canonicalUri(request.path())
        + "\n"
        + canonicalQuery(request.rawQuery())
        + "\n"
        + canonicalHeaders(auth.signedHeaders(), headers)
        + "\n"
        + auth.signedHeadersText()
        + "\n"
        + payloadHash;
  }

  /**
   * For every service but S3 the clients normalize the path and encode it a second time on top of
   * the wire encoding, so encoding the wire path once more reproduces theirs: {@code /a%20b}
   * becomes {@code /a%2520b}.
   */
  static String canonicalUri(String rawPath) {
    return uriEncode(normalizePath(rawPath).getBytes(UTF_8), true);
  }

  /**
   * Drops empty and "." segments and resolves "..", keeping a trailing slash, as the SDKs' signers
   * do.
   */
  static String normalizePath(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    String joined = "/" + String.join("/", segments);
    return !segments.isEmpty() && path.endsWith("/") ? joined + "/" : joined;
  }

  /**
   * Decode then re-encode each name and value, so equivalent wire spellings ({@code %7E} and {@code
   * ~}) agree, then sort by encoded name and value. A '+' is taken literally: SigV4 clients send
   * spaces as %20.
   */
  static String canonicalQuery(String rawQuery) {
    List<String[]> pairs = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      pairs.add(
          new String[] {
            uriEncode(percentDecode(name), false), uriEncode(percentDecode(value), false)
          });
    }
    pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
  }

  /** One "name:value\n" line per signed header, in the client's order (which the SDKs sort). */
  static String canonicalHeaders(List<String> signedHeaders, HeaderMap headers) throws Rejection {
    StringBuilder out = new StringBuilder();
    for (String name : signedHeaders) {
      List<String> values = headers.all(name);
      if (values.isEmpty()) {
        throw Rejection.invalid(
            "The request is missing the signed header '" + HeaderMap.lower(name) + "'.");
      }
      out.append(HeaderMap.lower(name)).append(':').append(canonicalValue(values)).append('\n');
    }
    return out.toString();
  }

  /** Repeated headers join with commas; each value trimmed with inner whitespace runs collapsed. */
  static String canonicalValue(List<String> values) {
    return values.stream()
        .map(v -> WHITESPACE_RUN.matcher(v).replaceAll(" ").strip())
        .collect(Collectors.joining(","));
  }

  /**
   * RFC 3986 encoding as SigV4 defines it: only A-Z a-z 0-9 - _ . ~ stay, hex digits upper-case.
   */
  static String uriEncode(byte[] bytes, boolean keepSlash) {
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      char c = (char) (b & 0xFF);
      if (isUnreserved(c) || (keepSlash && c == '/')) {
        out.append(c);
      } else {
        out.append('%').append(HEX_UPPER[(b >> 4) & 0xF]).append(HEX_UPPER[b & 0xF]);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~';
  }

  /**
   * Percent-decodes to bytes (not a String) so malformed UTF-8 survives unchanged; bad escapes stay
   * literal.
   */
  static byte[] percentDecode(String text) {
    byte[] in = text.getBytes(UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
      int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
      if (in[i] == '%' && hi >= 0 && lo >= 0) {
        out.write((hi << 4) | lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toByteArray();
  }
}
