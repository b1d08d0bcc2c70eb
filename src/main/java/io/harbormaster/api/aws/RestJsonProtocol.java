package io.harbormaster.api.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * restJson1: the operation is found by method and path ({@code GET /schedules/{Name}}); members
 * travel in the path, the query string, headers or the JSON body as the model's {@code location}
 * traits say. Failures: the status, {@code x-amzn-ErrorType} and {@code {"message"}}.
 */
public final class RestJsonProtocol implements WireProtocol {
  public static final RestJsonProtocol INSTANCE = new RestJsonProtocol();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Per model, its operations' routes, most literal first. */
  private final Map<AwsApiModel, List<Route>> routes = new ConcurrentHashMap<>();

  private RestJsonProtocol() {}

  /** One operation's method and path template, e.g. {@code /schedules/{Name}} or {@code {Key+}}. */
  record Route(AwsApiModel.Operation operation, String method, List<String> segments) {
    static Route of(AwsApiModel.Operation operation) {
      String uri = operation.requestUri();
      int query = uri.indexOf('?');
      String path = query < 0 ? uri : uri.substring(0, query);
      List<String> segments = new ArrayList<>();
      for (String s : path.split("/")) if (!s.isEmpty()) segments.add(s);
      return new Route(operation, operation.httpMethod(), List.copyOf(segments));
    }

    /** The path labels' values if the request matches. */
    Optional<Map<String, String>> match(String method, List<String> path) {
      if (!this.method.equalsIgnoreCase(method)) return Optional.empty();
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        if (segment.startsWith("{") && segment.endsWith("+}")) {
          if (i >= path.size()) return Optional.empty();
          labels.put(
              segment.substring(1, segment.length() - 2),
              String.join("/", path.subList(i, path.size())));
          return Optional.of(labels);
        }
        if (i >= path.size()) return Optional.empty();
        if (segment.startsWith("{") && segment.endsWith("}")) {
          labels.put(segment.substring(1, segment.length() - 1), path.get(i));
        } else if (!segment.equals(path.get(i))) {
          return Optional.empty();
        }
      }
      return path.size() == segments.size() ? Optional.of(labels) : Optional.empty();
    }

    long literals() {
      return segments.stream().filter(s -> !s.startsWith("{")).count();
    }
  }

  private List<Route> routes(AwsApiModel model) {
    return routes.computeIfAbsent(
        model,
        m -> {
          List<Route> all = new ArrayList<>();
          m.operationNames().forEach(name -> all.add(Route.of(m.operation(name).orElseThrow())));
          all.sort((a, b) -> Long.compare(b.literals(), a.literals()));
          return List.copyOf(all);
        });
  }

  @Override
  public Decoded decode(AwsApiModel model, HttpRequest request, byte[] body) {
    List<String> path = new ArrayList<>();
    for (String s : request.getUri().path().split("/")) {
      if (!s.isEmpty()) path.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    String method = request.method().value();
    for (Route route : routes(model)) {
      Optional<Map<String, String>> labels = route.match(method, path);
      if (labels.isPresent()) {
        return new Decoded(
            route.operation().name(), input(model, route, labels.get(), request, body));
      }
    }
    throw new AwsServiceException(
        "UnknownOperationException",
        404,
        "No operation at " + method + " " + request.getUri().path() + ".");
  }

  private static ObjectNode input(
      AwsApiModel model,
      Route route,
      Map<String, String> labels,
      HttpRequest request,
      byte[] body) {
    ObjectNode input = NODES.objectNode();
    if (route.operation().inputShape() == null) return input;
    var shape = (AwsApiModel.Structure) model.shape(route.operation().inputShape());
    Map<String, List<String>> query = new LinkedHashMap<>();
    request
        .getUri()
        .rawQueryString()
        .ifPresent(
            q -> {
              for (String pair : q.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key =
                    URLDecoder.decode(
                        eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value =
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
              }
            });
    ObjectNode bodyObject = null;
    for (var entry : shape.members().entrySet()) {
      String name = entry.getKey();
      AwsApiModel.Member member = entry.getValue();
      AwsApiModel.Shape memberShape = model.shape(member.shape());
      String wire = member.wireName(name);
      switch (member.location()) {
        case URI -> {
          String value = labels.get(wire);
          if (value != null) input.set(name, scalar(memberShape, value));
        }
        case QUERYSTRING -> {
          List<String> values = query.get(wire);
          if (values == null) continue;
          if (memberShape instanceof AwsApiModel.ListShape l) {
            ArrayNode items = NODES.arrayNode();
            values.forEach(v -> items.add(scalar(model.shape(l.member()), v)));
            input.set(name, items);
          } else {
            input.set(name, scalar(memberShape, values.get(0)));
          }
        }
        case HEADER ->
            request.getHeader(wire).ifPresent(h -> input.set(name, scalar(memberShape, h.value())));
        case HEADERS, STATUS_CODE -> {}
        case BODY -> {
          if (name.equals(shape.payload())) {
            if (body.length > 0) input.set(name, AwsJsonProtocol.parseObject(body));
            continue;
          }
          if (bodyObject == null) bodyObject = AwsJsonProtocol.parseObject(body);
          JsonNode value = bodyObject.get(wire);
          if (value != null) input.set(name, value);
        }
      }
    }
    return input;
  }

  private static JsonNode scalar(AwsApiModel.Shape shape, String text) {
    try {
      if (shape instanceof AwsApiModel.IntegralShape
          || shape instanceof AwsApiModel.FloatingShape) {
        return NODES.numberNode(new BigDecimal(text));
      }
    } catch (NumberFormatException e) {
      return NODES.textNode(text);
    }
    if (shape instanceof AwsApiModel.BooleanShape
        && (text.equals("true") || text.equals("false"))) {
      return NODES.booleanNode(Boolean.parseBoolean(text));
    }
    if (shape instanceof AwsApiModel.TimestampShape) return Timestamps.fromText(text);
    return NODES.textNode(text);
  }

  @Override
  public HttpResponse success(
      AwsApiModel model, AwsApiModel.Operation operation, JsonNode output, String requestId) {
    ObjectNode body = NODES.objectNode();
    List<RawHeader> headers = new ArrayList<>();
    int status = operation.responseCode();
    if (operation.outputShape() != null && output != null && output.isObject()) {
      var shape = (AwsApiModel.Structure) model.shape(operation.outputShape());
      for (var entry : shape.members().entrySet()) {
        JsonNode value = output.get(entry.getKey());
        if (value == null || value.isNull()) continue;
        AwsApiModel.Member member = entry.getValue();
        switch (member.location()) {
          case HEADER ->
              headers.add(
                  RawHeader.create(
                      member.wireName(entry.getKey()),
                      headerText(model.shape(member.shape()), value)));
          case STATUS_CODE -> status = value.asInt();
          case HEADERS, URI, QUERYSTRING -> {}
          case BODY -> {
            if (entry.getKey().equals(shape.payload())) {
              body = value.isObject() ? (ObjectNode) value : body;
            } else {
              body.set(member.wireName(entry.getKey()), value);
            }
          }
        }
      }
    }
    HttpResponse response;
    try {
      response =
          HttpResponse.create()
              .withStatus(status)
              .withEntity(
                  ContentTypes.APPLICATION_JSON, AwsJsonProtocol.JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON to memory", e);
    }
    response = response.addHeader(RawHeader.create("x-amzn-RequestId", requestId));
    for (RawHeader header : headers) response = response.addHeader(header);
    return response;
  }

  private static String headerText(AwsApiModel.Shape shape, JsonNode value) {
    if (shape instanceof AwsApiModel.TimestampShape) {
      return DateTimeFormatter.RFC_1123_DATE_TIME.format(
          Timestamps.instant(value).atOffset(ZoneOffset.UTC));
    }
    return value.asText();
  }

  @Override
  public HttpResponse failure(AwsApiModel model, AwsServiceException failure, String requestId) {
    ObjectNode body = failure.members().deepCopy();
    body.put("message", failure.getMessage());
    return HttpResponse.create()
        .withStatus(failure.httpStatus())
        .withEntity(ContentTypes.APPLICATION_JSON, body.toString().getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create("x-amzn-RequestId", requestId))
        .addHeader(RawHeader.create("x-amzn-ErrorType", failure.code()));
  }
}
