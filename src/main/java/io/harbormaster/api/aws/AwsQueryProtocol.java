package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * awsQuery: a form ({@code Action=...&Version=...&Name.member.1=...}) in, XML out ({@code
 * <OpResponse><OpResult>...</OpResult><ResponseMetadata>}), failures as {@code <ErrorResponse>}.
 * The model's shapes say how each member is named and nested on the wire.
 */
public final class AwsQueryProtocol implements WireProtocol {
  public static final AwsQueryProtocol INSTANCE = new AwsQueryProtocol();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

  private AwsQueryProtocol() {}

  // ---- request: the form, read into the input shape ----

  @Override
  public Decoded decode(AwsApiModel model, HttpRequest request, byte[] body) {
    Map<String, String> params = new LinkedHashMap<>();
    request.getUri().rawQueryString().ifPresent(q -> readForm(q, params));
    readForm(new String(body, StandardCharsets.UTF_8), params);
    String action = params.getOrDefault("Action", "");
    if (action.isEmpty()) {
      throw new AwsServiceException("MissingAction", 400, "Missing Action parameter.");
    }
    AwsApiModel.Operation operation =
        model
            .operation(action)
            .orElseThrow(
                () ->
                    new AwsServiceException(
                        "InvalidAction", 400, "Could not find operation " + action + "."));
    ObjectNode input = NODES.objectNode();
    if (operation.inputShape() != null) {
      var shape = (AwsApiModel.Structure) model.shape(operation.inputShape());
      readStructure(model, shape, "", params, input);
    }
    return new Decoded(action, input);
  }

  static void readForm(String form, Map<String, String> into) {
    if (form.isEmpty()) return;
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      into.put(key, value);
    }
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new AwsApiModel.InvalidRequest(
          AwsApiModel.InvalidRequest.Kind.SERIALIZATION, "Malformed query string: " + text);
    }
  }

  private static void readStructure(
      AwsApiModel model,
      AwsApiModel.Structure shape,
      String prefix,
      Map<String, String> params,
      ObjectNode into) {
    shape
        .members()
        .forEach(
            (name, member) -> {
              String key = prefix + member.wireName(name);
              read(model, model.shape(member.shape()), member.flattened(), key, params)
                  .ifPresent(value -> into.set(name, value));
            });
  }

  private static Optional<JsonNode> read(
      AwsApiModel model,
      AwsApiModel.Shape shape,
      boolean flattenedMember,
      String key,
      Map<String, String> params) {
    if (shape instanceof AwsApiModel.Structure s) {
      if (!hasPrefix(params, key + ".")) return Optional.empty();
      ObjectNode node = NODES.objectNode();
      readStructure(model, s, key + ".", params, node);
      return Optional.of(node);
    }
    if (shape instanceof AwsApiModel.ListShape l) {
      String itemPrefix =
          l.flattened() || flattenedMember ? key + "." : key + "." + l.memberName() + ".";
      if (params.containsKey(key) && params.get(key).isEmpty()) {
        return Optional.of(NODES.arrayNode()); // "Names=" is how a client sends an empty list
      }
      ArrayNode items = NODES.arrayNode();
      AwsApiModel.Shape member = model.shape(l.member());
      for (int i = 1; ; i++) {
        Optional<JsonNode> item = read(model, member, false, itemPrefix + i, params);
        if (item.isEmpty()) break;
        items.add(item.get());
      }
      return items.isEmpty() ? Optional.empty() : Optional.of(items);
    }
    if (shape instanceof AwsApiModel.MapShape m) {
      String entryPrefix = m.flattened() ? key + "." : key + ".entry.";
      ObjectNode map = NODES.objectNode();
      for (int i = 1; ; i++) {
        String k = params.get(entryPrefix + i + "." + m.keyName());
        if (k == null) break;
        read(model, model.shape(m.value()), false, entryPrefix + i + "." + m.valueName(), params)
            .ifPresent(v -> map.set(k, v));
      }
      return map.isEmpty() ? Optional.empty() : Optional.of(map);
    }
    String text = params.get(key);
    if (text == null) return Optional.empty();
    return Optional.of(scalar(shape, key, text));
  }

  private static boolean hasPrefix(Map<String, String> params, String prefix) {
    for (String key : params.keySet()) {
      if (key.startsWith(prefix)) return true;
    }
    return false;
  }

  /** A scalar from its form text; what does not parse is left as text for validation to refuse. */
  private static JsonNode scalar(AwsApiModel.Shape shape, String key, String text) {
    try {
      if (shape instanceof AwsApiModel.IntegralShape) return NODES.numberNode(new BigDecimal(text));
      if (shape instanceof AwsApiModel.FloatingShape) return NODES.numberNode(new BigDecimal(text));
      if (shape instanceof AwsApiModel.BooleanShape) {
        if (text.equals("true") || text.equals("false")) {
          return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return NODES.textNode(text);
      }
      if (shape instanceof AwsApiModel.TimestampShape) return Timestamps.fromText(text);
    } catch (NumberFormatException e) {
      return NODES.textNode(text);
    }
    return NODES.textNode(text);
  }

  // ---- response: the output shape as XML ----

  @Override
  public HttpResponse success(
      AwsApiModel model, AwsApiModel.Operation operation, JsonNode output, String requestId) {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = XML.createXMLStreamWriter(text);
      xml.writeStartElement(operation.name() + "Response");
      xml.writeDefaultNamespace(model.metadata().xmlNamespace());
      if (operation.outputShape() != null && output != null && output.isObject()) {
        String wrapper =
            operation.resultWrapper() == null
                ? operation.name() + "Result"
                : operation.resultWrapper();
        xml.writeStartElement(wrapper);
        writeMembers(
            model, (AwsApiModel.Structure) model.shape(operation.outputShape()), output, xml);
        xml.writeEndElement();
      }
      xml.writeStartElement("ResponseMetadata");
      element(xml, "RequestId", requestId);
      xml.writeEndElement();
      xml.writeEndElement();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write XML to a string", e);
    }
    return xmlResponse(200, text.toString(), requestId);
  }

  private static void writeMembers(
      AwsApiModel model, AwsApiModel.Structure shape, JsonNode value, XMLStreamWriter xml)
      throws XMLStreamException {
    for (var member : shape.members().entrySet()) {
      JsonNode memberValue = value.get(member.getKey());
      if (memberValue == null || memberValue.isNull()) continue;
      AwsApiModel.Member m = member.getValue();
      write(
          model,
          model.shape(m.shape()),
          m.flattened(),
          m.wireName(member.getKey()),
          memberValue,
          xml);
    }
  }

  private static void write(
      AwsApiModel model,
      AwsApiModel.Shape shape,
      boolean flattenedMember,
      String name,
      JsonNode value,
      XMLStreamWriter xml)
      throws XMLStreamException {
    if (shape instanceof AwsApiModel.Structure s) {
      xml.writeStartElement(name);
      writeMembers(model, s, value, xml);
      xml.writeEndElement();
    } else if (shape instanceof AwsApiModel.ListShape l) {
      AwsApiModel.Shape member = model.shape(l.member());
      if (l.flattened() || flattenedMember) {
        for (JsonNode item : value) write(model, member, false, name, item, xml);
      } else {
        xml.writeStartElement(name);
        for (JsonNode item : value) write(model, member, false, l.memberName(), item, xml);
        xml.writeEndElement();
      }
    } else if (shape instanceof AwsApiModel.MapShape m) {
      if (!m.flattened()) xml.writeStartElement(name);
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) value::fields) {
        xml.writeStartElement(m.flattened() ? name : "entry");
        element(xml, m.keyName(), entry.getKey());
        write(model, model.shape(m.value()), false, m.valueName(), entry.getValue(), xml);
        xml.writeEndElement();
      }
      if (!m.flattened()) xml.writeEndElement();
    } else if (shape instanceof AwsApiModel.TimestampShape) {
      element(xml, name, Timestamps.toIso(value));
    } else {
      element(xml, name, value.asText());
    }
  }

  private static void element(XMLStreamWriter xml, String name, String text)
      throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeCharacters(text);
    xml.writeEndElement();
  }

  @Override
  public HttpResponse failure(AwsApiModel model, AwsServiceException failure, String requestId) {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = XML.createXMLStreamWriter(text);
      xml.writeStartElement("ErrorResponse");
      if (!model.metadata().xmlNamespace().isEmpty()) {
        xml.writeDefaultNamespace(model.metadata().xmlNamespace());
      }
      xml.writeStartElement("Error");
      element(xml, "Type", failure.senderFault() ? "Sender" : "Receiver");
      element(xml, "Code", failure.code());
      element(xml, "Message", failure.getMessage());
      xml.writeEndElement();
      element(xml, "RequestId", requestId);
      xml.writeEndElement();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write XML to a string", e);
    }
    return xmlResponse(failure.httpStatus(), text.toString(), requestId);
  }

  private static HttpResponse xmlResponse(int status, String xml, String requestId) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            ContentTypes.create(
                MediaTypes.TEXT_XML, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8),
            xml.getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create("x-amzn-RequestId", requestId));
  }
}
