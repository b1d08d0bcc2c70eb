package io.harbormaster.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.service.Service.ServiceEvent;
import io.harbormaster.service.Service.ServiceView;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a service's state keeps of its history. */
class ServiceViewTest {

  @Test
  void aServiceKeepsItsNewest100ServiceEventsAsDescribeServicesShowsThem() {
    ServiceView view =
        new ServiceView(
            "000000000000",
            "default",
            null,
            null,
            Instant.EPOCH,
            List.of(),
            new TreeMap<>(),
            null,
            false,
            List.of(),
            0);
    for (int i = 0; i < 250; i++) {
      view =
          view.withEvent(
              new ServiceEvent(
                  "e" + i,
                  Instant.EPOCH.plusSeconds(i),
                  "SERVICE_STEADY_STATE",
                  "INFO",
                  "(service web) has reached a steady state."));
    }
    assertEquals(Service.SHOWN_SERVICE_EVENTS, view.events().size());
    assertEquals("e150", view.events().get(0).id());
    assertEquals("e249", view.events().get(99).id());
  }
}
