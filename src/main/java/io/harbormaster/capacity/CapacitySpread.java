package io.harbormaster.capacity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECS's base/weight rule, pure: which provider of a strategy each new task goes to. The one
 * provider with a base gets tasks until it has {@code base}; every further task goes to the
 * provider whose share beyond its base is furthest below its weight (the lowest {@code (tasks
 * beyond base + 1) / weight}), ties to the provider listed first. A weight of 0 takes no tasks
 * beyond its base, unless no provider has a weight (ECS allows that only for a strategy of one
 * provider).
 */
public final class CapacitySpread {
  private CapacitySpread() {}

  /** ECS's limits on a strategy (the model's ranges for base and weight, 20 providers). */
  public static final int MAX_PROVIDERS = 20;

  public static final int MAX_BASE = 100_000;
  public static final int MAX_WEIGHT = 1_000;

  /**
   * How many of {@code count} new tasks each provider gets, in the strategy's order (providers that
   * get none included with 0).
   *
   * @param existing the tasks each provider has already (a service's; empty for RunTask)
   */
  public static Map<String, Integer> split(
      List<CapacityProviderStrategyItem> strategy, Map<String, Integer> existing, int count) {
    Map<String, Integer> added = new LinkedHashMap<>();
    strategy.forEach(item -> added.put(item.capacityProvider(), 0));
    for (String provider : assign(strategy, existing, count))
      added.merge(provider, 1, Integer::sum);
    return added;
  }

  /** The provider of each of {@code count} new tasks, in the order they are added. */
  public static List<String> assign(
      List<CapacityProviderStrategyItem> strategy, Map<String, Integer> existing, int count) {
    if (strategy.isEmpty()) throw new IllegalArgumentException("an empty strategy");
    boolean anyWeight = strategy.stream().anyMatch(i -> i.weight() > 0);
    Map<String, Integer> tasks = new LinkedHashMap<>();
    strategy.forEach(
        i -> tasks.put(i.capacityProvider(), existing.getOrDefault(i.capacityProvider(), 0)));
    List<String> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      CapacityProviderStrategyItem chosen = null;
      for (CapacityProviderStrategyItem item : strategy) {
        if (tasks.get(item.capacityProvider()) < item.base()) {
          chosen = item;
          break;
        }
      }
      if (chosen == null) {
        double best = Double.MAX_VALUE;
        for (CapacityProviderStrategyItem item : strategy) {
          int weight = anyWeight ? item.weight() : 1;
          if (weight <= 0) continue;
          int beyondBase = Math.max(0, tasks.get(item.capacityProvider()) - item.base());
          double ratio = (beyondBase + 1) / (double) weight;
          if (ratio < best) {
            best = ratio;
            chosen = item;
          }
        }
      }
      tasks.merge(chosen.capacityProvider(), 1, Integer::sum);
      out.add(chosen.capacityProvider());
    }
    return out;
  }

  /** Why a strategy is not one ECS takes, in ECS's words where they are known; empty when it is. */
  public static java.util.Optional<String> invalid(List<CapacityProviderStrategyItem> strategy) {
    if (strategy.size() > MAX_PROVIDERS) {
      return java.util.Optional.of(
          "The capacity provider strategy cannot contain more than "
              + MAX_PROVIDERS
              + " capacity providers.");
    }
    Set<String> names = new HashSet<>();
    int withBase = 0;
    for (CapacityProviderStrategyItem item : strategy) {
      if (!names.add(item.capacityProvider())) {
        return java.util.Optional.of(
            "The specified capacity provider strategy cannot contain duplicate capacity providers.");
      }
      if (item.base() < 0 || item.base() > MAX_BASE) {
        return java.util.Optional.of(
            "The base value of a capacity provider strategy item must be between 0 and "
                + MAX_BASE
                + ".");
      }
      if (item.weight() < 0 || item.weight() > MAX_WEIGHT) {
        return java.util.Optional.of(
            "The weight value of a capacity provider strategy item must be between 0 and "
                + MAX_WEIGHT
                + ".");
      }
      if (item.base() > 0) withBase++;
    }
    if (withBase > 1) {
      return java.util.Optional.of(
          "The specified capacity provider strategy cannot contain more than one capacity provider with a base value greater than zero.");
    }
    if (strategy.size() > 1 && strategy.stream().allMatch(i -> i.weight() == 0)) {
      return java.util.Optional.of(
          "The specified capacity provider strategy must contain at least one capacity provider with a weight value greater than zero.");
    }
    return java.util.Optional.empty();
  }
}
