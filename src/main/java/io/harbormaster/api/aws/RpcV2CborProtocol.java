package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Smithy RPC v2 CBOR: POST {@code /service/<Service>/operation/<Operation>} with a CBOR body and
 * {@code smithy-protocol: rpc-v2-cbor}; timestamps are CBOR tag 1 (epoch seconds), blobs byte
 * strings. Failures are a CBOR map with {@code __type} and {@code message}.
 */
public final class RpcV2CborProtocol implements WireProtocol {
  public static final RpcV2CborProtocol INSTANCE = new RpcV2CborProtocol();
  private static final CBORMapper CBOR = new CBORMapper();
  private static final CBORFactory FACTORY = new CBORFactory();
  private static final ContentType APPLICATION_CBOR =
      ContentTypes.create(MediaTypes.customBinary("application", "cbor", false));
  private static final int EPOCH_SECONDS_TAG = 1;

  private RpcV2CborProtocol() {}

  @Override
  public Decoded decode(AwsApiModel model, HttpRequest request, byte[] body) {
    String path = request.getUri().path();
    int at = path.lastIndexOf("/operation/");
    if (!path.startsWith("/service/") || at < 0) {
      throw new AwsServiceException(
          "UnknownOperationException",
          404,
          "Smithy RPC v2 requests go to /service/<Service>/operation/<Operation>, not " + path);
    }
    String operation = path.substring(at + "/operation/".length());
    AwsApiModel.Operation op =
        model
            .operation(operation)
            .orElseThrow(
                () ->
                    new AwsServiceException(
                        "UnknownOperationException", 404, "Unknown operation " + operation + "."));
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    if (body.length > 0) {
      JsonNode read;
      try {
        read = CBOR.readTree(body);
      } catch (IOException e) {
        throw new AwsApiModel.InvalidRequest(
            AwsApiModel.InvalidRequest.Kind.SERIALIZATION, "The request body is not valid CBOR.");
      }
      if (read == null || !read.isObject()) {
        throw new AwsApiModel.InvalidRequest(
            AwsApiModel.InvalidRequest.Kind.SERIALIZATION, "The request body must be a CBOR map.");
      }
      input = (ObjectNode) read;
    }
    if (op.inputShape() != null) blobsAsBase64(model, model.shape(op.inputShape()), input);
    return new Decoded(operation, input);
  }

  /** Handlers see blobs as base64 text, as in the JSON protocols. */
  private static JsonNode blobsAsBase64(AwsApiModel model, AwsApiModel.Shape shape, JsonNode node) {
    if (node == null) return null;
    if (shape instanceof AwsApiModel.BlobShape && node.isBinary()) {
      try {
        return JsonNodeFactory.instance.textNode(
            Base64.getEncoder().encodeToString(node.binaryValue()));
      } catch (IOException e) {
        return node;
      }
    }
    if (shape instanceof AwsApiModel.Structure s && node instanceof ObjectNode object) {
      for (var member : s.members().entrySet()) {
        JsonNode value = object.get(member.getKey());
        if (value != null) {
          object.set(
              member.getKey(), blobsAsBase64(model, model.shape(member.getValue().shape()), value));
        }
      }
    } else if (shape instanceof AwsApiModel.ListShape l && node.isArray()) {
      var array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, blobsAsBase64(model, model.shape(l.member()), array.get(i)));
      }
    } else if (shape instanceof AwsApiModel.MapShape m && node instanceof ObjectNode object) {
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) object::fields) {
        entry.setValue(blobsAsBase64(model, model.shape(m.value()), entry.getValue()));
      }
    }
    return node;
  }

  @Override
  public HttpResponse success(
      AwsApiModel model, AwsApiModel.Operation operation, JsonNode output, String requestId) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator cbor = FACTORY.createGenerator(bytes)) {
      if (operation.outputShape() == null || output == null) {
        cbor.writeStartObject();
        cbor.writeEndObject();
      } else {
        write(model, model.shape(operation.outputShape()), output, cbor);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write CBOR to memory", e);
    }
    return response(200, bytes.toByteArray(), requestId);
  }

  private static void write(
      AwsApiModel model, AwsApiModel.Shape shape, JsonNode value, CBORGenerator cbor)
      throws IOException {
    if (shape instanceof AwsApiModel.Structure s) {
      cbor.writeStartObject();
      for (var member : s.members().entrySet()) {
        JsonNode memberValue = value.get(member.getKey());
        if (memberValue == null || memberValue.isNull()) continue;
        cbor.writeFieldName(member.getKey());
        write(model, model.shape(member.getValue().shape()), memberValue, cbor);
      }
      cbor.writeEndObject();
    } else if (shape instanceof AwsApiModel.ListShape l) {
      cbor.writeStartArray();
      for (JsonNode item : value) write(model, model.shape(l.member()), item, cbor);
      cbor.writeEndArray();
    } else if (shape instanceof AwsApiModel.MapShape m) {
      cbor.writeStartObject();
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) value::fields) {
        cbor.writeFieldName(entry.getKey());
        write(model, model.shape(m.value()), entry.getValue(), cbor);
      }
      cbor.writeEndObject();
    } else if (shape instanceof AwsApiModel.TimestampShape) {
      cbor.writeTag(EPOCH_SECONDS_TAG);
      long millis = Timestamps.instant(value).toEpochMilli();
      if (millis % 1000 == 0) cbor.writeNumber(millis / 1000);
      else cbor.writeNumber(millis / 1000.0);
    } else if (shape instanceof AwsApiModel.BlobShape && value.isTextual()) {
      cbor.writeBinary(Base64.getDecoder().decode(value.textValue()));
    } else if (shape instanceof AwsApiModel.FloatingShape) {
      cbor.writeNumber(value.doubleValue());
    } else {
      CBOR.writeTree(cbor, value);
    }
  }

  @Override
  public HttpResponse failure(AwsApiModel model, AwsServiceException failure, String requestId) {
    ObjectNode body = failure.members().deepCopy();
    body.put("__type", failure.code());
    body.put("message", failure.getMessage());
    byte[] bytes;
    try {
      bytes = CBOR.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write CBOR to memory", e);
    }
    HttpResponse response = response(failure.httpStatus(), bytes, requestId);
    if (model.metadata().awsQueryCompatible()) {
      response =
          response.addHeader(
              RawHeader.create(
                  "x-amzn-query-error",
                  failure.code() + ";" + (failure.senderFault() ? "Sender" : "Receiver")));
    }
    return response;
  }

  private static HttpResponse response(int status, byte[] body, String requestId) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(APPLICATION_CBOR, body)
        .addHeader(RawHeader.create("smithy-protocol", "rpc-v2-cbor"))
        .addHeader(RawHeader.create("x-amzn-RequestId", requestId));
  }
}
