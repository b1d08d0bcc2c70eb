package io.harbormaster.api.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * One action of an AWS service. Its input has passed the model's checks and is in the JSON
 * protocols' form whatever protocol the client spoke (timestamps as epoch seconds, blobs as base64
 * text); its reply is the operation's output shape in the same form.
 */
@FunctionalInterface
public interface AwsOperation {
  CompletionStage<? extends JsonNode> handle(AwsCall call, JsonNode input);
}
