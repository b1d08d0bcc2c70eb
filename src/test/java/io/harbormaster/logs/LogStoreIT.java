package io.harbormaster.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.harbormaster.persistence.CassandraSchema;
import io.harbormaster.testing.ProjectHome;
import io.harbormaster.testing.SettableClock;
import io.harbormaster.testing.SharedCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log store's operations on a real Cassandra with the checked-in schema: paging, prefixes,
 * orders, tokens both ways, retention, deletion and accounts kept apart.
 */
class LogStoreIT {
  private static CqlSession session;
  private static ExecutorService pool;
  private static SettableClock clock;
  private static LogStore store;
  private final String account =
      "1" + UUID.randomUUID().toString().replaceAll("\\D", "").substring(0, 6);

  @BeforeAll
  static void start() {
    session = SharedCassandra.openSession();
    CassandraSchema.apply(session, ProjectHome.resolve("persistence/cql"));
    pool = Executors.newFixedThreadPool(2);
    clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    store =
        new LogStore(
            session,
            CassandraSchema.JOURNAL_KEYSPACE,
            new LogsSettings(Duration.ZERO, 7, 1_000, 2),
            pool,
            clock);
  }

  @AfterAll
  static void stop() {
    if (session != null) session.close();
    if (pool != null) pool.shutdownNow();
  }

  @Test
  void groups_createTwice_prefixAndPaging_delete() throws Exception {
    for (String g : List.of("/ecs/b", "/ecs/a", "/ecs/c", "/other/x", "/ecs-z")) {
      get(store.createLogGroup(account, g));
    }
    assertEquals(
        LogsError.RESOURCE_ALREADY_EXISTS,
        failure(store.createLogGroup(account, "/ecs/a")).error());
    assertEquals(
        LogsError.INVALID_PARAMETER, failure(store.createLogGroup(account, "a:b")).error());

    var first = get(store.describeLogGroups(account, "/ecs/", 2, null));
    assertEquals(List.of("/ecs/a", "/ecs/b"), names(first.items()));
    var second = get(store.describeLogGroups(account, "/ecs/", 2, first.nextToken().orElseThrow()));
    assertEquals(List.of("/ecs/c"), names(second.items()));
    assertTrue(second.nextToken().isEmpty());
    assertEquals(5, get(store.describeLogGroups(account, null, null, null)).items().size());
    assertEquals(List.of(), get(store.describeLogGroups("2" + account, null, null, null)).items());

    get(store.putEvents(account, "/ecs/a", "s", false, List.of(event(1_000, 0, "x"))));
    get(store.deleteLogGroup(account, "/ecs/a"));
    assertEquals(
        LogsError.RESOURCE_NOT_FOUND,
        failure(store.getLogEvents(account, "/ecs/a", "s", null, null, true, null, null)).error());
    assertEquals(
        LogsError.RESOURCE_NOT_FOUND, failure(store.deleteLogGroup(account, "/ecs/a")).error());
    // created again, it is empty
    get(store.putEvents(account, "/ecs/a", "s", true, List.of()));
    assertEquals(
        List.of(),
        get(store.getLogEvents(account, "/ecs/a", "s", null, null, true, null, null)).events());
  }

  @Test
  void ingestion_needsTheGroupUnlessAskedToCreateIt_andStoresARepeatedBatchOnce() throws Exception {
    assertEquals(
        LogsError.RESOURCE_NOT_FOUND,
        failure(store.putEvents(account, "/g", "s", false, List.of(event(1, 0, "x")))).error());
    List<LogStore.NewEvent> batch = List.of(event(1_000, 0, "a"), event(1_000, 1, "b"));
    get(store.putEvents(account, "/g", "s", true, batch));
    get(store.putEvents(account, "/g", "s", false, batch));
    var events = get(store.getLogEvents(account, "/g", "s", null, null, true, null, null));
    assertEquals(List.of("a", "b"), messages(events.events()));
  }

  @Test
  void getLogEvents_forwardAndBackwardTokens_andTheEndGivesTheSameTokenBack() throws Exception {
    List<LogStore.NewEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) events.add(event(1_000L * (i + 1), 0, "e" + i));
    get(store.putEvents(account, "/t", "s", true, events));

    var head = get(store.getLogEvents(account, "/t", "s", null, null, true, 4, null));
    assertEquals(List.of("e0", "e1", "e2", "e3"), messages(head.events()));
    var next =
        get(store.getLogEvents(account, "/t", "s", null, null, true, 4, head.nextForwardToken()));
    assertEquals(List.of("e4", "e5", "e6", "e7"), messages(next.events()));
    var back =
        get(store.getLogEvents(account, "/t", "s", null, null, true, 2, next.nextBackwardToken()));
    assertEquals(List.of("e2", "e3"), messages(back.events()));
    var last =
        get(store.getLogEvents(account, "/t", "s", null, null, true, 4, next.nextForwardToken()));
    assertEquals(List.of("e8", "e9"), messages(last.events()));
    var end =
        get(store.getLogEvents(account, "/t", "s", null, null, true, 4, last.nextForwardToken()));
    assertEquals(List.of(), end.events());
    assertEquals(last.nextForwardToken(), end.nextForwardToken(), "the same token: the end");

    var tail = get(store.getLogEvents(account, "/t", "s", null, null, false, 3, null));
    assertEquals(List.of("e7", "e8", "e9"), messages(tail.events()), "from the tail, in order");
    // [startTime, endTime): e2 (3000 ms) to e4 (5000 ms) excluded
    var window = get(store.getLogEvents(account, "/t", "s", 3_000L, 5_000L, true, null, null));
    assertEquals(List.of("e2", "e3"), messages(window.events()));

    assertEquals(
        LogsError.RESOURCE_NOT_FOUND,
        failure(store.getLogEvents(account, "/t", "nope", null, null, true, null, null)).error());
    assertEquals(
        LogsError.INVALID_PARAMETER,
        failure(store.getLogEvents(account, "/t", "s", null, null, true, null, "f/123")).error());
    assertEquals(
        LogsError.INVALID_PARAMETER,
        failure(store.getLogEvents(account, "/t", "s", null, null, true, 10_001, null)).error());
  }

  @Test
  void filterLogEvents_mergesStreamsInTimeOrder_pagesThroughTheScanLimit_andMatches()
      throws Exception {
    // two streams, interleaved in time, 20 events each; the store's scan limit is 1,000
    List<LogStore.NewEvent> a = new ArrayList<>();
    List<LogStore.NewEvent> b = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      a.add(event(10_000L + 2 * i, 0, "a" + i + (i % 5 == 0 ? " ERROR disk" : " ok")));
      b.add(event(10_000L + 2 * i + 1, 0, "b" + i + (i % 5 == 0 ? " ERROR net" : " ok")));
    }
    get(store.putEvents(account, "/f", "web/a", true, a));
    get(store.putEvents(account, "/f", "web/b", true, b));
    get(store.putEvents(account, "/f", "db/c", true, List.of(event(10_000, 0, "c ERROR"))));

    List<String> all = new ArrayList<>();
    String token = null;
    do {
      var page =
          get(
              store.filterLogEvents(
                  account,
                  "/f",
                  new LogStore.StreamSelection(List.of(), "web/"),
                  null,
                  null,
                  null,
                  6,
                  token));
      all.addAll(messages(page.items()));
      token = page.nextToken().orElse(null);
    } while (token != null);
    assertEquals(40, all.size());
    assertEquals(List.of("a0 ERROR disk", "b0 ERROR net", "a1 ok", "b1 ok"), all.subList(0, 4));

    var errors =
        get(
            store.filterLogEvents(
                account, "/f", LogStore.StreamSelection.ALL, null, null, "ERROR -net", null, null));
    assertEquals(
        List.of("c ERROR", "a0 ERROR disk", "a5 ERROR disk", "a10 ERROR disk", "a15 ERROR disk"),
        messages(errors.items()));
    var named =
        get(
            store.filterLogEvents(
                account,
                "/f",
                new LogStore.StreamSelection(List.of("db/c"), null),
                null,
                null,
                "\"c ERROR\"",
                null,
                null));
    assertEquals(List.of("db/c"), named.items().stream().map(LogStore.LogEvent::stream).toList());
    assertEquals(
        LogsError.INVALID_PARAMETER,
        failure(
                store.filterLogEvents(
                    account, "/f", LogStore.StreamSelection.ALL, null, null, "\"open", null, null))
            .error());

    var byLastEvent =
        get(
            store.describeLogStreams(
                account, "/f", null, LogStore.StreamOrder.LAST_EVENT_TIME, true, null, null));
    assertEquals(List.of("web/b", "web/a", "db/c"), streamNames(byLastEvent.items()));
    LogStore.LogStream webA = byLastEvent.items().get(1);
    assertEquals(Instant.ofEpochMilli(10_000), webA.firstEventAt());
    assertEquals(Instant.ofEpochMilli(10_038), webA.lastEventAt());
    var byName = get(store.describeLogStreams(account, "/f", "web/", null, false, 1, null));
    assertEquals(List.of("web/a"), streamNames(byName.items()));
    var byNameNext =
        get(
            store.describeLogStreams(
                account, "/f", "web/", null, false, 1, byName.nextToken().orElseThrow()));
    assertEquals(List.of("web/b"), streamNames(byNameNext.items()));
    var descending = get(store.describeLogStreams(account, "/f", null, null, true, null, null));
    assertEquals(List.of("web/b", "web/a", "db/c"), streamNames(descending.items()));
  }

  @Test
  void retention_hidesOlderEvents_andTakesOnlyCloudWatchsValues() throws Exception {
    long now = clock.instant().toEpochMilli();
    get(
        store.putEvents(
            account,
            "/r",
            "s",
            true,
            List.of(
                event(now - Duration.ofDays(3).toMillis(), 0, "old"),
                event(now - 1_000, 0, "new"))));
    assertEquals(
        List.of("old", "new"),
        messages(
            get(store.getLogEvents(account, "/r", "s", null, null, true, null, null)).events()));
    get(store.putRetentionPolicy(account, "/r", 1));
    assertEquals(
        List.of("new"),
        messages(
            get(store.getLogEvents(account, "/r", "s", null, null, true, null, null)).events()));
    assertEquals(
        1,
        get(store.describeLogGroups(account, "/r", null, null)).items().get(0).retentionInDays());
    assertEquals(
        LogsError.INVALID_PARAMETER, failure(store.putRetentionPolicy(account, "/r", 2)).error());
    assertEquals(
        LogsError.RESOURCE_NOT_FOUND,
        failure(store.putRetentionPolicy(account, "/none", 1)).error());
  }

  private static LogStore.NewEvent event(long millis, int ordinal, String message) {
    return new LogStore.NewEvent(new EventPosition(millis * 1_000_000L, ordinal), message);
  }

  private static List<String> names(List<LogStore.LogGroup> groups) {
    return groups.stream().map(LogStore.LogGroup::name).toList();
  }

  private static List<String> streamNames(List<LogStore.LogStream> streams) {
    return streams.stream().map(LogStore.LogStream::name).toList();
  }

  private static List<String> messages(List<LogStore.LogEvent> events) {
    return events.stream().map(LogStore.LogEvent::message).toList();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static LogsException failure(CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LogsException, e.getCause().toString());
    return (LogsException) e.getCause();
  }
}
