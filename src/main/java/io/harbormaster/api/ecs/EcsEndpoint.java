package io.harbormaster.api.ecs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.api.agent.AgentEndpoint;
import io.harbormaster.api.console.ConsoleRoute;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.common.ErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  static final ContentType AMZ_JSON =
      ContentTypes.create(MediaTypes.customBinary("application", "x-amz-json-1.1", true));
  private static final long MAX_BODY_MILLIS = 10_000;

  private final ActorSystem<?> system;
  private final Entities entities;
  private final EcsOperations operations;
  private final RequestAuthenticator authenticator;
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
      AgentEndpoint agents,
      String region,
      Clock clock) {
    this.system = system;
    this.entities = entities;
    this.operations = operations;
    this.authenticator = authenticator;
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
        .authenticate(request, entity, body)
        .thenCompose(
            accountId -> {
              RequestContext ctx =
                  new RequestContext(accountId, region, requestId, clock.instant());
              String target = request.getHeader("X-Amz-Target").map(HttpHeader::value).orElse("");
              var extension = operations.findExtension(target);
              if (extension.isPresent()) {
                return extension
                    .get()
                    .handle(ctx, parse(body))
                    .thenApply(output -> ok(requestId, output));
              }
              if (target.startsWith(EcsOperations.ADMIN_PREFIX + ".")) {
                return admin(
                        ctx, target.substring(EcsOperations.ADMIN_PREFIX.length() + 1), parse(body))
                    .thenApply(output -> ok(requestId, output));
              }
              String operation = operationName(request);
              EcsOperation handler =
                  operations
                      .find(operation)
                      .orElseThrow(
                          () ->
                              EcsException.unknownOperation(
                                  "Unknown operation "
                                      + (operation.isEmpty()
                                          ? "(no X-Amz-Target header)"
                                          : operation)
                                      + "."));
              JsonNode input = parse(body);
              EcsApiModel.get().validateInput(operation, input);
              return handler.handle(ctx, input).thenApply(output -> ok(requestId, output));
            });
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
    if (body.length == 0) return JSON.createObjectNode();
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw EcsException.serialization("The request body must be a JSON object.");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw EcsException.serialization(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw EcsException.serialization("The request body could not be read.");
    }
  }

  private static HttpResponse ok(String requestId, JsonNode output) {
    try {
      return HttpResponse.create()
          .withEntity(AMZ_JSON, JSON.writeValueAsBytes(output))
          .addHeader(RawHeader.create("x-amzn-RequestId", requestId));
    } catch (JsonProcessingException e) {
      return error(requestId, EcsException.server("The response could not be written."));
    }
  }

  static HttpResponse error(String requestId, EcsException e) {
    if (e.httpStatus() >= 500) log.warn("request {} failed", requestId, e);
    return HttpResponse.create()
        .withStatus(e.httpStatus())
        .withEntity(AMZ_JSON, e.toJson().getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create("x-amzn-RequestId", requestId))
        .addHeader(RawHeader.create("x-amzn-ErrorType", e.errorType()));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
