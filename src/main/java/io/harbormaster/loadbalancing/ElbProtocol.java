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
}
