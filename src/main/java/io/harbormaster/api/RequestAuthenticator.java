package io.harbormaster.api;

import io.harbormaster.account.Account;
import io.harbormaster.auth.AccessKeySecrets;
import io.harbormaster.auth.SigV4Verifier;
import io.harbormaster.auth.SignedRequest;
import io.harbormaster.auth.VerificationResult;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.ErrorType;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Who sent a request: its SigV4 signature checked against the key's secret, for the ECS API and for
 * agent sessions alike. Every refusal is a 403 ECS error.
 */
public final class RequestAuthenticator {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  /** Credential=KEY/DATE/REGION/SERVICE/aws4_request: the service the request was signed for. */
  private static final Pattern SCOPE_SERVICE =
      Pattern.compile("Credential=[^/,\\s]+/[^/,\\s]+/[^/,\\s]+/([^/,\\s]+)/");

  /** The signing name in a request's SigV4 scope, before anything is verified; routing only. */
  public static Optional<String> signedService(HttpRequest request) {
    return request
        .getHeader("Authorization")
        .map(h -> SCOPE_SERVICE.matcher(h.value()))
        .filter(Matcher::find)
        .map(m -> m.group(1));
  }

  private final SigV4Verifier verifier;
  private final AccessKeySecrets secrets;
  private final String region;

  public RequestAuthenticator(SigV4Verifier verifier, AccessKeySecrets secrets, String region) {
    this.verifier = verifier;
    this.secrets = secrets;
    this.region = region;
  }

  /** The caller's account id, for a request to the ECS API or an agent session. */
  public CompletionStage<String> authenticate(
      HttpRequest request, HttpEntity.Strict entity, byte[] body) {
    return authenticate(request, entity, body, "ecs");
  }

  /** Who signed a request: the account and the access key it used. */
  public record Caller(String accountId, String accessKeyId) {}

  /**
   * The caller's account id, for a request that must be signed for {@code service} (its SigV4
   * signing name, e.g. {@code logs}).
   */
  public CompletionStage<String> authenticate(
      HttpRequest request, HttpEntity.Strict entity, byte[] body, String service) {
    return caller(request, entity, body, service).thenApply(Caller::accountId);
  }

  /** The caller, for a request that must be signed for {@code service}. */
  public CompletionStage<Caller> caller(
      HttpRequest request, HttpEntity.Strict entity, byte[] body, String service) {
    SignedRequest signed = signedRequest(request, entity, body);
    Optional<String> keyId =
        signed.headers().stream()
            .filter(h -> h.getKey().equalsIgnoreCase("authorization"))
            .map(h -> CREDENTIAL.matcher(h.getValue()))
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .findFirst();
    CompletionStage<Optional<Account.AccessKey>> key =
        keyId.isPresent()
            ? secrets.find(keyId.get())
            : CompletableFuture.completedFuture(Optional.empty());
    return key.thenApply(
        found -> {
          io.harbormaster.auth.SecretLookup secret =
              id ->
                  found
                      .filter(k -> k.accessKeyId().equals(id))
                      .map(Account.AccessKey::secretAccessKey);
          VerificationResult result = verifier.verify(signed, secret);
          Optional<SignedRequest> lowerCharset = withLowerCaseCharset(signed);
          if (result instanceof VerificationResult.Rejected && lowerCharset.isPresent()) {
            VerificationResult again = verifier.verify(lowerCharset.get(), secret);
            if (again instanceof VerificationResult.Verified) result = again;
          }
          if (result instanceof VerificationResult.Rejected r) {
            throw new EcsException(
                ErrorType.ofCode(r.errorType()).orElse(ErrorType.INVALID_SIGNATURE), r.message());
          }
          VerificationResult.Verified v = (VerificationResult.Verified) result;
          if (!v.service().equals(service)) {
            throw new EcsException(
                ErrorType.INVALID_SIGNATURE,
                "Credential should be scoped to correct service: '" + service + "'.");
          }
          if (!v.region().equals(region)) {
            throw new EcsException(
                ErrorType.INVALID_SIGNATURE,
                "Credential should be scoped to a valid region, not '"
                    + v.region()
                    + "'. This endpoint serves '"
                    + region
                    + "'.");
          }
          Account.AccessKey accessKey = found.orElseThrow();
          return new Caller(accessKey.accountId(), accessKey.accessKeyId());
        });
  }

  /**
   * The request as the AWS CLI and SDKs sign the query protocol's Content-Type: {@code
   * application/x-www-form-urlencoded; charset=utf-8}. Pekko keeps the parsed Content-Type only: it
   * drops the form's charset and writes other charsets as {@code UTF-8}.
   */
  static Optional<SignedRequest> withLowerCaseCharset(SignedRequest signed) {
    boolean changed = false;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Map.Entry<String, String> h : signed.headers()) {
      String value = h.getValue();
      if (h.getKey().equalsIgnoreCase("Content-Type")) {
        Matcher m = CHARSET.matcher(value);
        if (value.equals(FORM)) {
          // Pekko models the form media type without a charset and drops the one sent.
          value = FORM + "; charset=utf-8";
          changed = true;
        } else if (m.find() && !m.group(1).equals(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
          value =
              value.substring(0, m.start(1))
                  + m.group(1).toLowerCase(java.util.Locale.ROOT)
                  + value.substring(m.end(1));
          changed = true;
        }
      }
      headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), value));
    }
    return changed
        ? Optional.of(
            new SignedRequest(
                signed.method(), signed.path(), signed.rawQuery(), headers, signed.body()))
        : Optional.empty();
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  private static final Pattern CHARSET = Pattern.compile("charset=([^;\\s]+)");

  /**
   * Pekko models Content-Type and Content-Length outside the header list; SigV4 needs them as sent.
   */
  static SignedRequest signedRequest(HttpRequest request, HttpEntity.Strict entity, byte[] body) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (HttpHeader h : request.getHeaders()) {
      headers.add(new AbstractMap.SimpleImmutableEntry<>(h.name(), h.value()));
    }
    if (!entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      headers.add(
          new AbstractMap.SimpleImmutableEntry<>(
              "Content-Type", entity.getContentType().toString()));
    }
    if (body.length > 0 || request.method().value().equals("POST")) {
      headers.add(
          new AbstractMap.SimpleImmutableEntry<>("Content-Length", Integer.toString(body.length)));
    }
    return new SignedRequest(
        request.method().value(),
        request.getUri().path(),
        request.getUri().rawQueryString().orElse(""),
        headers,
        body);
  }
}
