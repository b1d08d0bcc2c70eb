package io.harbormaster.api.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.logs.LogStore;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.AgentMessage;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * {@code GET /agent/v1/connect} upgraded to a websocket: the agent's session. The upgrade request
 * is SigV4-signed with an access key of the account that owns the cluster; each session gets its
 * own {@link AgentSession} actor.
 */
public final class AgentEndpoint {
  public static final String PATH = AgentMessages.CONNECT_PATH;
  private static final ObjectMapper JSON = AgentMessages.JSON;
  private static final int OUT_BUFFER = 10_000;

  private final ActorSystem<?> system;
  private final Entities entities;
  private final RequestAuthenticator authenticator;
  private final String region;
  private final Materializer materializer;
  private final Clock clock;
  private final Optional<LogStore> logs;

  public AgentEndpoint(
      ActorSystem<?> system,
      Entities entities,
      RequestAuthenticator authenticator,
      String region,
      Clock clock) {
    this(system, entities, authenticator, region, Optional.empty(), clock);
  }

  /** With a log store, which the sessions write the agents' container logs to. */
  public AgentEndpoint(
      ActorSystem<?> system,
      Entities entities,
      RequestAuthenticator authenticator,
      String region,
      Optional<LogStore> logs,
      Clock clock) {
    this.logs = logs;
    this.system = system;
    this.clock = clock;
    this.entities = entities;
    this.authenticator = authenticator;
    this.region = region;
    this.materializer = Materializer.matFromSystem(system);
  }

  /**
   * Empty when the request is not a websocket upgrade; a failed stage carries the (403) refusal.
   */
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty()) {
      return CompletableFuture.failedFuture(
          EcsException.invalidParameter(
              PATH + " takes a websocket upgrade (the agent's session)."));
    }
    return authenticator
        .authenticate(request, HttpEntities.EMPTY, new byte[0])
        .thenApply(accountId -> upgrade.get().handleMessagesWith(session(accountId)));
  }

  private Flow<Message, Message, NotUsed> session(String accountId) {
    Pair<ActorRef<AgentMessage>, Source<AgentMessage, NotUsed>> out =
        ActorSource.<AgentMessage>actorRef(
                m -> false, m -> Optional.empty(), OUT_BUFFER, OverflowStrategy.dropHead())
            .preMaterialize(system);
    ActorRef<AgentSession.Command> session =
        system.systemActorOf(
            AgentSession.create(accountId, region, entities, logs, out.first(), clock),
            "agent-session-" + UUID.randomUUID(),
            Props.empty());
    Sink<Message, NotUsed> in =
        Flow.<Message>create()
            .filter(Message::isText)
            .mapAsync(1, m -> m.asTextMessage().toStrict(10_000, materializer))
            .map(
                t ->
                    (AgentSession.Command)
                        new AgentSession.FromAgent(
                            JSON.readValue(t.getStrictText(), AgentMessage.class)))
            .to(
                ActorSink.actorRef(
                    session,
                    new AgentSession.Disconnected(),
                    failure -> new AgentSession.Disconnected()));
    // A refusal is the session's last word: the server then closes its side too. Coupled: when the
    // agent goes away
    // the outgoing side completes, and when the session ends the agent sees the close and
    // reconnects.
    Source<Message, NotUsed> outgoing =
        out.second()
            .takeWhile(m -> !(m instanceof AgentMessages.Refused), true)
            .map(m -> TextMessage.create(JSON.writeValueAsString(m)));
    return Flow.fromSinkAndSourceCoupled(in, outgoing);
  }
}
