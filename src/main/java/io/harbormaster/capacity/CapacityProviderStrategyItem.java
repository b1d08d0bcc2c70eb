package io.harbormaster.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.harbormaster.common.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One provider of a capacity provider strategy: at least {@code base} tasks on it, then its {@code
 * weight} share of the rest (ECS's CapacityProviderStrategyItem; both default to 0).
 */
public record CapacityProviderStrategyItem(String capacityProvider, int base, int weight)
    implements CborSerializable {

  /** A strategy as the API and a cluster's kept default write it; absent or null is none. */
  public static List<CapacityProviderStrategyItem> listOf(JsonNode json) {
    if (json == null || !json.isArray()) return List.of();
    List<CapacityProviderStrategyItem> out = new ArrayList<>();
    for (JsonNode i : json) {
      out.add(
          new CapacityProviderStrategyItem(
              i.path("capacityProvider").asText(),
              i.path("base").asInt(0),
              i.path("weight").asInt(0)));
    }
    return List.copyOf(out);
  }

  public static ArrayNode toJson(List<CapacityProviderStrategyItem> items) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (CapacityProviderStrategyItem i : items) {
      out.addObject()
          .put("capacityProvider", i.capacityProvider())
          .put("weight", i.weight())
          .put("base", i.base());
    }
    return out;
  }
}
