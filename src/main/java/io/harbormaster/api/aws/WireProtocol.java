package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * One AWS wire protocol, written once for every service that speaks it. It reads a request into the
 * operation's name and its input in the JSON protocols' form, and writes an output or a failure the
 * way the SDKs of that protocol read them. Which protocol a request is in comes from the request
 * itself (a service such as CloudWatch speaks several).
 */
public sealed interface WireProtocol
    permits AwsJsonProtocol, AwsQueryProtocol, RestJsonProtocol, RpcV2CborProtocol {

  /** A request read off the wire: which operation, with what input. */
  record Decoded(String operation, JsonNode input) {}

  /**
   * @throws AwsApiModel.InvalidRequest if the body cannot be read in this protocol
   * @throws AwsServiceException if no operation of the model matches
   */
  Decoded decode(AwsApiModel model, HttpRequest request, byte[] body);

  HttpResponse success(
      AwsApiModel model, AwsApiModel.Operation operation, JsonNode output, String requestId);

  HttpResponse failure(AwsApiModel model, AwsServiceException failure, String requestId);

  /**
   * The protocol a request to a service speaks: Smithy RPC v2 CBOR if it says so, a JSON protocol
   * if it names its target, the query protocol for a form, else the model's own protocol.
   */
  static WireProtocol of(AwsApiModel model, HttpRequest request, String contentType) {
    var protocols = model.metadata().protocols();
    if (header(request, "smithy-protocol").filter("rpc-v2-cbor"::equals).isPresent()
        && protocols.contains("smithy-rpc-v2-cbor")) {
      return RpcV2CborProtocol.INSTANCE;
    }
    if (header(request, "X-Amz-Target").isPresent() && protocols.contains("json")) {
      return AwsJsonProtocol.forVersion(model.metadata().jsonVersion());
    }
    if (protocols.contains("query")
        && (contentType.startsWith("application/x-www-form-urlencoded")
            || request.getUri().rawQueryString().orElse("").contains("Action="))) {
      return AwsQueryProtocol.INSTANCE;
    }
    return switch (model.metadata().protocol()) {
      case "rest-json" -> RestJsonProtocol.INSTANCE;
      case "query" -> AwsQueryProtocol.INSTANCE;
      case "smithy-rpc-v2-cbor" -> RpcV2CborProtocol.INSTANCE;
      default -> AwsJsonProtocol.forVersion(model.metadata().jsonVersion());
    };
  }

  static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(h -> h.value().trim());
  }
}
