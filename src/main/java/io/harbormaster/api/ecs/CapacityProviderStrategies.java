package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.capacity.CapacitySpread;
import io.harbormaster.common.EcsException;
import java.util.List;
import java.util.Optional;

/** The {@code capacityProviderStrategy} members of RunTask, CreateService, UpdateService, ... */
final class CapacityProviderStrategies {
  private CapacityProviderStrategies() {}

  /** ECS's words when a request names both. */
  static final String BOTH =
      "Specifying both a launch type and capacity provider strategy is not supported. Remove one"
          + " and try again.";

  /** ECS's words for a provider the cluster does not use. */
  static final String NOT_ASSOCIATED = CapacityProviders.NOT_ASSOCIATED;

  /**
   * The strategy of {@code member}: empty when absent, null or {@code []}.
   *
   * @throws EcsException InvalidParameterException for a strategy ECS refuses
   */
  static List<CapacityProviderStrategyItem> decode(JsonNode input, String member) {
    List<CapacityProviderStrategyItem> items =
        CapacityProviderStrategyItem.listOf(input == null ? null : input.get(member));
    Optional<String> invalid = CapacitySpread.invalid(items);
    if (invalid.isPresent()) throw EcsException.invalidParameter(invalid.get());
    return items;
  }

  /** Whether the request names a non-empty strategy. */
  static boolean given(JsonNode input, String member) {
    JsonNode node = input == null ? null : input.get(member);
    return node != null && node.isArray() && !node.isEmpty();
  }

  /**
   * @throws EcsException InvalidParameterException when both a launchType and a strategy are given
   */
  static void requireNotBoth(JsonNode input, String member) {
    if (input.hasNonNull("launchType") && given(input, member)) {
      throw EcsException.invalidParameter(BOTH);
    }
  }
}
