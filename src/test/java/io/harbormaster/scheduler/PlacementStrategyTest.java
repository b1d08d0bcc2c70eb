package io.harbormaster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlacementStrategyTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "binpack, cpu, cpu",
    "binpack, MEMORY, memory",
    "spread, instanceId, instanceId",
    "spread, host, instanceId",
    "spread, attribute:ecs.availability-zone, attribute:ecs.availability-zone",
    "SPREAD, attribute:rack, attribute:rack",
    "random, ignored, ''",
  })
  void apiStringsAreNormalised(String type, String field, String expectedField) {
    assertEquals(expectedField, PlacementStrategy.of(type, field).field());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "binpack, disk",
    "binpack, ''",
    "spread, ''",
    "spread, attribute:",
    "spread, zone",
    "pack, cpu"
  })
  void invalidStrategiesAreRefusedWithAClearMessage(String type, String field) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PlacementStrategy.of(type, field));
    assertTrue(e.getMessage().startsWith("Invalid"), e.getMessage());
  }

  @Test
  void servicesSpreadByZoneThenInstance() {
    assertEquals(
        List.of(
            PlacementStrategy.spread("attribute:ecs.availability-zone"),
            PlacementStrategy.spread("instanceId")),
        PlacementStrategy.SERVICE_DEFAULT);
  }

  @Test
  void runTaskPlacesRandomly() {
    assertEquals(List.of(PlacementStrategy.random()), PlacementStrategy.RUN_TASK_DEFAULT);
  }
}
