package io.harbormaster.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.auth.VerificationResult.Rejected;
import io.harbormaster.auth.VerificationResult.Verified;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Replays requests captured from the AWS CLIs and SDKs (see shared/fixtures/README.md) through the
 * verifier, each with the clock fixed to the request's own X-Amz-Date.
 */
class SigV4VerifierTest {
  private static final String ACCESS_KEY = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String OTHER_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
  private static final SecretLookup SECRETS = secretsWith(SECRET);
  private static final Duration SKEW = Duration.ofMinutes(15);
  private static final String MISMATCH =
      "The request signature we calculated does not match the signature you"
          + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";
  private static final DateTimeFormatter BASIC_ISO =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'");

  /** CI clones the repository with shared/ beside it, as on the development machines. */
  private static final Path FIXTURES =
      Path.of(System.getProperty("user.dir"))
          .resolve("src/test/resources/fixtures/sigv4/captured-requests.jsonl")
          .normalize();

  /** The README promises 160 signed requests; fewer means a truncated or edited fixture file. */
  private static final int SIGNED_FIXTURES = 160;

  private static final List<Fixture> ALL = loadFixtures();

  /** One captured request: label prefix names the client (cli1, cli2, java, js, curl). */
  record Fixture(
      int seq,
      String label,
      String method,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body) {

    @Override
    public String toString() {
      return "#" + seq + " " + label;
    }

    String client() {
      return label.substring(0, label.indexOf('-'));
    }

    Optional<String> header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst();
    }

    boolean signed() {
      return header("Authorization").isPresent();
    }

    Instant signedAt() {
      return parseBasicIso(header("X-Amz-Date").orElseThrow());
    }

    List<String> signedHeaders() {
      String auth = header("Authorization").orElseThrow();
      String list = auth.substring(auth.indexOf("SignedHeaders=") + "SignedHeaders=".length());
      return List.of(list.substring(0, list.indexOf(',')).split(";"));
    }

    SignedRequest request() {
      return new SignedRequest(method, path, "", headers, body.clone());
    }

    /** The request with every header called {@code name} (any case) given a new value, in place. */
    SignedRequest withHeader(String name, UnaryOperator<String> change) {
      List<Map.Entry<String, String>> changed =
          headers.stream()
              .map(
                  h ->
                      h.getKey().equalsIgnoreCase(name)
                          ? Map.entry(h.getKey(), change.apply(h.getValue()))
                          : h)
              .toList();
      return new SignedRequest(method, path, "", changed, body.clone());
    }

    SignedRequest withoutHeader(String name) {
      List<Map.Entry<String, String>> kept =
          headers.stream().filter(h -> !h.getKey().equalsIgnoreCase(name)).toList();
      return new SignedRequest(method, path, "", kept, body.clone());
    }

    SignedRequest withBody(byte[] newBody) {
      return new SignedRequest(method, path, "", headers, newBody);
    }
  }

  private static List<Fixture> loadFixtures() {
    ObjectMapper json = new ObjectMapper();
    try (Stream<String> lines = Files.lines(FIXTURES)) {
      return lines.filter(l -> !l.isBlank()).map(l -> toFixture(json, l)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "fixtures expected at "
              + FIXTURES
              + " (a copy of shared/fixtures, kept in the repository)",
          e);
    }
  }

  private static Fixture toFixture(ObjectMapper json, String line) {
    try {
      JsonNode node = json.readTree(line);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      node.get("headers")
          .forEach(h -> headers.add(Map.entry(h.get(0).asText(), h.get(1).asText())));
      return new Fixture(
          node.get("seq").asInt(),
          node.get("label").asText(),
          node.get("method").asText(),
          node.get("path").asText(),
          List.copyOf(headers),
          Base64.getDecoder().decode(node.get("body_b64").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("bad fixture line: " + line, e);
    }
  }

  static Stream<Named<Fixture>> signedFixtures() {
    return ALL.stream().filter(Fixture::signed).map(SigV4VerifierTest::named);
  }

  static Stream<Named<Fixture>> unsignedFixtures() {
    return ALL.stream().filter(f -> !f.signed()).map(SigV4VerifierTest::named);
  }

  private static Named<Fixture> named(Fixture f) {
    return Named.of(f.toString(), f);
  }

  private static SecretLookup secretsWith(String secret) {
    return id -> ACCESS_KEY.equals(id) ? Optional.of(secret) : Optional.empty();
  }

  private static SigV4Verifier verifierAt(Instant now) {
    return new SigV4Verifier(Clock.fixed(now, ZoneOffset.UTC), SKEW);
  }

  private static Instant parseBasicIso(String text) {
    return LocalDateTime.parse(text, BASIC_ISO).toInstant(ZoneOffset.UTC);
  }

  private static String basicIso(Instant instant) {
    return BASIC_ISO.format(instant.atOffset(ZoneOffset.UTC));
  }

  /**
   * context names the fixture in failure messages, since surefire reports parameterized tests by
   * index.
   */
  private static Rejected assertRejected(
      String errorType, VerificationResult result, Object context) {
    Rejected rejected =
        assertInstanceOf(Rejected.class, result, () -> context + ": expected " + errorType);
    assertEquals(errorType, rejected.errorType(), () -> context + ": " + rejected.message());
    return rejected;
  }

  private static Rejected assertRejected(String errorType, VerificationResult result) {
    return assertRejected(errorType, result, "request");
  }

  private static void assertVerified(VerificationResult result, Object context) {
    assertInstanceOf(Verified.class, result, () -> context + ": " + result);
  }

  // ---- every captured request
  // -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void verifiesWithTheExampleSecret(Fixture f) {
    VerificationResult result = verifierAt(f.signedAt()).verify(f.request(), SECRETS);
    assertEquals(new Verified(ACCESS_KEY, "us-east-1", "ecs"), result, f::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void rejectsAnotherSecret(Fixture f) {
    VerificationResult result =
        verifierAt(f.signedAt()).verify(f.request(), secretsWith(OTHER_SECRET));
    assertEquals(
        MISMATCH, assertRejected("InvalidSignatureException", result, f).message(), f::toString);
  }

  /** Every byte position, so no part of the body escapes the signature. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void rejectsABodyWithOneByteFlipped(Fixture f) {
    SigV4Verifier verifier = verifierAt(f.signedAt());
    assertFalse(f.body().length == 0, "every captured request has a body");
    for (int i = 0; i < f.body().length; i++) {
      byte[] body = f.body().clone();
      body[i] ^= 0x01;
      assertRejected(
          "InvalidSignatureException",
          verifier.verify(f.withBody(body), SECRETS),
          f + " byte " + i);
    }
  }

  /**
   * Each signed header in turn; X-Amz-Date moves a second so it stays well-formed and within the
   * skew.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void rejectsAnyChangedSignedHeader(Fixture f) {
    SigV4Verifier verifier = verifierAt(f.signedAt());
    for (String name : f.signedHeaders()) {
      UnaryOperator<String> change =
          name.equals("x-amz-date") ? v -> basicIso(parseBasicIso(v).plusSeconds(1)) : v -> v + "0";
      VerificationResult result = verifier.verify(f.withHeader(name, change), SECRETS);
      assertRejected("InvalidSignatureException", result, f + " header " + name);
    }
  }

  /**
   * The CLIs send amz-sdk-* and User-Agent without signing them; changing those must not matter.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void ignoresChangesToUnsignedHeaders(Fixture f) {
    SigV4Verifier verifier = verifierAt(f.signedAt());
    for (Map.Entry<String, String> header : f.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!f.signedHeaders().contains(name) && !name.equals("authorization")) {
        assertVerified(
            verifier.verify(f.withHeader(name, v -> v + "0"), SECRETS), f + " header " + name);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void expiresSixteenMinutesLater(Fixture f) {
    Instant now = f.signedAt().plus(Duration.ofMinutes(16));
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException", verifierAt(now).verify(f.request(), SECRETS), f);
    assertEquals(
        "Signature expired: "
            + basicIso(f.signedAt())
            + " is now earlier than "
            + basicIso(now.minus(SKEW))
            + " ("
            + basicIso(now)
            + " - 15 min.)",
        rejected.message());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void stillVerifiesFourteenMinutesLater(Fixture f) {
    Instant now = f.signedAt().plus(Duration.ofMinutes(14));
    assertVerified(verifierAt(now).verify(f.request(), SECRETS), f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void isNotYetCurrentSixteenMinutesEarlier(Fixture f) {
    Instant now = f.signedAt().minus(Duration.ofMinutes(16));
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException", verifierAt(now).verify(f.request(), SECRETS), f);
    assertTrue(
        rejected.message().startsWith("Signature not yet current: " + basicIso(f.signedAt())),
        rejected.message());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedFixtures")
  void rejectsAnUnknownAccessKey(Fixture f) {
    SignedRequest request =
        f.withHeader(
            "Authorization",
            v -> v.replace("Credential=" + ACCESS_KEY + "/", "Credential=AKIDUNKNOWN/"));
    Rejected rejected =
        assertRejected(
            "UnrecognizedClientException", verifierAt(f.signedAt()).verify(request, SECRETS), f);
    assertEquals("The security token included in the request is invalid.", rejected.message());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsignedFixtures")
  void unsignedRequestIsMissingTheToken(Fixture f) {
    Rejected rejected =
        assertRejected(
            "MissingAuthenticationTokenException",
            verifierAt(Instant.now()).verify(f.request(), SECRETS),
            f);
    assertEquals("Missing Authentication Token", rejected.message());
  }

  @Test
  void everyClientsRequestsVerify() {
    Map<String, Long> signed =
        ALL.stream()
            .filter(Fixture::signed)
            .collect(Collectors.groupingBy(Fixture::client, TreeMap::new, Collectors.counting()));
    Map<String, Long> verified =
        ALL.stream()
            .filter(Fixture::signed)
            .filter(f -> verifierAt(f.signedAt()).verify(f.request(), SECRETS) instanceof Verified)
            .collect(Collectors.groupingBy(Fixture::client, TreeMap::new, Collectors.counting()));
    System.out.println("SigV4 fixtures verified per client: " + verified + " of " + signed);
    assertEquals(List.of("cli1", "cli2", "java", "js"), List.copyOf(signed.keySet()));
    assertEquals(SIGNED_FIXTURES, signed.values().stream().mapToLong(Long::longValue).sum());
    assertEquals(signed, verified);
    assertEquals(
        List.of("curl"), ALL.stream().filter(f -> !f.signed()).map(Fixture::client).toList());
  }

  // ---- malformed requests, built from the first captured one
  // ------------------------------------------------

  private static Fixture first() {
    return ALL.stream().filter(Fixture::signed).findFirst().orElseThrow();
  }

  private static VerificationResult verifyFirst(SignedRequest request) {
    return verifierAt(first().signedAt()).verify(request, SECRETS);
  }

  @Test
  void skewOfExactlyFifteenMinutesIsAccepted() {
    Fixture f = first();
    assertInstanceOf(
        Verified.class, verifierAt(f.signedAt().plus(SKEW)).verify(f.request(), SECRETS));
    assertInstanceOf(
        Verified.class, verifierAt(f.signedAt().minus(SKEW)).verify(f.request(), SECRETS));
  }

  @Test
  void blankAuthorizationIsMissingTheToken() {
    assertRejected(
        "MissingAuthenticationTokenException",
        verifyFirst(first().withHeader("Authorization", v -> " ")));
  }

  @Test
  void missingXAmzDateIsIncomplete() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException", verifyFirst(first().withoutHeader("X-Amz-Date")));
    assertTrue(rejected.message().contains("'X-Amz-Date'"), rejected.message());
  }

  @Test
  void malformedXAmzDateIsIncomplete() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException",
            verifyFirst(first().withHeader("X-Amz-Date", v -> "2026-11-21T11:34:11Z")));
    assertTrue(rejected.message().contains("ISO-8601"), rejected.message());
  }

  @Test
  void unsupportedAlgorithmIsIncomplete() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException",
            verifyFirst(
                first()
                    .withHeader(
                        "Authorization", v -> v.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"))));
    assertTrue(
        rejected.message().startsWith("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"),
        rejected.message());
  }

  @Test
  void missingParametersAreAllNamed() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException",
            verifyFirst(
                first()
                    .withHeader(
                        "Authorization", v -> v.substring(0, v.indexOf(", SignedHeaders=")))));
    assertTrue(rejected.message().contains("requires 'Signature' parameter"), rejected.message());
    assertTrue(
        rejected.message().contains("requires 'SignedHeaders' parameter"), rejected.message());
    assertFalse(rejected.message().contains("requires 'Credential' parameter"), rejected.message());
  }

  @Test
  void parameterWithoutEqualSignIsIncomplete() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException",
            verifyFirst(
                first().withHeader("Authorization", v -> v.replace("Signature=", "Signature "))));
    assertTrue(rejected.message().contains("missing equal-sign"), rejected.message());
  }

  @Test
  void shortCredentialIsIncomplete() {
    Rejected rejected =
        assertRejected(
            "IncompleteSignatureException",
            verifyFirst(first().withHeader("Authorization", v -> v.replace("/aws4_request", ""))));
    assertTrue(rejected.message().contains("5 slash-delimited elements"), rejected.message());
  }

  @Test
  void scopeDateMustMatchXAmzDate() {
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException",
            verifyFirst(
                first().withHeader("Authorization", v -> v.replace("/20261121/", "/20261120/"))));
    assertTrue(
        rejected.message().startsWith("Date in Credential scope does not match"),
        rejected.message());
  }

  @Test
  void hostMustBeSigned() {
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException",
            verifyFirst(first().withHeader("Authorization", v -> v.replace(";host;", ";"))));
    assertTrue(rejected.message().contains("'Host'"), rejected.message());
  }

  @Test
  void signedHeaderAbsentFromTheRequestIsRejected() {
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException", verifyFirst(first().withoutHeader("X-Amz-Target")));
    assertTrue(rejected.message().contains("'x-amz-target'"), rejected.message());
  }

  @Test
  void duplicateAuthorizationHeadersAreRejected() {
    Fixture f = first();
    List<Map.Entry<String, String>> headers = new ArrayList<>(f.headers());
    headers.add(Map.entry("authorization", f.header("Authorization").orElseThrow()));
    assertRejected(
        "IncompleteSignatureException",
        verifyFirst(new SignedRequest(f.method(), f.path(), "", headers, f.body())));
  }

  @Test
  void headerNamesAndAuthorizationSpacingAreTolerated() {
    Fixture f = first();
    List<Map.Entry<String, String>> headers =
        f.headers().stream()
            .map(
                h ->
                    Map.entry(
                        h.getKey().toUpperCase(),
                        h.getKey().equalsIgnoreCase("Authorization")
                            ? h.getValue().replace(", ", ",")
                            : "  " + h.getValue().replace(" ", "   ") + " "))
            .toList();
    assertInstanceOf(
        Verified.class,
        verifyFirst(new SignedRequest(f.method(), f.path(), null, headers, f.body())));
  }

  /**
   * The SDKs sign the payload hash they send; UNSIGNED-PAYLOAD opts out of body signing, as SigV4
   * allows.
   */
  @Test
  void contentSha256MustMatchTheBodyUnlessUnsigned() {
    Fixture java = ALL.stream().filter(f -> f.client().equals("java")).findFirst().orElseThrow();
    SigV4Verifier verifier = verifierAt(java.signedAt());
    byte[] longer = Arrays.copyOf(java.body(), java.body().length + 1);
    longer[longer.length - 1] = ' ';
    Rejected rejected =
        assertRejected(
            "InvalidSignatureException", verifier.verify(java.withBody(longer), SECRETS));
    assertTrue(rejected.message().contains("x-amz-content-sha256"), rejected.message());
    // Claiming UNSIGNED-PAYLOAD after the fact changes the canonical request, so the signature
    // breaks.
    rejected =
        assertRejected(
            "InvalidSignatureException",
            verifier.verify(
                java.withHeader("x-amz-content-sha256", v -> "UNSIGNED-PAYLOAD"), SECRETS));
    assertEquals(MISMATCH, rejected.message());
  }

  // ---- requests signed here by the AWS SDK's own signer, for what the fixtures lack (paths,
  // queries) ---------

  private static final Instant SDK_SIGNED_AT = Instant.parse("2026-11-21T12:00:00Z");

  private static SignedRequest signWithSdk(
      SdkHttpFullRequest http, byte[] body, boolean signPayload) {
    var signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET))
                        .request(http)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecs")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload)
                        .putProperty(
                            HttpSigner.SIGNING_CLOCK, Clock.fixed(SDK_SIGNED_AT, ZoneOffset.UTC)));
    SdkHttpRequest out = signed.request();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    out.forEachHeader((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
    return new SignedRequest(
        out.method().name(),
        out.encodedPath(),
        out.encodedQueryParameters().orElse(""),
        headers,
        body);
  }

  private static SdkHttpFullRequest.Builder sdkRequest(SdkHttpMethod method, String encodedPath) {
    return SdkHttpFullRequest.builder()
        .method(method)
        .protocol("https")
        .host("ecs.us-east-1.amazonaws.com")
        .encodedPath(encodedPath)
        .putHeader("Content-Type", "application/x-amz-json-1.1");
  }

  @Test
  void sdkSignedPathAndQueryVerify() {
    SdkHttpFullRequest http =
        sdkRequest(SdkHttpMethod.GET, "/a%20b/%E1%88%B4/c~d/")
            .putRawQueryParameter("b", List.of("x y", "~", "ሴ"))
            .putRawQueryParameter("a", "")
            .putRawQueryParameter("A", "1+1=2&3")
            .build();
    SignedRequest request = signWithSdk(http, new byte[0], true);
    assertInstanceOf(
        Verified.class, verifierAt(SDK_SIGNED_AT).verify(request, SECRETS), request.rawQuery());
    SignedRequest otherPath =
        new SignedRequest("GET", "/a%20b/c", request.rawQuery(), request.headers(), new byte[0]);
    assertRejected(
        "InvalidSignatureException", verifierAt(SDK_SIGNED_AT).verify(otherPath, SECRETS));
    SignedRequest otherQuery =
        new SignedRequest(
            "GET",
            request.path(),
            request.rawQuery().replace("x%20y", "x%20z"),
            request.headers(),
            new byte[0]);
    assertRejected(
        "InvalidSignatureException", verifierAt(SDK_SIGNED_AT).verify(otherQuery, SECRETS));
  }

  @Test
  void sdkSignedUnsignedPayloadVerifiesWhateverTheBody() {
    SdkHttpFullRequest http = sdkRequest(SdkHttpMethod.POST, "/").build();
    SignedRequest request = signWithSdk(http, "{}".getBytes(StandardCharsets.UTF_8), false);
    assertEquals(
        List.of("UNSIGNED-PAYLOAD"),
        request.headers().stream()
            .filter(h -> h.getKey().equalsIgnoreCase("x-amz-content-sha256"))
            .map(Map.Entry::getValue)
            .toList());
    byte[] otherJson = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
    SignedRequest otherBody = new SignedRequest("POST", "/", "", request.headers(), otherJson);
    assertInstanceOf(Verified.class, verifierAt(SDK_SIGNED_AT).verify(otherBody, SECRETS));
  }

  // ---- AWS's published SigV4 test suite (example.amazonaws.com, 2015-08-30, service "service")
  // --------------

  private static VerificationResult verifySuiteRequest(
      String path,
      String query,
      List<Map.Entry<String, String>> extra,
      String signedHeaders,
      String signature) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Host", "example.amazonaws.com"));
    headers.addAll(extra);
    headers.add(Map.entry("X-Amz-Date", "20150830T123600Z"));
    headers.add(
        Map.entry(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                + "aws4_request, SignedHeaders="
                + signedHeaders
                + ", Signature="
                + signature));
    return verifierAt(Instant.parse("2015-08-30T12:36:00Z"))
        .verify(new SignedRequest("GET", path, query, headers, new byte[0]), SECRETS);
  }

  @Test
  void awsTestSuiteGetVanilla() {
    assertEquals(
        new Verified(ACCESS_KEY, "us-east-1", "service"),
        verifySuiteRequest(
            "/",
            "",
            List.of(),
            "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  }

  @Test
  void awsTestSuiteQueryOrderKeyCase() {
    assertInstanceOf(
        Verified.class,
        verifySuiteRequest(
            "/",
            "Param2=value2&Param1=value1",
            List.of(),
            "host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
  }

  @Test
  void awsTestSuiteQueryUnreserved() {
    String unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    assertInstanceOf(
        Verified.class,
        verifySuiteRequest(
            "/",
            unreserved + "=" + unreserved,
            List.of(),
            "host;x-amz-date",
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"));
  }

  @Test
  void awsTestSuiteUtf8Query() {
    assertInstanceOf(
        Verified.class,
        verifySuiteRequest(
            "/",
            "%E1%88%B4=bar",
            List.of(),
            "host;x-amz-date",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"));
  }

  @Test
  void awsTestSuiteHeaderValueTrim() {
    assertInstanceOf(
        Verified.class,
        verifySuiteRequest(
            "/",
            "",
            List.of(Map.entry("My-Header1", " value1"), Map.entry("My-Header2", "\"a   b   c\"")),
            "host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"));
  }

  @Test
  void awsTestSuiteRelativeRelativeNormalized() {
    assertInstanceOf(
        Verified.class,
        verifySuiteRequest(
            "/example1/example2/../..",
            "",
            List.of(),
            "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  }

  /**
   * AWS's documented example: non-S3 paths are encoded twice, once by the client for the wire, once
   * for signing.
   */
  @Test
  void canonicalUriEncodesTheWirePathAgain() {
    assertEquals(
        "/documents%2520and%2520settings/",
        CanonicalRequest.canonicalUri("/documents%20and%20settings/"));
    assertEquals("/", CanonicalRequest.canonicalUri(""));
    assertEquals("/a/c/", CanonicalRequest.canonicalUri("//a/./b/../c/"));
  }

  @Test
  void canonicalQueryDecodesReencodesAndSorts() {
    assertEquals("a=&b=x&b=~%20~", CanonicalRequest.canonicalQuery("b=%7e%20%7E&b=x&a"));
  }
}
