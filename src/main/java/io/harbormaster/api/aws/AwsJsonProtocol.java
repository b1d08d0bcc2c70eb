package io.harbormaster.api.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * awsJson1_0 and awsJson1_1: POST / with {@code X-Amz-Target: <prefix>.<Operation>} and a JSON
 * body; failures as {@code {"__type", "message"}} with the status and {@code x-amzn-ErrorType}.
 */
public final class AwsJsonProtocol implements WireProtocol {
  static final ObjectMapper JSON = new ObjectMapper();
  public static final AwsJsonProtocol JSON_1_0 = new AwsJsonProtocol("1.0");
  public static final AwsJsonProtocol JSON_1_1 = new AwsJsonProtocol("1.1");

  private final ContentType contentType;

  private AwsJsonProtocol(String version) {
    this.contentType =
        ContentTypes.create(MediaTypes.customBinary("application", "x-amz-json-" + version, true));
  }

  static AwsJsonProtocol forVersion(String version) {
    return version.equals("1.0") ? JSON_1_0 : JSON_1_1;
  }

  public ContentType contentType() {
    return contentType;
  }

  @Override
  public Decoded decode(AwsApiModel model, HttpRequest request, byte[] body) {
    String target = WireProtocol.header(request, "X-Amz-Target").orElse("");
    String prefix = model.targetPrefix() + ".";
    if (!target.startsWith(prefix)) {
      throw new AwsServiceException(
          "UnknownOperationException",
          400,
          target.isEmpty()
              ? "Missing X-Amz-Target header."
              : "Unknown target " + target + "; expected " + prefix + "<Operation>.");
    }
    return new Decoded(target.substring(prefix.length()), parseObject(body));
  }

  /** A JSON request body; an empty one reads as {@code {}}. */
  public static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) return JSON.createObjectNode();
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw serialization("The request body must be a JSON object.");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw serialization("The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw serialization("The request body could not be read.");
    }
  }

  private static AwsApiModel.InvalidRequest serialization(String message) {
    return new AwsApiModel.InvalidRequest(AwsApiModel.InvalidRequest.Kind.SERIALIZATION, message);
  }

  @Override
  public HttpResponse success(
      AwsApiModel model, AwsApiModel.Operation operation, JsonNode output, String requestId) {
    return success(output, requestId);
  }

  public HttpResponse success(JsonNode output, String requestId) {
    try {
      return HttpResponse.create()
          .withEntity(contentType, JSON.writeValueAsBytes(output))
          .addHeader(RawHeader.create("x-amzn-RequestId", requestId));
    } catch (JsonProcessingException e) {
      return failure(
          new AwsServiceException("InternalFailure", 500, "The response could not be written."),
          requestId,
          false);
    }
  }

  @Override
  public HttpResponse failure(AwsApiModel model, AwsServiceException failure, String requestId) {
    return failure(failure, requestId, model.metadata().awsQueryCompatible());
  }

  /**
   * @param queryCompatible the service also speaks the query protocol (CloudWatch): the SDKs then
   *     read the query error code from {@code x-amzn-query-error}
   */
  public HttpResponse failure(
      AwsServiceException failure, String requestId, boolean queryCompatible) {
    ObjectNode body = failure.members().deepCopy();
    body.put("__type", failure.code());
    body.put("message", failure.getMessage());
    HttpResponse response =
        HttpResponse.create()
            .withStatus(failure.httpStatus())
            .withEntity(
                contentType, body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .addHeader(RawHeader.create("x-amzn-RequestId", requestId))
            .addHeader(RawHeader.create("x-amzn-ErrorType", failure.code()));
    if (queryCompatible) {
      response =
          response.addHeader(
              RawHeader.create(
                  "x-amzn-query-error",
                  failure.code() + ";" + (failure.senderFault() ? "Sender" : "Receiver")));
    }
    return response;
  }
}
