package io.harbormaster.loadbalancing;

import java.util.Optional;

/** Application (HTTP, layer 7) or network (TCP/UDP, layer 4) load balancer. */
public enum LoadBalancerType {
  APPLICATION("application", "app"),
  NETWORK("network", "net");

  private final String wire;
  private final String arnPrefix;

  LoadBalancerType(String wire, String arnPrefix) {
    this.wire = wire;
    this.arnPrefix = arnPrefix;
  }

  /** As the API spells it: {@code application}, {@code network}. */
  public String wire() {
    return wire;
  }

  /** The ARN's type segment: {@code app}, {@code net}. */
  public String arnPrefix() {
    return arnPrefix;
  }

  public static Optional<LoadBalancerType> ofWire(String text) {
    for (LoadBalancerType t : values()) if (t.wire.equals(text)) return Optional.of(t);
    return Optional.empty();
  }

  public static Optional<LoadBalancerType> ofArnPrefix(String text) {
    for (LoadBalancerType t : values()) if (t.arnPrefix.equals(text)) return Optional.of(t);
    return Optional.empty();
  }

  /** Whether a listener or target group of this protocol belongs to this type. */
  public boolean speaks(ElbProtocol protocol) {
    return switch (this) {
      case APPLICATION -> protocol.layer7();
      case NETWORK -> !protocol.layer7();
    };
  }
}
