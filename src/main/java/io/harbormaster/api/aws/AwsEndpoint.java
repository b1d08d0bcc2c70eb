package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.CallAuditor;
import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one endpoint for every AWS service Harbormaster speaks. A request's SigV4 credential scope
 * names its service; the request goes to that service's handlers in the protocol it is written in.
 * What names no other service (ECS, agent sessions, the event stream, unsigned requests) goes to
 * the ECS endpoint, which answers as ECS does.
 */
public final class AwsEndpoint implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private static final Logger log = LoggerFactory.getLogger(AwsEndpoint.class);
  private static final long MAX_BODY_MILLIS = 10_000;

  private final ActorSystem<?> system;
  private final RequestAuthenticator authenticator;
  private final CallAuditor auditor;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> ecs;
  private final String region;
  private final Clock clock;
  private final Map<String, AwsService> services = new TreeMap<>();

  public AwsEndpoint(
      ActorSystem<?> system,
      RequestAuthenticator authenticator,
      CallAuditor auditor,
      Function<HttpRequest, CompletionStage<HttpResponse>> ecs,
      String region,
      Clock clock) {
    this.system = system;
    this.authenticator = authenticator;
    this.auditor = auditor;
    this.ecs = ecs;
    this.region = region;
    this.clock = clock;
  }

  public AwsEndpoint serve(AwsService service) {
    if (service.signingName().equals("ecs")
        || services.putIfAbsent(service.signingName(), service) != null) {
      throw new IllegalArgumentException("served twice: " + service.signingName());
    }
    return this;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) throws Exception {
    AwsService service =
        RequestAuthenticator.signedService(request).map(services::get).orElse(null);
    if (service == null) return ecs.apply(request);
    String requestId = UUID.randomUUID().toString();
    return request
        .entity()
        .toStrict(MAX_BODY_MILLIS, system)
        .thenCompose(strict -> handle(service, request, strict, requestId))
        .exceptionally(
            failure ->
                WireProtocol.of(service.model(), request, "")
                    .failure(service.model(), asServiceFailure(service, null, failure), requestId));
  }

  private CompletionStage<HttpResponse> handle(
      AwsService service, HttpRequest request, HttpEntity.Strict entity, String requestId) {
    AwsApiModel model = service.model();
    WireProtocol protocol = WireProtocol.of(model, request, entity.getContentType().toString());
    byte[] body = entity.getData().toArray();
    CompletionStage<HttpResponse> answer;
    try {
      answer =
          authenticator
              .caller(request, entity, body, service.signingName())
              .thenCompose(
                  caller -> {
                    Instant receivedAt = clock.instant();
                    WireProtocol.Decoded decoded;
                    try {
                      decoded = protocol.decode(model, request, body);
                    } catch (RuntimeException e) {
                      // Unreadable: no operation to record it under.
                      return CompletableFuture.failedFuture(e);
                    }
                    CallAuditor.Call call =
                        new CallAuditor.Call(
                            request,
                            caller,
                            service.signingName() + ".amazonaws.com",
                            decoded.operation(),
                            requestId,
                            receivedAt,
                            decoded.input());
                    CompletionStage<? extends JsonNode> result;
                    try {
                      AwsOperation handler =
                          service
                              .handler(decoded.operation())
                              .orElseThrow(() -> unsupported(protocol, decoded.operation()));
                      model.validateInput(decoded.operation(), decoded.input());
                      result =
                          handler.handle(
                              new AwsCall(
                                  service.signingName(),
                                  decoded.operation(),
                                  caller.accountId(),
                                  region,
                                  requestId,
                                  receivedAt),
                              decoded.input());
                    } catch (RuntimeException e) {
                      result = CompletableFuture.failedFuture(e);
                    }
                    AwsApiModel.Operation operation =
                        model.operation(decoded.operation()).orElseThrow();
                    return answer(service, protocol, operation, call, result);
                  });
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.exceptionally(
        failure ->
            protocol.failure(model, asServiceFailure(service, protocol, failure), requestId));
  }

  /** The answer, once the call is in the audit trail; a refusal is recorded too. */
  private CompletionStage<HttpResponse> answer(
      AwsService service,
      WireProtocol protocol,
      AwsApiModel.Operation operation,
      CallAuditor.Call call,
      CompletionStage<? extends JsonNode> result) {
    AwsApiModel model = service.model();
    return result
        .handle(
            (output, failure) -> {
              if (failure == null) {
                return auditor
                    .succeeded(call, output)
                    .thenApply(
                        recorded -> protocol.success(model, operation, output, call.requestId()));
              }
              AwsServiceException refused = asServiceFailure(service, protocol, failure);
              return auditor
                  .failed(call, refused.code(), refused.getMessage())
                  .handle(
                      (recorded, notRecorded) ->
                          protocol.failure(model, refused, call.requestId()));
            })
        .thenCompose(answer -> answer);
  }

  /** An operation of the model that Harbormaster does not serve: refused, never pretended. */
  private static AwsServiceException unsupported(WireProtocol protocol, String operation) {
    String code =
        protocol instanceof AwsQueryProtocol ? "InvalidAction" : "UnknownOperationException";
    return new AwsServiceException(
        code,
        400,
        "Harbormaster does not serve " + operation + " (yet); see README, What works today.");
  }

  /** Any failure, in the service's and the protocol's terms. */
  static AwsServiceException asServiceFailure(
      AwsService service, WireProtocol protocol, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AwsServiceException e) return e;
      if (t instanceof AwsApiModel.InvalidRequest e) {
        boolean query = protocol instanceof AwsQueryProtocol;
        String code =
            switch (e.kind()) {
              case SERIALIZATION -> query ? service.invalidInputCode() : "SerializationException";
              case INVALID_VALUE -> service.invalidInputCode();
            };
        return new AwsServiceException(code, 400, e.getMessage());
      }
      if (t instanceof EntityStreamSizeException tooLarge) {
        return new AwsServiceException(
            "RequestEntityTooLargeException",
            413,
            "The request body is larger than the limit of " + tooLarge.limit() + " bytes.");
      }
      if (t instanceof EcsException e) return fromEcs(e, protocol instanceof AwsQueryProtocol);
    }
    EcsException unknown = Entities.asEcsException(failure);
    if (unknown.httpStatus() >= 500) log.warn("request failed", failure);
    return fromEcs(unknown, protocol instanceof AwsQueryProtocol);
  }

  /**
   * Failures raised by the shared parts (SigV4, timeouts) carry ECS's codes; the query services
   * name the same failures differently.
   */
  private static AwsServiceException fromEcs(EcsException e, boolean query) {
    String code =
        switch (e.type()) {
          case INVALID_SIGNATURE -> query ? "SignatureDoesNotMatch" : e.errorType();
          case UNRECOGNIZED_CLIENT -> query ? "InvalidClientTokenId" : e.errorType();
          case INCOMPLETE_SIGNATURE -> query ? "IncompleteSignature" : e.errorType();
          case MISSING_AUTHENTICATION_TOKEN -> query ? "MissingAuthenticationToken" : e.errorType();
          case ACCESS_DENIED -> query ? "AccessDenied" : e.errorType();
          case SERVER -> "InternalFailure";
          default -> e.errorType();
        };
    return new AwsServiceException(code, e.httpStatus(), e.getMessage());
  }
}
