package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.Tag;
import io.harbormaster.taskdefinition.TaskDefinitionRules;
import java.util.List;

/**
 * RegisterTaskDefinition decoded once: the definition as TaskDefinitionRules checks and normalizes
 * it (kept as JSON: every member a user sent comes back), its family and the revision's tags.
 */
record RegisterTaskDefinitionRequest(JsonNode definition, String family, List<Tag> tags) {

  static RegisterTaskDefinitionRequest decode(JsonNode input) {
    JsonNode definition = TaskDefinitionRules.normalize(input);
    String family = definition.get("family").asText();
    return new RegisterTaskDefinitionRequest(definition, family, ResourceRefs.tags(input, "tags"));
  }
}
