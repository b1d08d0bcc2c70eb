package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * One ECS action: its input has passed the API model's checks; the reply is the action's output
 * shape.
 */
@FunctionalInterface
public interface EcsOperation {
  CompletionStage<? extends JsonNode> handle(RequestContext context, JsonNode input);
}
