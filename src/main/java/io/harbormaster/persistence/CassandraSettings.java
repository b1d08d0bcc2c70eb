package io.harbormaster.persistence;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run the embedded single-node Cassandra.
 *
 * @param host the loopback address it listens on (listen, rpc and seed address)
 * @param nativePort the CQL port clients connect to
 * @param storagePort the inter-node port; a single node still binds it
 * @param dataDir where everything of this node lives: data, commit log, logs, rendered yaml, pid
 *     file
 * @param heap -Xms and -Xmx, in the JVM's syntax ("1G", "512M")
 * @param startTimeout how long {@link EmbeddedCassandra#start} waits for the CQL port
 */
public record CassandraSettings(
    String host,
    int nativePort,
    int storagePort,
    Path dataDir,
    String heap,
    Duration startTimeout) {

  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * MACHINE.md: RSS ≈ 1.5–1.65 GB with this heap; less makes compaction and repair slow to a crawl.
   */
  public static final String DEFAULT_HEAP = "1G";

  /** The CQL port answers 5–8 s after launch here; two minutes leaves room for a busy machine. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

  private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  public CassandraSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(heap, "heap");
    Objects.requireNonNull(startTimeout, "startTimeout");
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    requirePort(nativePort, "nativePort");
    requirePort(storagePort, "storagePort");
    if (nativePort == storagePort) {
      throw new IllegalArgumentException("nativePort and storagePort must differ: " + nativePort);
    }
    if (!HEAP_SIZE.matcher(heap).matches()) {
      throw new IllegalArgumentException("heap must look like 1G or 512M: " + heap);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
    }
  }

  /** A node on {@link #DEFAULT_HOST} with the default heap and start timeout. */
  public static CassandraSettings local(Path dataDir, int nativePort, int storagePort) {
    return new CassandraSettings(
        DEFAULT_HOST, nativePort, storagePort, dataDir, DEFAULT_HEAP, DEFAULT_START_TIMEOUT);
  }

  public CassandraSettings withHeap(String newHeap) {
    return new CassandraSettings(host, nativePort, storagePort, dataDir, newHeap, startTimeout);
  }

  public CassandraSettings withStartTimeout(Duration newStartTimeout) {
    return new CassandraSettings(host, nativePort, storagePort, dataDir, heap, newStartTimeout);
  }

  private static void requirePort(int port, String name) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 1..65535: " + port);
    }
  }
}
