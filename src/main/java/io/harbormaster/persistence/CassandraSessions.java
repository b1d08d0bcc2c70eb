package io.harbormaster.persistence;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Opening a session to a Cassandra that may still be starting. */
public final class CassandraSessions {

  private static final Duration POLL = Duration.ofMillis(100);

  private CassandraSessions() {}

  /**
   * A session to {@code contactPoint}, waiting up to {@code timeout} for the node to answer: the
   * node may still be booting (`up` starts its control plane beside its Cassandra, and a server may
   * start before its database). A plain TCP connect is tried first, every 100 ms: a failed driver
   * session costs far more, and the port opens a moment before the node answers queries.
   *
   * @throws IllegalStateException if the node did not answer within {@code timeout}
   */
  public static CqlSession connectWhenUp(
      InetSocketAddress contactPoint, DriverConfigLoader config, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    // One attempt at once, even while the port is closed: it loads and links the driver's classes
    // (a second or more in a fresh JVM) while the node boots, not after.
    try {
      return EmbeddedCassandra.connect(contactPoint, config);
    } catch (AllNodesFailedException notYet) {
      last = notYet;
    }
    while (System.nanoTime() < deadline) {
      if (portOpen(contactPoint)) {
        try {
          return EmbeddedCassandra.connect(contactPoint, config);
        } catch (AllNodesFailedException notReadyYet) {
          last = notReadyYet;
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(
        "Cassandra at " + contactPoint + " did not answer within " + timeout, last);
  }

  static boolean portOpen(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
