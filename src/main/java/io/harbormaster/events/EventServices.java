package io.harbormaster.events;

import io.harbormaster.api.ecs.EcsEndpoint;
import io.harbormaster.api.ecs.EcsOperations;
import io.harbormaster.api.events.EventStreamEndpoint;
import io.harbormaster.api.events.HistoryHandlers;
import io.harbormaster.api.events.HookHandlers;
import io.harbormaster.api.events.RetentionHandlers;
import io.harbormaster.events.retention.EventRetention;
import io.harbormaster.auth.RequestAuthenticator;
import io.harbormaster.common.EventTags;
import io.harbormaster.events.history.ResourceHistory;
import io.harbormaster.events.hooks.DeadLetters;
import io.harbormaster.events.hooks.HookDelivery;
import io.harbormaster.events.hooks.HookDispatcher;
import io.harbormaster.events.hooks.HookRules;
import io.harbormaster.events.hooks.WebhookClient;
import io.harbormaster.events.stream.EventStream;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;

/** The events part of a node: the stream's route, the history and hook actions, and the hook dispatchers. */
public final class EventServices {
  private final EventStreamEndpoint streamEndpoint;
  private final HistoryHandlers historyHandlers;
  private final HookHandlers hookHandlers;
  private final RetentionHandlers retentionHandlers;

  private EventServices(EventStreamEndpoint streamEndpoint, HistoryHandlers historyHandlers,
      HookHandlers hookHandlers, RetentionHandlers retentionHandlers) {
    this.streamEndpoint = streamEndpoint;
    this.historyHandlers = historyHandlers;
    this.hookHandlers = hookHandlers;
    this.retentionHandlers = retentionHandlers;
  }

  public static EventServices start(ActorSystem<?> system, EventsSettings settings, EventTags tags, String region,
      RequestAuthenticator authenticator, Clock clock) {
    CassandraReadJournal journal = PersistenceQuery.get(system)
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    String keyspace = system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace");
    ResourceKinds kinds = ResourceKinds.standard();
    ResourceStates states = new ResourceStates(kinds, journal, system, region, settings.stateCacheSize());
    EventLog log = new EventLog(journal, states);
    List<String> published = kinds.publishedTags(tags);

    HookRules rules = new HookRules(journal.session(), keyspace);
    DeadLetters deadLetters = new DeadLetters(journal.session(), keyspace);
    HookDelivery delivery = new HookDelivery(system, new WebhookClient(settings.hooks().requestTimeout()),
        deadLetters, settings.hooks(), clock);
    if (settings.hooks().enabled()) {
      HookDispatcher.init(system, published, log, new TagOffsets(journal.session(), keyspace), rules, delivery,
          settings.hooks());
    }
    EventRetention retention = new EventRetention(system, journal, keyspace, states, clock,
        settings.retentionParallelism(), tags);
    retention.startSweeper(settings.retentionSweepInterval());
    return new EventServices(
        new EventStreamEndpoint(new EventStream(log, published), authenticator, journal, settings.streamKeepAlive()),
        new HistoryHandlers(new ResourceHistory(journal, states, system), kinds, settings.historyPageSize()),
        new HookHandlers(rules, deadLetters, delivery), new RetentionHandlers(retention));
  }

  public void register(EcsOperations operations) {
    historyHandlers.register(operations);
    hookHandlers.register(operations);
    retentionHandlers.register(operations);
  }

  public EcsEndpoint.StreamRoute streamRoute() {
    return new EcsEndpoint.StreamRoute() {
      @Override
      public String path() {
        return EventStreamEndpoint.PATH;
      }

      @Override
      public java.util.concurrent.CompletionStage<org.apache.pekko.http.javadsl.model.HttpResponse> handle(
          org.apache.pekko.http.javadsl.model.HttpRequest request,
          org.apache.pekko.http.javadsl.model.HttpEntity.Strict entity, byte[] body) {
        return streamEndpoint.handle(request, entity, body);
      }
    };
  }
}
