package io.harbormaster.loadbalancing;

import java.util.Optional;

/** Listener, target group and health check protocols. */
public enum ElbProtocol {
  HTTP,
  HTTPS,
  TCP,
  TLS,
  UDP,
  TCP_UDP;

  public static Optional<ElbProtocol> of(String text) {
    for (ElbProtocol p : values()) if (p.name().equals(text)) return Optional.of(p);
    return Optional.empty();
  }

  /** HTTP and HTTPS: application load balancers; the rest: network load balancers. */
  public boolean layer7() {
    return switch (this) {
      case HTTP, HTTPS -> true;
      case TCP, TLS, UDP, TCP_UDP -> false;
    };
  }

  /** Whether a listener of this protocol forwards to a target group of that one (ELBv2's pairs). */
  public boolean canForwardTo(ElbProtocol targetGroup) {
    return switch (this) {
      case HTTP, HTTPS -> targetGroup == HTTP || targetGroup == HTTPS;
      case TCP -> targetGroup == TCP || targetGroup == TCP_UDP;
      case UDP -> targetGroup == UDP || targetGroup == TCP_UDP;
      case TCP_UDP -> targetGroup == TCP_UDP;
      case TLS -> targetGroup == TCP || targetGroup == TLS;
    };
  }
}
