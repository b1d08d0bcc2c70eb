package io.harbormaster.api.events;

import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.api.ecs.EcsEndpoint;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.events.EventServices;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The events' API on the ECS endpoint: the stream's route and the history, hook and retention
 * actions.
 */
public final class EventApi implements EcsEndpoint.StreamRoute {
  private final EventStreamEndpoint streamEndpoint;
  private final HistoryHandlers historyHandlers;
  private final HookHandlers hookHandlers;
  private final RetentionHandlers retentionHandlers;

  public EventApi(EventServices events, RequestAuthenticator authenticator) {
    this.streamEndpoint =
        new EventStreamEndpoint(
            events.stream(), authenticator, events.journal(), events.settings().streamKeepAlive());
    this.historyHandlers =
        new HistoryHandlers(events.history(), events.kinds(), events.settings().historyPageSize());
    this.hookHandlers = new HookHandlers(events.rules(), events.deadLetters(), events.delivery());
    this.retentionHandlers = new RetentionHandlers(events.retention());
  }

  public void register(EcsOperations operations) {
    historyHandlers.register(operations);
    hookHandlers.register(operations);
    retentionHandlers.register(operations);
  }

  @Override
  public String path() {
    return EventStreamEndpoint.PATH;
  }

  @Override
  public CompletionStage<HttpResponse> handle(
      HttpRequest request, HttpEntity.Strict entity, byte[] body) {
    return streamEndpoint.handle(request, entity, body);
  }
}
