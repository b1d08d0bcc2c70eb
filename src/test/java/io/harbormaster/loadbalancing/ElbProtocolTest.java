package io.harbormaster.loadbalancing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ElbProtocolTest {
  @Test
  void listenersForwardToTheTargetGroupProtocolsElbPairsThemWith() {
    assertTrue(ElbProtocol.HTTP.canForwardTo(ElbProtocol.HTTPS));
    assertFalse(ElbProtocol.HTTP.canForwardTo(ElbProtocol.TCP));
    assertTrue(ElbProtocol.TCP.canForwardTo(ElbProtocol.TCP_UDP));
    assertFalse(ElbProtocol.UDP.canForwardTo(ElbProtocol.TCP));
    assertFalse(ElbProtocol.TCP_UDP.canForwardTo(ElbProtocol.UDP));
    assertTrue(ElbProtocol.TLS.canForwardTo(ElbProtocol.TCP));
    assertFalse(LoadBalancerType.APPLICATION.speaks(ElbProtocol.TCP));
    assertTrue(LoadBalancerType.NETWORK.speaks(ElbProtocol.UDP));
  }
}
