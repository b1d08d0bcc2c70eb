package io.harbormaster.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapacitySpreadTest {
  private static CapacityProviderStrategyItem item(String name, int base, int weight) {
    return new CapacityProviderStrategyItem(name, base, weight);
  }

  @Test
  void baseIsFilledFirst_thenTheRestByWeight() {
    // ECS's example: base 2 on A, A:B weights 1:1; 6 tasks -> 2 on A for the base, 4 split evenly.
    var strategy = List.of(item("A", 2, 1), item("B", 0, 1));
    assertEquals(Map.of("A", 4, "B", 2), CapacitySpread.split(strategy, Map.of(), 6));
    assertEquals(
        List.of("A", "A", "A", "B", "A", "B"), CapacitySpread.assign(strategy, Map.of(), 6));
  }

  @Test
  void weightsOneToFour_oneTaskOnAForEveryFourOnB() {
    var strategy = List.of(item("A", 0, 1), item("B", 0, 4));
    assertEquals(Map.of("A", 1, "B", 4), CapacitySpread.split(strategy, Map.of(), 5));
    assertEquals(Map.of("A", 2, "B", 8), CapacitySpread.split(strategy, Map.of(), 10));
  }

  @Test
  void fewerTasksThanTheBase_allOnTheBaseProvider() {
    var strategy = List.of(item("A", 0, 1), item("B", 3, 0));
    assertEquals(Map.of("A", 0, "B", 2), CapacitySpread.split(strategy, Map.of(), 2));
  }

  @Test
  void weightZero_takesNothingBeyondItsBase() {
    var strategy = List.of(item("A", 1, 0), item("B", 0, 1));
    assertEquals(Map.of("A", 1, "B", 4), CapacitySpread.split(strategy, Map.of(), 5));
  }

  @Test
  void singleProviderWithoutWeight_takesEveryTask() {
    assertEquals(
        Map.of("FARGATE", 3), CapacitySpread.split(List.of(item("FARGATE", 0, 0)), Map.of(), 3));
  }

  @Test
  void existingTasks_countTowardsBaseAndShares() {
    // A service with its base of 2 on A and one more task each: the next two go one each.
    var strategy = List.of(item("A", 2, 1), item("B", 0, 1));
    assertEquals(Map.of("A", 1, "B", 1), CapacitySpread.split(strategy, Map.of("A", 3, "B", 1), 2));
    // B ahead of its share: the next task evens it out on A.
    assertEquals(List.of("A"), CapacitySpread.assign(strategy, Map.of("A", 3, "B", 2), 1));
    // A replacement for a lost base task goes back to the base provider.
    assertEquals(List.of("A"), CapacitySpread.assign(strategy, Map.of("A", 1, "B", 4), 1));
  }

  @Test
  void tiesGoToTheProviderListedFirst() {
    var strategy = List.of(item("B", 0, 1), item("A", 0, 1));
    assertEquals(List.of("B", "A", "B"), CapacitySpread.assign(strategy, Map.of(), 3));
  }

  @Test
  void invalidStrategies_areNamed() {
    assertTrue(CapacitySpread.invalid(List.of(item("A", 1, 1), item("B", 1, 1))).isPresent());
    assertTrue(CapacitySpread.invalid(List.of(item("A", 0, 0), item("B", 0, 0))).isPresent());
    assertTrue(CapacitySpread.invalid(List.of(item("A", 0, 1), item("A", 0, 1))).isPresent());
    assertTrue(CapacitySpread.invalid(List.of(item("A", 0, 1001))).isPresent());
    assertTrue(CapacitySpread.invalid(List.of(item("A", 0, 0))).isEmpty());
    assertTrue(CapacitySpread.invalid(List.of(item("A", 5, 0), item("B", 0, 2))).isEmpty());
  }

  @Test
  void everyTaskIsAssigned_andSharesFollowWeights() {
    // Property over small strategies: count tasks assigned; beyond the base, each provider's share
    // is within one task of its weight's share.
    for (int wa = 0; wa <= 4; wa++) {
      for (int wb = 1; wb <= 4; wb++) {
        for (int count = 0; count <= 30; count++) {
          var strategy = List.of(item("A", 0, wa), item("B", 0, wb));
          Map<String, Integer> split = CapacitySpread.split(strategy, Map.of(), count);
          assertEquals(count, split.get("A") + split.get("B"));
          double expectedA = count * wa / (double) (wa + wb);
          assertTrue(Math.abs(split.get("A") - expectedA) <= 1.0, split + " for " + wa + ":" + wb);
        }
      }
    }
  }
}
