package io.harbormaster.logs;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Container logs as CloudWatch Logs keeps them: log groups of an account, their streams, each
 * stream's events in order, over Cassandra ({@code persistence/cql/008-container-logs.cql}), never
 * through the event journal. The CloudWatch Logs API's handlers call this, one call each; the agent
 * session writes what agents ship with {@link #putEvents}.
 *
 * <p>Every call names its account and sees only that account's groups. Refusals are {@link
 * LogsException}s carrying the Logs service's error. Calls block on Cassandra on the store's own
 * executor and complete their stage there.
 */
public final class LogStore {

  /** The retention values CloudWatch Logs accepts, in days. */
  public static final Set<Integer> RETENTION_DAYS =
      Set.of(
          1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
          2922, 3288, 3653);

  private static final Pattern GROUP_NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
  private static final Pattern STREAM_NAME = Pattern.compile("[^:*]{1,512}");
  private static final int MAX_PAGE = 50;
  private static final int MAX_EVENTS = 10_000;

  /** How DescribeLogStreams orders. */
  public enum StreamOrder {
    LOG_STREAM_NAME,
    LAST_EVENT_TIME
  }

  public record LogGroup(String name, Instant createdAt, Integer retentionInDays) {}

  public record LogStream(
      String name,
      Instant createdAt,
      Instant firstEventAt,
      Instant lastEventAt,
      Instant lastIngestionAt) {}

  /** An event as its source gives it: where it sits in its stream, and its text. */
  public record NewEvent(EventPosition position, String message) {}

  /** A stored event. */
  public record LogEvent(
      String stream, EventPosition position, String message, Instant ingestedAt) {
    /** Epoch milliseconds, as CloudWatch reports an event's time. */
    public long timestamp() {
      return position.epochMillis();
    }

    /**
     * Unique within the group and stable across reads (the AWS CLI's {@code logs tail} drops what
     * it has seen by this id): the position and the stream, as digits.
     */
    public String eventId() {
      return String.format(
          "%020d%010d%010d",
          position.eventNs(), Integer.toUnsignedLong(stream.hashCode()), position.ordinal());
    }
  }

  public record Page<T>(List<T> items, Optional<String> nextToken) {}

  /** GetLogEvents' answer: both tokens are always there, as in CloudWatch. */
  public record StreamEvents(
      List<LogEvent> events, String nextForwardToken, String nextBackwardToken) {}

  /** Where FilterLogEvents looks: given stream names, or a name prefix, or every stream. */
  public record StreamSelection(List<String> names, String prefix) {
    public static final StreamSelection ALL = new StreamSelection(List.of(), null);

    public StreamSelection {
      names = names == null ? List.of() : List.copyOf(names);
    }

    boolean includes(String stream) {
      return (names.isEmpty() || names.contains(stream))
          && (prefix == null || stream.startsWith(prefix));
    }
  }

  private final CqlSession session;
  private final LogsSettings settings;
  private final Executor executor;
  private final Clock clock;

  private final PreparedStatement insertGroup;
  private final PreparedStatement selectGroup;
  private final PreparedStatement selectGroupsFrom;
  private final PreparedStatement selectGroupsAfter;
  private final PreparedStatement deleteGroup;
  private final PreparedStatement updateRetention;
  private final PreparedStatement insertStream;
  private final PreparedStatement selectStream;
  private final PreparedStatement selectStreams;
  private final PreparedStatement selectStreamsAfter;
  private final PreparedStatement selectStreamsFrom;
  private final PreparedStatement selectStreamsBeforeDesc;
  private final PreparedStatement selectStreamsDesc;
  private final PreparedStatement updateStream;
  private final PreparedStatement setFirstEvent;
  private final PreparedStatement deleteStreams;
  private final PreparedStatement insertEvent;
  private final PreparedStatement insertEventWithTtl;
  private final PreparedStatement selectEventsAsc;
  private final PreparedStatement selectEventsDesc;
  private final PreparedStatement deleteEvents;

  /** Groups by (account, name) as last read: ingestion checks them on every batch. */
  private final Map<List<String>, CachedGroup> groups = new ConcurrentHashMap<>();

  /** Streams this node has made sure exist: (account, group, stream). */
  private final Set<List<String>> knownStreams = ConcurrentHashMap.newKeySet();

  /** Streams whose first event time this node has seen set. */
  private final Set<List<String>> streamsWithFirstEvent = ConcurrentHashMap.newKeySet();

  private record CachedGroup(Optional<LogGroup> group, Instant readAt) {}

  public LogStore(
      CqlSession session, String keyspace, LogsSettings settings, Executor executor, Clock clock) {
    this.session = session;
    this.settings = settings;
    this.executor = executor;
    this.clock = clock;
    String k = keyspace + ".";
    insertGroup =
        session.prepare(
            "INSERT INTO "
                + k
                + "log_groups (account_id, log_group, created_at) VALUES (?, ?, ?) IF NOT EXISTS");
    selectGroup =
        session.prepare(
            "SELECT log_group, created_at, retention_days FROM "
                + k
                + "log_groups WHERE account_id = ? AND log_group = ?");
    selectGroupsFrom =
        session.prepare(
            "SELECT log_group, created_at, retention_days FROM "
                + k
                + "log_groups WHERE account_id = ? AND log_group >= ?");
    selectGroupsAfter =
        session.prepare(
            "SELECT log_group, created_at, retention_days FROM "
                + k
                + "log_groups WHERE account_id = ? AND log_group > ?");
    deleteGroup =
        session.prepare("DELETE FROM " + k + "log_groups WHERE account_id = ? AND log_group = ?");
    updateRetention =
        session.prepare(
            "UPDATE "
                + k
                + "log_groups SET retention_days = ? WHERE account_id = ? AND log_group = ? IF EXISTS");
    insertStream =
        session.prepare(
            "INSERT INTO "
                + k
                + "log_streams (account_id, log_group, log_stream, created_at) VALUES (?, ?, ?, ?)"
                + " IF NOT EXISTS");
    String streamColumns =
        "SELECT log_stream, created_at, first_event_at, last_event_at, last_ingestion_at FROM "
            + k
            + "log_streams WHERE account_id = ? AND log_group = ?";
    selectStream = session.prepare(streamColumns + " AND log_stream = ?");
    selectStreams = session.prepare(streamColumns);
    selectStreamsAfter = session.prepare(streamColumns + " AND log_stream > ?");
    selectStreamsFrom = session.prepare(streamColumns + " AND log_stream >= ?");
    selectStreamsDesc = session.prepare(streamColumns + " ORDER BY log_stream DESC");
    selectStreamsBeforeDesc =
        session.prepare(streamColumns + " AND log_stream < ? ORDER BY log_stream DESC");
    updateStream =
        session.prepare(
            "UPDATE "
                + k
                + "log_streams SET last_event_at = ?, last_ingestion_at = ? WHERE account_id = ? AND"
                + " log_group = ? AND log_stream = ?");
    setFirstEvent =
        session.prepare(
            "UPDATE "
                + k
                + "log_streams SET first_event_at = ? WHERE account_id = ? AND log_group = ? AND"
                + " log_stream = ? IF first_event_at = null");
    deleteStreams =
        session.prepare("DELETE FROM " + k + "log_streams WHERE account_id = ? AND log_group = ?");
    String insert =
        "INSERT INTO "
            + k
            + "log_events (account_id, log_group, log_stream, event_ns, ordinal, ingested_at,"
            + " message) VALUES (?, ?, ?, ?, ?, ?, ?)";
    insertEvent = session.prepare(insert);
    insertEventWithTtl = session.prepare(insert + " USING TTL ?");
    String events =
        "SELECT event_ns, ordinal, ingested_at, message FROM "
            + k
            + "log_events WHERE account_id = ? AND log_group = ? AND log_stream = ? AND"
            + " (event_ns, ordinal) > (?, ?) AND (event_ns, ordinal) < (?, ?)";
    selectEventsAsc = session.prepare(events + " ORDER BY event_ns ASC, ordinal ASC LIMIT ?");
    selectEventsDesc = session.prepare(events + " ORDER BY event_ns DESC, ordinal DESC LIMIT ?");
    deleteEvents =
        session.prepare(
            "DELETE FROM "
                + k
                + "log_events WHERE account_id = ? AND log_group = ? AND log_stream = ?");
  }

  // --- groups

  /**
   * @throws LogsException ResourceAlreadyExistsException when the account has the group
   */
  public CompletionStage<LogGroup> createLogGroup(String accountId, String name) {
    return async(
        () -> {
          checkGroupName(name);
          Instant now = clock.instant();
          boolean applied = session.execute(insertGroup.bind(accountId, name, now)).wasApplied();
          if (!applied) {
            throw new LogsException(
                LogsError.RESOURCE_ALREADY_EXISTS, "The specified log group already exists");
          }
          LogGroup group = new LogGroup(name, now, null);
          groups.put(List.of(accountId, name), new CachedGroup(Optional.of(group), now));
          return group;
        });
  }

  /** Groups whose name starts with {@code prefix} (null: all), in name order. */
  public CompletionStage<Page<LogGroup>> describeLogGroups(
      String accountId, String prefix, Integer limit, String nextToken) {
    return async(
        () -> {
          int max = pageLimit(limit, MAX_PAGE);
          String p = prefix == null ? "" : prefix;
          if (prefix != null) checkGroupName(prefix);
          String after = nextToken != null ? LogTokens.decodeAfterName(nextToken) : null;
          // Names sort by their bytes: those with the prefix come from the prefix itself on.
          var rows =
              after == null || after.compareTo(p) < 0
                  ? session.execute(selectGroupsFrom.bind(accountId, p).setPageSize(max + 1))
                  : session.execute(selectGroupsAfter.bind(accountId, after).setPageSize(max + 1));
          List<LogGroup> page = new ArrayList<>();
          boolean more = false;
          for (Row row : rows) {
            String name = row.getString("log_group");
            if (!name.startsWith(p)) {
              if (name.compareTo(p) > 0) break;
              continue;
            }
            if (page.size() == max) {
              more = true;
              break;
            }
            page.add(group(row));
          }
          return new Page<>(
              page,
              more
                  ? Optional.of(LogTokens.afterName(page.get(page.size() - 1).name()))
                  : Optional.empty());
        });
  }

  /** The group, its streams and their events. */
  public CompletionStage<Void> deleteLogGroup(String accountId, String name) {
    return async(
        () -> {
          requireGroup(accountId, name);
          for (Row row : session.execute(selectStreams.bind(accountId, name))) {
            session.execute(deleteEvents.bind(accountId, name, row.getString("log_stream")));
            knownStreams.remove(List.of(accountId, name, row.getString("log_stream")));
            streamsWithFirstEvent.remove(List.of(accountId, name, row.getString("log_stream")));
          }
          session.execute(deleteStreams.bind(accountId, name));
          session.execute(deleteGroup.bind(accountId, name));
          groups.remove(List.of(accountId, name));
          return null;
        });
  }

  /**
   * Events older than {@code days} are no longer answered, and events written from now on expire
   * then.
   *
   * @param days one of {@link #RETENTION_DAYS}, or null to keep events forever
   */
  public CompletionStage<Void> putRetentionPolicy(String accountId, String name, Integer days) {
    return async(
        () -> {
          if (days != null && !RETENTION_DAYS.contains(days)) {
            throw LogsException.invalidParameter(
                "1 validation error detected: Value '"
                    + days
                    + "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum"
                    + " value set: "
                    + RETENTION_DAYS.stream().sorted().toList());
          }
          checkGroupName(name);
          if (!session.execute(updateRetention.bind(days, accountId, name)).wasApplied()) {
            throw LogsException.groupNotFound();
          }
          groups.remove(List.of(accountId, name));
          return null;
        });
  }

  // --- streams

  /**
   * @throws LogsException ResourceNotFoundException for a missing group,
   *     ResourceAlreadyExistsException for an existing stream
   */
  public CompletionStage<Void> createLogStream(String accountId, String group, String stream) {
    return async(
        () -> {
          checkStreamName(stream);
          requireGroup(accountId, group);
          if (!session
              .execute(insertStream.bind(accountId, group, stream, clock.instant()))
              .wasApplied()) {
            throw new LogsException(
                LogsError.RESOURCE_ALREADY_EXISTS, "The specified log stream already exists");
          }
          knownStreams.add(List.of(accountId, group, stream));
          return null;
        });
  }

  /**
   * DescribeLogStreams. By name a page is read in the table's order; by last event time (where
   * CloudWatch takes no prefix) the group's streams are sorted in memory.
   */
  public CompletionStage<Page<LogStream>> describeLogStreams(
      String accountId,
      String group,
      String prefix,
      StreamOrder orderBy,
      boolean descending,
      Integer limit,
      String nextToken) {
    return async(
        () -> {
          int max = pageLimit(limit, MAX_PAGE);
          StreamOrder order = orderBy == null ? StreamOrder.LOG_STREAM_NAME : orderBy;
          if (order == StreamOrder.LAST_EVENT_TIME && prefix != null) {
            throw LogsException.invalidParameter(
                "Cannot order by LastEventTime with a logStreamNamePrefix.");
          }
          requireGroup(accountId, group);
          String after = nextToken == null ? null : LogTokens.decodeAfterName(nextToken);
          return switch (order) {
            case LOG_STREAM_NAME -> streamsByName(accountId, group, prefix, descending, max, after);
            case LAST_EVENT_TIME -> streamsByLastEvent(accountId, group, descending, max, after);
          };
        });
  }

  private Page<LogStream> streamsByName(
      String accountId, String group, String prefix, boolean descending, int max, String after) {
    String p = prefix == null ? "" : prefix;
    Iterable<Row> rows;
    if (descending) {
      rows =
          after == null
              ? session.execute(selectStreamsDesc.bind(accountId, group))
              : session.execute(selectStreamsBeforeDesc.bind(accountId, group, after));
    } else {
      rows =
          after == null
              ? session.execute(selectStreamsFrom.bind(accountId, group, p))
              : session.execute(selectStreamsAfter.bind(accountId, group, after));
    }
    List<LogStream> page = new ArrayList<>();
    boolean more = false;
    for (Row row : rows) {
      String name = row.getString("log_stream");
      if (!name.startsWith(p)) {
        if (!descending && name.compareTo(p) > 0) break;
        continue;
      }
      if (page.size() == max) {
        more = true;
        break;
      }
      page.add(stream(row));
    }
    return new Page<>(
        page,
        more
            ? Optional.of(LogTokens.afterName(page.get(page.size() - 1).name()))
            : Optional.empty());
  }

  private Page<LogStream> streamsByLastEvent(
      String accountId, String group, boolean descending, int max, String after) {
    List<LogStream> all = new ArrayList<>();
    for (Row row : session.execute(selectStreams.bind(accountId, group))) all.add(stream(row));
    Comparator<LogStream> order =
        Comparator.comparing(
                (LogStream s) -> s.lastEventAt() == null ? Instant.EPOCH : s.lastEventAt())
            .thenComparing(LogStream::name);
    all.sort(descending ? order.reversed() : order);
    int from = 0;
    if (after != null) {
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).name().equals(after)) from = i + 1;
      }
    }
    List<LogStream> page =
        all.subList(Math.min(from, all.size()), Math.min(from + max, all.size()));
    boolean more = from + max < all.size();
    return new Page<>(
        List.copyOf(page),
        more
            ? Optional.of(LogTokens.afterName(page.get(page.size() - 1).name()))
            : Optional.empty());
  }

  // --- events in

  /**
   * Stores a stream's events, creating the stream (and, when {@code createGroup}, the group) as
   * needed. Writing an event again (same stream and position) overwrites it: a batch sent twice
   * leaves each event once.
   *
   * @throws LogsException ResourceNotFoundException for a missing group that is not to be created
   */
  public CompletionStage<Void> putEvents(
      String accountId, String group, String stream, boolean createGroup, List<NewEvent> events) {
    return async(
        () -> {
          LogGroup g = openStream(accountId, group, stream, createGroup);
          if (events.isEmpty()) return null;
          Instant now = clock.instant();
          long ttl = g.retentionInDays() == null ? 0 : g.retentionInDays() * 86_400L;
          BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
          for (NewEvent e : events) {
            if (ttl > 0) {
              batch.addStatement(
                  insertEventWithTtl.bind(
                      accountId,
                      group,
                      stream,
                      e.position().eventNs(),
                      e.position().ordinal(),
                      now,
                      e.message(),
                      (int) ttl));
            } else {
              batch.addStatement(
                  insertEvent.bind(
                      accountId,
                      group,
                      stream,
                      e.position().eventNs(),
                      e.position().ordinal(),
                      now,
                      e.message()));
            }
          }
          // One partition: Cassandra applies the batch as one mutation.
          session.execute(batch.build());
          List<String> key = List.of(accountId, group, stream);
          if (!streamsWithFirstEvent.contains(key)) {
            // Sources ship a stream in order: its first batch holds its first event.
            session.execute(
                setFirstEvent.bind(
                    Instant.ofEpochMilli(events.get(0).position().epochMillis()),
                    accountId,
                    group,
                    stream));
            streamsWithFirstEvent.add(key);
          }
          EventPosition last = events.get(events.size() - 1).position();
          session.execute(
              updateStream.bind(
                  Instant.ofEpochMilli(last.epochMillis()), now, accountId, group, stream));
          return null;
        });
  }

  /**
   * Makes sure the stream exists and answers its group: what an awslogs driver does when its
   * container starts.
   *
   * @throws LogsException ResourceNotFoundException when the group is missing and not to be created
   */
  public CompletionStage<LogGroup> openLogStream(
      String accountId, String group, String stream, boolean createGroup) {
    return async(() -> openStream(accountId, group, stream, createGroup));
  }

  private LogGroup openStream(String accountId, String group, String stream, boolean createGroup) {
    checkGroupName(group);
    checkStreamName(stream);
    Optional<LogGroup> found = cachedGroup(accountId, group);
    if (found.isEmpty()) {
      if (!createGroup) throw LogsException.groupNotFound();
      session.execute(insertGroup.bind(accountId, group, clock.instant()));
      groups.remove(List.of(accountId, group));
      found = cachedGroup(accountId, group);
      if (found.isEmpty()) throw LogsException.groupNotFound(); // deleted at once again
    }
    List<String> key = List.of(accountId, group, stream);
    if (!knownStreams.contains(key)) {
      session.execute(insertStream.bind(accountId, group, stream, clock.instant()));
      knownStreams.add(key);
    }
    return found.get();
  }

  // --- events out

  /**
   * GetLogEvents: one stream's events in [startTime, endTime) (epoch milliseconds, null for open),
   * from the head or the tail, then forward or backward from a token.
   */
  public CompletionStage<StreamEvents> getLogEvents(
      String accountId,
      String group,
      String stream,
      Long startTime,
      Long endTime,
      boolean startFromHead,
      Integer limit,
      String nextToken) {
    return async(
        () -> {
          int max = pageLimit(limit, MAX_EVENTS);
          LogTokens.StreamToken token =
              nextToken == null ? null : LogTokens.decodeStreamToken(nextToken);
          LogGroup g = requireGroup(accountId, group);
          if (session.execute(selectStream.bind(accountId, group, stream)).one() == null) {
            throw LogsException.streamNotFound();
          }
          EventPosition lower = lowerBound(g, startTime);
          EventPosition upper =
              endTime == null
                  ? new EventPosition(Long.MAX_VALUE, 0)
                  : EventPosition.beforeMillis(endTime);
          boolean forward;
          if (token == null) {
            forward = startFromHead;
          } else {
            forward = token.direction() == LogTokens.Direction.FORWARD;
            if (forward) lower = max(lower, token.position());
            else upper = min(upper, token.position());
          }
          List<LogEvent> events = readStream(accountId, group, stream, lower, upper, forward, max);
          if (!events.isEmpty()) {
            return new StreamEvents(
                events,
                LogTokens.forward(events.get(events.size() - 1).position()).encode(),
                LogTokens.backward(events.get(0).position()).encode());
          }
          if (token != null) {
            // Nothing further this way: the same token again, which ends the CLI's paging.
            EventPosition at = token.position();
            return forward
                ? new StreamEvents(
                    List.of(),
                    nextToken,
                    LogTokens.backward(new EventPosition(at.eventNs(), at.ordinal() + 1)).encode())
                : new StreamEvents(
                    List.of(),
                    LogTokens.forward(new EventPosition(at.eventNs(), at.ordinal() - 1)).encode(),
                    nextToken);
          }
          return new StreamEvents(
              List.of(), LogTokens.forward(lower).encode(), LogTokens.backward(upper).encode());
        });
  }

  /**
   * FilterLogEvents: the events of the selected streams in [startTime, endTime) that match the
   * pattern, merged in time order (then by stream). A call reads at most the settings' scan limit
   * of events; when it stops there, the token continues where it stopped, maybe after a page with
   * fewer than {@code limit} events, as CloudWatch's own does.
   */
  public CompletionStage<Page<LogEvent>> filterLogEvents(
      String accountId,
      String group,
      StreamSelection streams,
      Long startTime,
      Long endTime,
      String filterPattern,
      Integer limit,
      String nextToken) {
    return async(
        () -> {
          int max = pageLimit(limit, MAX_EVENTS);
          StreamSelection selection = streams == null ? StreamSelection.ALL : streams;
          if (!selection.names().isEmpty() && selection.prefix() != null) {
            throw LogsException.invalidParameter(
                "logStreamNames and logStreamNamePrefix cannot both be specified.");
          }
          if (selection.names().size() > 100) {
            throw LogsException.invalidParameter("logStreamNames takes at most 100 stream names.");
          }
          FilterPattern pattern = FilterPattern.parse(filterPattern);
          LogTokens.FilterToken token =
              nextToken == null ? null : LogTokens.decodeFilterToken(nextToken);
          LogGroup g = requireGroup(accountId, group);
          EventPosition lower = lowerBound(g, startTime);
          EventPosition upper =
              endTime == null
                  ? new EventPosition(Long.MAX_VALUE, 0)
                  : EventPosition.beforeMillis(endTime);
          PriorityQueue<Head> heads = new PriorityQueue<>();
          for (Row row : session.execute(selectStreams.bind(accountId, group))) {
            LogStream s = stream(row);
            if (!selection.includes(s.name()) || s.lastEventAt() == null) continue;
            if (startTime != null && s.lastEventAt().toEpochMilli() < startTime) continue;
            EventPosition from = lower;
            if (token != null) {
              // after (token position, token stream) in (position, stream) order
              EventPosition p = token.position();
              EventPosition after =
                  s.name().compareTo(token.stream()) > 0
                      ? new EventPosition(p.eventNs(), p.ordinal() - 1)
                      : p;
              from = max(from, after);
            }
            Iterator<Row> rows =
                session
                    .execute(
                        selectEventsAsc
                            .bind(
                                accountId,
                                group,
                                s.name(),
                                from.eventNs(),
                                from.ordinal(),
                                upper.eventNs(),
                                upper.ordinal(),
                                Integer.MAX_VALUE)
                            .setPageSize(settings.fetchSize()))
                    .iterator();
            if (rows.hasNext()) heads.add(new Head(s.name(), rows, event(s.name(), rows.next())));
          }
          List<LogEvent> matched = new ArrayList<>();
          int scanned = 0;
          LogEvent last = null;
          while (!heads.isEmpty() && matched.size() < max && scanned < settings.filterScanLimit()) {
            Head head = heads.poll();
            last = head.event;
            scanned++;
            if (pattern.matches(head.event.message())) matched.add(head.event);
            if (head.rows.hasNext()) {
              heads.add(new Head(head.stream, head.rows, event(head.stream, head.rows.next())));
            }
          }
          boolean more = !heads.isEmpty();
          return new Page<>(
              matched,
              more && last != null
                  ? Optional.of(new LogTokens.FilterToken(last.position(), last.stream()).encode())
                  : Optional.empty());
        });
  }

  /** A stream's next unread event in a FilterLogEvents merge. */
  private record Head(String stream, Iterator<Row> rows, LogEvent event)
      implements Comparable<Head> {
    @Override
    public int compareTo(Head other) {
      int c = event.position().compareTo(other.event.position());
      return c != 0 ? c : stream.compareTo(other.stream);
    }
  }

  private List<LogEvent> readStream(
      String accountId,
      String group,
      String stream,
      EventPosition lower,
      EventPosition upper,
      boolean ascending,
      int limit) {
    if (lower.compareTo(upper) >= 0) return List.of();
    PreparedStatement select = ascending ? selectEventsAsc : selectEventsDesc;
    List<LogEvent> events = new ArrayList<>();
    for (Row row :
        session.execute(
            select
                .bind(
                    accountId,
                    group,
                    stream,
                    lower.eventNs(),
                    lower.ordinal(),
                    upper.eventNs(),
                    upper.ordinal(),
                    limit)
                .setPageSize(Math.min(limit, settings.fetchSize())))) {
      events.add(event(stream, row));
    }
    if (!ascending) Collections.reverse(events);
    return events;
  }

  /** After the start time and within the group's retention. */
  private EventPosition lowerBound(LogGroup group, Long startTime) {
    EventPosition lower =
        EventPosition.beforeMillis(startTime == null ? 0 : Math.max(0, startTime));
    if (group.retentionInDays() != null) {
      long cutoff = clock.instant().minus(Duration.ofDays(group.retentionInDays())).toEpochMilli();
      lower = max(lower, EventPosition.beforeMillis(cutoff));
    }
    return lower;
  }

  // --- helpers

  private LogGroup requireGroup(String accountId, String name) {
    checkGroupName(name);
    Row row = session.execute(selectGroup.bind(accountId, name)).one();
    if (row == null) throw LogsException.groupNotFound();
    LogGroup group = group(row);
    groups.put(List.of(accountId, name), new CachedGroup(Optional.of(group), clock.instant()));
    return group;
  }

  /** The group as read at most the cache's time ago: ingestion asks on every batch. */
  private Optional<LogGroup> cachedGroup(String accountId, String name) {
    List<String> key = List.of(accountId, name);
    CachedGroup cached = groups.get(key);
    Instant now = clock.instant();
    if (cached != null
        && cached.group().isPresent()
        && cached.readAt().plus(settings.groupCacheTtl()).isAfter(now)) {
      return cached.group();
    }
    Row row = session.execute(selectGroup.bind(accountId, name)).one();
    Optional<LogGroup> group = row == null ? Optional.empty() : Optional.of(group(row));
    groups.put(key, new CachedGroup(group, now));
    return group;
  }

  private static LogGroup group(Row row) {
    return new LogGroup(
        row.getString("log_group"),
        row.getInstant("created_at"),
        row.isNull("retention_days") ? null : row.getInt("retention_days"));
  }

  private static LogStream stream(Row row) {
    return new LogStream(
        row.getString("log_stream"),
        row.getInstant("created_at"),
        row.getInstant("first_event_at"),
        row.getInstant("last_event_at"),
        row.getInstant("last_ingestion_at"));
  }

  private static LogEvent event(String stream, Row row) {
    return new LogEvent(
        stream,
        new EventPosition(row.getLong("event_ns"), row.getInt("ordinal")),
        row.getString("message"),
        row.getInstant("ingested_at"));
  }

  private static void checkGroupName(String name) {
    if (name == null || !GROUP_NAME.matcher(name).matches()) {
      throw LogsException.invalidParameter(
          "1 validation error detected: Value '"
              + name
              + "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [\\.\\-_/#A-Za-z0-9]+");
    }
  }

  private static void checkStreamName(String name) {
    if (name == null || !STREAM_NAME.matcher(name).matches()) {
      throw LogsException.invalidParameter(
          "1 validation error detected: Value '"
              + name
              + "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [^:*]*");
    }
  }

  private static int pageLimit(Integer limit, int max) {
    if (limit == null) return max;
    if (limit < 1 || limit > max) {
      throw LogsException.invalidParameter(
          "1 validation error detected: Value '"
              + limit
              + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and "
              + max);
    }
    return limit;
  }

  private static EventPosition max(EventPosition a, EventPosition b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static EventPosition min(EventPosition a, EventPosition b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private <T> CompletionStage<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }
}
