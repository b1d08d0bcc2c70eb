package io.harbormaster.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.aws.AwsCall;
import io.harbormaster.api.aws.AwsService;
import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.logs.LogStore;
import io.harbormaster.logs.LogsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The CloudWatch Logs API ({@code aws logs}, JSON 1.1, target {@code Logs_20140328}) over the log
 * store: decode the members, one store call, encode its answer. Enough of it for {@code aws logs
 * tail --follow}, {@code get-log-events} and the SDKs' paginators.
 */
public final class LogsHandlers {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  public static final String SIGNING_NAME = "logs";

  private final LogStore store;

  public LogsHandlers(LogStore store) {
    this.store = store;
  }

  /** The service as the endpoint serves it. */
  public AwsService service() {
    return AwsService.of(SIGNING_NAME, "/aws/logs-service-2.json", "InvalidParameterException")
        .register("CreateLogGroup", this::createLogGroup)
        .register("DescribeLogGroups", this::describeLogGroups)
        .register("DeleteLogGroup", this::deleteLogGroup)
        .register("PutRetentionPolicy", this::putRetentionPolicy)
        .register("DeleteRetentionPolicy", this::deleteRetentionPolicy)
        .register("CreateLogStream", this::createLogStream)
        .register("DescribeLogStreams", this::describeLogStreams)
        .register("GetLogEvents", this::getLogEvents)
        .register("FilterLogEvents", this::filterLogEvents);
  }

  private CompletionStage<JsonNode> createLogGroup(AwsCall call, JsonNode in) {
    return answer(
        store.createLogGroup(call.accountId(), in.get("logGroupName").asText()),
        g -> NODES.objectNode());
  }

  private CompletionStage<JsonNode> describeLogGroups(AwsCall call, JsonNode in) {
    return answer(
        store.describeLogGroups(
            call.accountId(),
            text(in, "logGroupNamePrefix"),
            integer(in, "limit"),
            text(in, "nextToken")),
        page -> {
          ObjectNode out = NODES.objectNode();
          ArrayNode groups = out.putArray("logGroups");
          for (LogStore.LogGroup g : page.items()) {
            ObjectNode group = groups.addObject();
            group.put("logGroupName", g.name());
            group.put("creationTime", g.createdAt().toEpochMilli());
            if (g.retentionInDays() != null) group.put("retentionInDays", g.retentionInDays());
            group.put("metricFilterCount", 0);
            group.put("arn", groupArn(call, g.name()) + ":*");
            group.put("logGroupArn", groupArn(call, g.name()));
            group.put("logGroupClass", "STANDARD");
          }
          page.nextToken().ifPresent(t -> out.put("nextToken", t));
          return out;
        });
  }

  private CompletionStage<JsonNode> deleteLogGroup(AwsCall call, JsonNode in) {
    return answer(
        store.deleteLogGroup(call.accountId(), in.get("logGroupName").asText()),
        v -> NODES.objectNode());
  }

  private CompletionStage<JsonNode> putRetentionPolicy(AwsCall call, JsonNode in) {
    return answer(
        store.putRetentionPolicy(
            call.accountId(), in.get("logGroupName").asText(), in.get("retentionInDays").asInt()),
        v -> NODES.objectNode());
  }

  private CompletionStage<JsonNode> deleteRetentionPolicy(AwsCall call, JsonNode in) {
    return answer(
        store.putRetentionPolicy(call.accountId(), in.get("logGroupName").asText(), null),
        v -> NODES.objectNode());
  }

  private CompletionStage<JsonNode> createLogStream(AwsCall call, JsonNode in) {
    return answer(
        store.createLogStream(
            call.accountId(), in.get("logGroupName").asText(), in.get("logStreamName").asText()),
        v -> NODES.objectNode());
  }

  private CompletionStage<JsonNode> describeLogStreams(AwsCall call, JsonNode in) {
    String group = groupName(in);
    LogStore.StreamOrder order =
        "LastEventTime".equals(text(in, "orderBy"))
            ? LogStore.StreamOrder.LAST_EVENT_TIME
            : LogStore.StreamOrder.LOG_STREAM_NAME;
    String prefix = text(in, "logStreamNamePrefix");
    if (order == LogStore.StreamOrder.LAST_EVENT_TIME && prefix != null) {
      throw AwsServiceException.badRequest(
          "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
    }
    return answer(
        store.describeLogStreams(
            call.accountId(),
            group,
            prefix,
            order,
            in.path("descending").asBoolean(false),
            integer(in, "limit"),
            text(in, "nextToken")),
        page -> {
          ObjectNode out = NODES.objectNode();
          ArrayNode streams = out.putArray("logStreams");
          for (LogStore.LogStream s : page.items()) {
            ObjectNode stream = streams.addObject();
            stream.put("logStreamName", s.name());
            stream.put("creationTime", s.createdAt().toEpochMilli());
            millis(stream, "firstEventTimestamp", s.firstEventAt());
            millis(stream, "lastEventTimestamp", s.lastEventAt());
            millis(stream, "lastIngestionTime", s.lastIngestionAt());
            stream.put("arn", groupArn(call, group) + ":log-stream:" + s.name());
            stream.put("storedBytes", 0);
          }
          page.nextToken().ifPresent(t -> out.put("nextToken", t));
          return out;
        });
  }

  private CompletionStage<JsonNode> getLogEvents(AwsCall call, JsonNode in) {
    return answer(
        store.getLogEvents(
            call.accountId(),
            groupName(in),
            in.get("logStreamName").asText(),
            longValue(in, "startTime"),
            longValue(in, "endTime"),
            in.path("startFromHead").asBoolean(false),
            integer(in, "limit"),
            text(in, "nextToken")),
        events -> {
          ObjectNode out = NODES.objectNode();
          ArrayNode list = out.putArray("events");
          for (LogStore.LogEvent e : events.events()) {
            list.addObject()
                .put("timestamp", e.timestamp())
                .put("message", e.message())
                .put("ingestionTime", e.ingestedAt().toEpochMilli());
          }
          out.put("nextForwardToken", events.nextForwardToken());
          out.put("nextBackwardToken", events.nextBackwardToken());
          return out;
        });
  }

  private CompletionStage<JsonNode> filterLogEvents(AwsCall call, JsonNode in) {
    List<String> names = new ArrayList<>();
    in.path("logStreamNames").forEach(n -> names.add(n.asText()));
    String prefix = text(in, "logStreamNamePrefix");
    if (!names.isEmpty() && prefix != null) {
      throw AwsServiceException.badRequest(
          "InvalidParameterException",
          "logStreamNames and logStreamNamePrefix are mutually exclusive");
    }
    return answer(
        store.filterLogEvents(
            call.accountId(),
            groupName(in),
            new LogStore.StreamSelection(names, prefix),
            longValue(in, "startTime"),
            longValue(in, "endTime"),
            text(in, "filterPattern"),
            integer(in, "limit"),
            text(in, "nextToken")),
        page -> {
          ObjectNode out = NODES.objectNode();
          ArrayNode list = out.putArray("events");
          for (LogStore.LogEvent e : page.items()) {
            list.addObject()
                .put("logStreamName", e.stream())
                .put("timestamp", e.timestamp())
                .put("message", e.message())
                .put("ingestionTime", e.ingestedAt().toEpochMilli())
                .put("eventId", e.eventId());
          }
          out.putArray("searchedLogStreams");
          page.nextToken().ifPresent(t -> out.put("nextToken", t));
          return out;
        });
  }

  /** {@code logGroupName}, or the name in {@code logGroupIdentifier} (a name or an ARN). */
  private static String groupName(JsonNode in) {
    String name = text(in, "logGroupName");
    String identifier = text(in, "logGroupIdentifier");
    if (name != null && identifier != null) {
      throw AwsServiceException.badRequest(
          "InvalidParameterException",
          "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
    }
    if (name != null) return name;
    if (identifier == null) {
      throw AwsServiceException.badRequest(
          "InvalidParameterException", "Either logGroupName or logGroupIdentifier is required.");
    }
    int at = identifier.indexOf(":log-group:");
    if (identifier.startsWith("arn:") && at > 0) {
      String rest = identifier.substring(at + ":log-group:".length());
      return rest.endsWith(":*") ? rest.substring(0, rest.length() - 2) : rest;
    }
    return identifier;
  }

  private static String groupArn(AwsCall call, String group) {
    return "arn:aws:logs:" + call.region() + ":" + call.accountId() + ":log-group:" + group;
  }

  private static void millis(ObjectNode node, String field, Instant at) {
    if (at != null) node.put(field, at.toEpochMilli());
  }

  private static String text(JsonNode in, String field) {
    JsonNode value = in.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Integer integer(JsonNode in, String field) {
    JsonNode value = in.get(field);
    return value == null || value.isNull() ? null : value.asInt();
  }

  private static Long longValue(JsonNode in, String field) {
    JsonNode value = in.get(field);
    return value == null || value.isNull() ? null : value.asLong();
  }

  /** The store's answer, encoded; its refusals in CloudWatch Logs' terms. */
  private static <T> CompletionStage<JsonNode> answer(
      CompletionStage<T> result, Function<T, JsonNode> encode) {
    return result
        .<JsonNode>thenApply(encode::apply)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof LogsException e) {
                throw new AwsServiceException(
                    e.error().code(), e.error().httpStatus(), e.getMessage());
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            });
  }
}
