package io.harbormaster.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskNetworkSettingsTest {

  @Test
  void defaults_keepTasksOnALinkLocalBridge_withPortsOnLoopback() {
    assertEquals(
        new TaskNetworkSettings(
            "harbormaster",
            "169.254.123.0/24",
            "169.254.123.1",
            "hm0",
            "127.0.0.1",
            "busybox:1.36"),
        TaskNetworkSettings.DEFAULT);
    assertTrue(TaskNetworkSettings.DEFAULT.createdByAgent());
  }

  @Test
  void theGatewayIsTheSubnetsFirstAddress() {
    assertEquals(
        "169.254.200.65",
        TaskNetworkSettings.of("n", "169.254.200.64/26", "hm1", "127.0.0.1", "p").gateway());
  }

  @Test
  void theEnginesOwnBridgeIsUsedAsItIs() {
    TaskNetworkSettings engines =
        TaskNetworkSettings.of("bridge", null, null, "0.0.0.0", "busybox:1.36");
    assertFalse(engines.createdByAgent());
    assertEquals(null, engines.gateway());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"169.254.123.0", "169.254.123.1/24", "169.254.123.0/31", "fe80::/64", "x/24"})
  void aSubnetThatIsNotAnIpv4NetworkIsRefused(String subnet) {
    assertThrows(
        IllegalArgumentException.class,
        () -> TaskNetworkSettings.of("n", subnet, "hm0", "127.0.0.1", "p"));
  }

  @Test
  void aGatewayOutsideTheSubnetIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TaskNetworkSettings(
                "n", "169.254.123.0/24", "169.254.124.1", "hm0", "127.0.0.1", "p"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TaskNetworkSettings(
                "n", "169.254.123.0/24", "169.254.123.255", "hm0", "127.0.0.1", "p"),
        "the broadcast address");
  }

  @Test
  void aBridgeDeviceNameIsAtMost15Characters() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TaskNetworkSettings.of("n", "169.254.1.0/24", "a-very-long-name", "127.0.0.1", "p"));
  }
}
