package io.harbormaster.events;

import io.harbormaster.common.EventTags;
import io.harbormaster.events.history.ResourceHistory;
import io.harbormaster.events.hooks.DeadLetters;
import io.harbormaster.events.hooks.HookDelivery;
import io.harbormaster.events.hooks.HookDispatcher;
import io.harbormaster.events.hooks.HookRules;
import io.harbormaster.events.hooks.WebhookClient;
import io.harbormaster.events.retention.EventRetention;
import io.harbormaster.events.stream.EventStream;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;

/**
 * The events part of a node: the stream, the history, the hook rules with their dispatchers and
 * dead letters, and the retention sweeper. {@code api/events} serves them.
 */
public record EventServices(
    EventsSettings settings,
    CassandraReadJournal journal,
    ResourceKinds kinds,
    EventStream stream,
    ResourceHistory history,
    HookRules rules,
    DeadLetters deadLetters,
    HookDelivery delivery,
    EventRetention retention) {

  public static EventServices start(
      ActorSystem<?> system, EventsSettings settings, EventTags tags, String region, Clock clock) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    String keyspace =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace");
    ResourceKinds kinds = ResourceKinds.standard();
    ResourceStates states =
        new ResourceStates(kinds, journal, system, region, settings.stateCacheSize());
    EventLog log = new EventLog(journal, states, clock);
    List<String> published = kinds.publishedTags(tags);

    HookRules rules = new HookRules(journal.session(), keyspace);
    DeadLetters deadLetters = new DeadLetters(journal.session(), keyspace);
    HookDelivery delivery =
        new HookDelivery(
            system,
            new WebhookClient(settings.hooks().requestTimeout()),
            deadLetters,
            settings.hooks(),
            clock);
    if (settings.hooks().enabled()) {
      HookDispatcher.init(
          system,
          published,
          log,
          new TagOffsets(journal.session(), keyspace),
          rules,
          delivery,
          settings.hooks(),
          clock);
    }
    EventRetention retention =
        new EventRetention(
            system, journal, keyspace, states, clock, settings.retentionParallelism(), tags);
    retention.startSweeper(settings.retentionSweepInterval());
    return new EventServices(
        settings,
        journal,
        kinds,
        new EventStream(log, published),
        new ResourceHistory(journal, states, system),
        rules,
        deadLetters,
        delivery,
        retention);
  }
}
