package io.harbormaster.api.events;

import io.harbormaster.api.RequestAuthenticator;
import io.harbormaster.common.EcsException;
import io.harbormaster.events.pattern.EventPattern;
import io.harbormaster.events.stream.EventStream;
import io.harbormaster.events.stream.ResumePoint;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /events/v1/stream}: the caller's account's events as server-sent events, SigV4-signed
 * like every request. Optional query parameters: {@code pattern} (an EventBridge event pattern,
 * JSON) and {@code since} (an ISO-8601 instant; default: now). Each SSE has {@code event:
 * <detail-type>}, {@code data: <the event JSON>} and {@code id: <resume point>}; reconnecting with
 * {@code Last-Event-ID} continues right after that event.
 */
public final class EventStreamEndpoint {
  public static final String PATH = "/events/v1/stream";
  private static final ByteString HEARTBEAT = ByteString.fromString(":\n\n");

  private final EventStream stream;
  private final RequestAuthenticator authenticator;
  private final CassandraReadJournal journal;
  private final Duration keepAlive;

  public EventStreamEndpoint(
      EventStream stream,
      RequestAuthenticator authenticator,
      CassandraReadJournal journal,
      Duration keepAlive) {
    this.stream = stream;
    this.authenticator = authenticator;
    this.journal = journal;
    this.keepAlive = keepAlive;
  }

  public CompletionStage<HttpResponse> handle(
      HttpRequest request, HttpEntity.Strict entity, byte[] body) {
    if (request.method() != HttpMethods.GET) {
      return CompletableFuture.failedFuture(EcsException.invalidParameter(PATH + " takes GET."));
    }
    return authenticator
        .authenticate(request, entity, body)
        .thenApply(
            accountId -> {
              Map<String, String> query = query(request.getUri().rawQueryString().orElse(""));
              Optional<EventPattern> pattern =
                  Optional.ofNullable(query.get("pattern"))
                      .map(
                          p -> {
                            try {
                              return EventPattern.parse(p);
                            } catch (IllegalArgumentException e) {
                              throw EcsException.invalidParameter(
                                  "pattern is not a valid event pattern: " + e.getMessage());
                            }
                          });
              ResumePoint from = resumePoint(request, query.get("since"));
              var bytes =
                  stream
                      .events(accountId, pattern, from)
                      .map(
                          item ->
                              ByteString.fromString(
                                  "event: "
                                      + item.event().detailType()
                                      + "\nid: "
                                      + item.resumePoint().encode()
                                      + "\ndata: "
                                      + item.event().toJson()
                                      + "\n\n"))
                      .keepAlive(keepAlive, () -> HEARTBEAT);
              return HttpResponse.create()
                  .withEntity(
                      HttpEntities.create(MediaTypes.TEXT_EVENT_STREAM.toContentType(), bytes))
                  .addHeader(RawHeader.create("Cache-Control", "no-cache"));
            });
  }

  private ResumePoint resumePoint(HttpRequest request, String since) {
    Optional<String> last =
        request.getHeader("Last-Event-ID").map(HttpHeader::value).filter(v -> !v.isBlank());
    if (last.isPresent()) {
      try {
        return ResumePoint.decode(last.get());
      } catch (IllegalArgumentException e) {
        throw EcsException.invalidParameter(
            "Last-Event-ID is not an id this stream sent: " + e.getMessage());
      }
    }
    if (since != null) {
      try {
        long millis = Instant.parse(since).toEpochMilli();
        return stream.startingAt(
            ((org.apache.pekko.persistence.query.TimeBasedUUID) journal.timeBasedUUIDFrom(millis))
                .value());
      } catch (DateTimeParseException e) {
        throw EcsException.invalidParameter(
            "since must be an ISO-8601 instant, e.g. 2026-11-20T10:00:00Z.");
      }
    }
    return stream.startingNow();
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw.isEmpty()) return out;
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0
              ? ""
              : URLDecoder.decode(
                  part.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
      out.put(name, value);
    }
    return out;
  }
}
