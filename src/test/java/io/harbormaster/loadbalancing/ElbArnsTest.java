package io.harbormaster.loadbalancing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElbArnsTest {
  @Test
  void everyArnLeadsBackToItsEntity() {
    String lb =
        ElbArns.loadBalancer(
            "us-east-1", "123456789012", LoadBalancerType.NETWORK, "edge", "0123456789abcdef");
    assertEquals(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/edge/0123456789abcdef",
        lb);
    var lbRef = new ElbArns.LoadBalancerRef("123456789012", "edge", "0123456789abcdef");
    assertEquals(Optional.of(lbRef), ElbArns.parseLoadBalancer(lb));
    String listener =
        ElbArns.listener(
            "us-east-1",
            "123456789012",
            LoadBalancerType.NETWORK,
            "edge",
            "0123456789abcdef",
            "00000000000000aa");
    assertEquals(
        Optional.of(new ElbArns.ListenerRef(lbRef, "00000000000000aa")),
        ElbArns.parseListener(listener));
    String rule =
        ElbArns.rule(
            "us-east-1",
            "123456789012",
            LoadBalancerType.APPLICATION,
            "edge",
            "0123456789abcdef",
            "00000000000000aa",
            "00000000000000bb");
    assertEquals("00000000000000bb", ElbArns.parseRule(rule).orElseThrow().ruleId());
    String tg = ElbArns.targetGroup("us-east-1", "123456789012", "web", "00000000000000cc");
    assertEquals("123456789012/web", ElbArns.parseTargetGroup(tg).orElseThrow().entityId());
    assertEquals(Optional.empty(), ElbArns.parseTargetGroup(lb));
    assertEquals(Optional.empty(), ElbArns.parseLoadBalancer(listener));
  }
}
