package io.harbormaster.audit;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The audit trail in Cassandra (persistence/cql/009-audit-trail.cql): one row per call, written
 * before the call's answer leaves, read newest first by account and day for CloudTrail's
 * LookupEvents.
 */
public final class AuditTrail {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CassandraSession session;
  private final String keyspace;
  private final ActorSystem<?> system;

  /** A page of events, newest first, and where the next page starts. */
  public record Page(List<Stored> events, Optional<String> nextToken) {}

  /** A stored event: its indexed fields and its CloudTrail record. */
  public record Stored(
      String eventId,
      Instant eventTime,
      String eventName,
      String eventSource,
      boolean readOnly,
      String accessKeyId,
      String username,
      List<AuditEvent.Resource> resources,
      JsonNode record) {}

  public AuditTrail(ActorSystem<?> system, CassandraSession session, String keyspace) {
    this.system = system;
    this.session = session;
    this.keyspace = keyspace;
  }

  /** Completes once the event is durably written; the call's answer waits for it. */
  public CompletionStage<Done> record(AuditEvent event) {
    return session.executeWrite(
        "INSERT INTO "
            + keyspace
            + ".audit_events (account_id, day, event_time, event_id, event_name, event_source,"
            + " read_only, access_key_id, username, resource_names, resource_types, record)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        event.identity().accountId(),
        day(event.eventTime()),
        event.eventTime(),
        event.eventId(),
        event.eventName(),
        event.eventSource(),
        event.readOnly(),
        event.identity().accessKeyId(),
        event.identity().lookupName(),
        event.resources().stream().map(AuditEvent.Resource::name).collect(Collectors.toSet()),
        event.resources().stream().map(AuditEvent.Resource::type).collect(Collectors.toSet()),
        event.cloudTrailRecord().toString());
  }

  /**
   * The account's events in [start, end], newest first, that match the lookup, at most {@code max};
   * from {@code token} (a previous page's) if given.
   */
  public CompletionStage<Page> lookup(
      String accountId, Instant start, Instant end, AuditLookup lookup, int max, String token) {
    Position from = token == null ? Position.at(end) : Position.decode(token);
    List<String> days = new ArrayList<>();
    for (LocalDate d = LocalDate.parse(from.day()); !d.isBefore(date(start)); d = d.minusDays(1)) {
      days.add(d.toString());
    }
    return Source.from(days)
        .flatMapConcat(
            day ->
                session
                    .select(
                        "SELECT event_id, event_time, event_name, event_source, read_only,"
                            + " access_key_id, username, resource_names, resource_types, record FROM "
                            + keyspace
                            + ".audit_events WHERE account_id = ? AND day = ? AND event_time >= ?"
                            + " AND event_time <= ?",
                        accountId,
                        day,
                        start,
                        day.equals(from.day()) ? from.time() : end)
                    .map(AuditTrail::stored)
                    .filter(s -> !day.equals(from.day()) || from.isBefore(s)))
        .filter(lookup::matches)
        .take(max + 1L)
        .runWith(Sink.seq(), system)
        .thenApply(
            found -> {
              if (found.size() <= max) return new Page(List.copyOf(found), Optional.empty());
              List<Stored> page = List.copyOf(found.subList(0, max));
              Stored last = page.get(page.size() - 1);
              return new Page(
                  page,
                  Optional.of(
                      new Position(day(last.eventTime()), last.eventTime(), last.eventId())
                          .encode()));
            });
  }

  private static Stored stored(Row row) {
    Set<String> names = row.getSet("resource_names", String.class);
    Set<String> types = row.getSet("resource_types", String.class);
    JsonNode record;
    try {
      record = JSON.readTree(row.getString("record"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<AuditEvent.Resource> resources = new ArrayList<>();
    record
        .path("resources")
        .forEach(
            r ->
                resources.add(
                    new AuditEvent.Resource(r.path("type").asText(), r.path("ARN").asText())));
    if (resources.isEmpty() && !names.isEmpty() && !types.isEmpty()) {
      names.forEach(n -> resources.add(new AuditEvent.Resource(types.iterator().next(), n)));
    }
    return new Stored(
        row.getString("event_id"),
        row.getInstant("event_time"),
        row.getString("event_name"),
        row.getString("event_source"),
        row.getBoolean("read_only"),
        row.getString("access_key_id"),
        row.getString("username"),
        List.copyOf(resources),
        record);
  }

  private static String day(Instant at) {
    return date(at).toString();
  }

  private static LocalDate date(Instant at) {
    return at.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  /** Where a page ends: rows after it in the trail's order (time descending, then id). */
  record Position(String day, Instant time, String eventId) {
    static Position at(Instant end) {
      return new Position(AuditTrail.day(end), end, null);
    }

    boolean isBefore(Stored s) {
      if (eventId == null) return true;
      int byTime = s.eventTime().compareTo(time);
      return byTime < 0 || (byTime == 0 && s.eventId().compareTo(eventId) > 0);
    }

    String encode() {
      String text = day + "|" + time.toEpochMilli() + "|" + eventId;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String token) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
                .split("\\|", 3);
        LocalDate.parse(parts[0]);
        return new Position(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]);
      } catch (RuntimeException e) {
        throw new InvalidToken();
      }
    }
  }

  /** A NextToken this trail did not hand out. */
  public static final class InvalidToken extends RuntimeException {
    InvalidToken() {
      super("Invalid NextToken.", null, false, false);
    }
  }
}
