package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.CallAuditor;
import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.api.agent.AgentEndpoint;
import io.harbormaster.api.aws.AwsApiModel;
import io.harbormaster.api.aws.AwsJsonProtocol;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.api.console.ConsoleRoute;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ECS JSON 1.1 protocol: authenticate (SigV4), dispatch on X-Amz-Target, check the input
 * against the API model, run the handler, and answer every failure as {"__type", "message"} JSON
 * with its HTTP status.
 */
public final class EcsEndpoint
    implements org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> {
  private static final Logger log = LoggerFactory.getLogger(EcsEndpoint.class);
  static final ContentType AMZ_JSON = AwsJsonProtocol.JSON_1_1.contentType();
  private static final long MAX_BODY_MILLIS = 10_000;

  /**
   * The audit trail's eventSource for ECS calls and Harbormaster's own targets on this endpoint.
   */
  private static final String EVENT_SOURCE = "ecs.amazonaws.com";

  private final ActorSystem<?> system;
  private final Entities entities;
  private final EcsOperations operations;
  private final RequestAuthenticator authenticator;
  private final CallAuditor auditor;
  private final AgentEndpoint agents;
  private StreamRoute stream;
  private final ConsoleRoute console = new ConsoleRoute(EcsEndpoint.class.getClassLoader());
  private final String region;
  private final Clock clock;

  public EcsEndpoint(
      ActorSystem<?> system,
      Entities entities,
      EcsOperations operations,
      RequestAuthenticator authenticator,
      CallAuditor auditor,
      AgentEndpoint agents,
      String region,
      Clock clock) {
    this.system = system;
    this.entities = entities;
    this.operations = operations;
    this.authenticator = authenticator;
    this.auditor = auditor;
    this.agents = agents;
    this.region = region;
    this.clock = clock;
  }

  /** A long-lived GET on its own path (the event stream), authenticated by the route itself. */
  public interface StreamRoute {
    String path();

    CompletionStage<HttpResponse> handle(
        HttpRequest request, HttpEntity.Strict entity, byte[] body);
  }

  public EcsEndpoint withStream(StreamRoute route) {
    this.stream = route;
    return this;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    String requestId = UUID.randomUUID().toString();
    return request
        .entity()
        .toStrict(MAX_BODY_MILLIS, system)
        .thenCompose(strict -> handle(request, strict, requestId))
        .exceptionally(failure -> error(requestId, asEcsException(failure)));
  }

  /**
   * A body over pekko's max-content-length fails toStrict: the client's fault, which no client
   * should retry.
   */
  private static EcsException asEcsException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException tooLarge) {
        return new EcsException(
            ErrorType.REQUEST_ENTITY_TOO_LARGE,
            "The request body is larger than the limit of " + tooLarge.limit() + " bytes.");
      }
    }
    return Entities.asEcsException(failure);
  }

  private CompletionStage<HttpResponse> handle(
      HttpRequest request, HttpEntity.Strict entity, String requestId) {
    if (agents != null && request.getUri().path().equals(AgentEndpoint.PATH)) {
      return agents.handle(request);
    }
    if (ConsoleRoute.serves(request.getUri().path())) {
      return done(console.handle(request));
    }
    if (stream != null && request.getUri().path().equals(stream.path())) {
      return stream.handle(request, entity, entity.getData().toArray());
    }
    if (request.method() != HttpMethods.POST || !request.getUri().path().equals("/")) {
      return done(
          error(
              requestId,
              EcsException.unknownOperation(
                  "Harbormaster serves the ECS API as POST / with an X-Amz-Target header.")));
    }
    byte[] body = entity.getData().toArray();
    return authenticator
        .caller(request, entity, body, "ecs")
        .thenCompose(
            caller -> {
              RequestContext ctx =
                  new RequestContext(caller.accountId(), region, requestId, clock.instant());
              String target = request.getHeader("X-Amz-Target").map(HttpHeader::value).orElse("");
              JsonNode input = null;
              CompletionStage<? extends JsonNode> result;
              try {
                input = parse(body);
                result = dispatch(ctx, request, target, input);
              } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
              }
              String ecsPrefix = EcsApiModel.get().targetPrefix() + ".";
              CallAuditor.Call call =
                  new CallAuditor.Call(
                      request,
                      caller,
                      EVENT_SOURCE,
                      target.startsWith(ecsPrefix) ? target.substring(ecsPrefix.length()) : target,
                      requestId,
                      ctx.receivedAt(),
                      input);
              return answer(call, result);
            });
  }

  /** The answer, once the call is in the audit trail; a refusal is recorded too. */
  private CompletionStage<HttpResponse> answer(
      CallAuditor.Call call, CompletionStage<? extends JsonNode> result) {
    return result
        .handle(
            (output, failure) -> {
              if (failure == null) {
                return auditor
                    .succeeded(call, output)
                    .thenApply(recorded -> ok(call.requestId(), output));
              }
              EcsException refused = asEcsException(failure);
              return auditor
                  .failed(call, refused.errorType(), refused.getMessage())
                  .handle((recorded, notRecorded) -> error(call.requestId(), refused));
            })
        .thenCompose(answer -> answer);
  }

  private CompletionStage<? extends JsonNode> dispatch(
      RequestContext ctx, HttpRequest request, String target, JsonNode input) {
    var extension = operations.findExtension(target);
    if (extension.isPresent()) {
      return extension.get().handle(ctx, input);
    }
    if (target.startsWith(EcsOperations.ADMIN_PREFIX + ".")) {
      return admin(ctx, target.substring(EcsOperations.ADMIN_PREFIX.length() + 1), input);
    }
    String operation = operationName(request);
    EcsOperation handler =
        operations
            .find(operation)
            .orElseThrow(
                () ->
                    EcsException.unknownOperation(
                        "Unknown operation "
                            + (operation.isEmpty() ? "(no X-Amz-Target header)" : operation)
                            + "."));
    EcsApiModel.get().validateInput(operation, input);
    return handler.handle(ctx, input);
  }

  /** Administrative actions: only an account created as admin (the default one) may call them. */
  private CompletionStage<? extends JsonNode> admin(
      RequestContext ctx, String operation, JsonNode input) {
    EcsOperation handler =
        operations
            .findAdmin(operation)
            .orElseThrow(
                () ->
                    EcsException.unknownOperation(
                        "Unknown operation " + EcsOperations.ADMIN_PREFIX + "." + operation + "."));
    return entities
        .<io.harbormaster.account.Account.Command, io.harbormaster.account.Account.Summary>ask(
            io.harbormaster.account.Account.ENTITY_KEY,
            ctx.accountId(),
            io.harbormaster.account.Account.GetSummary::new)
        .thenCompose(
            summary -> {
              if (!summary.admin()) {
                throw new EcsException(
                    ErrorType.ACCESS_DENIED,
                    "Account " + ctx.accountId() + " is not an administrator.");
              }
              return handler.handle(ctx, input);
            });
  }

  private String operationName(HttpRequest request) {
    String target = request.getHeader("X-Amz-Target").map(HttpHeader::value).orElse("");
    String prefix = EcsApiModel.get().targetPrefix() + ".";
    if (!target.startsWith(prefix)) {
      throw EcsException.unknownOperation(
          target.isEmpty()
              ? "Missing X-Amz-Target header."
              : "Unknown target " + target + "; expected " + prefix + "<Operation>.");
    }
    return target.substring(prefix.length());
  }

  private static JsonNode parse(byte[] body) {
    try {
      return AwsJsonProtocol.parseObject(body);
    } catch (AwsApiModel.InvalidRequest e) {
      throw EcsException.serialization(e.getMessage());
    }
  }

  private static HttpResponse ok(String requestId, JsonNode output) {
    return AwsJsonProtocol.JSON_1_1.success(output, requestId);
  }

  static HttpResponse error(String requestId, EcsException e) {
    if (e.httpStatus() >= 500) log.warn("request {} failed", requestId, e);
    return AwsJsonProtocol.JSON_1_1.failure(
        new AwsServiceException(e.errorType(), e.httpStatus(), e.getMessage()), requestId, false);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
