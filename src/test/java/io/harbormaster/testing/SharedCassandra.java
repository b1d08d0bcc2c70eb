package io.harbormaster.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import io.harbormaster.persistence.CassandraSchema;
import io.harbormaster.persistence.CassandraSettings;
import io.harbormaster.persistence.EmbeddedCassandra;
import io.harbormaster.persistence.FreePorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Cassandra for all integration tests of a test JVM (one failsafe run), started on first
 * use, with the checked-in schema applied, stopped by a JVM shutdown hook.
 *
 * <p>Use the static accessors, or {@code @ExtendWith(SharedCassandra.class)} to start it before a
 * test class runs. Its data directory, {@code target/it-cassandra}, outlives the run (a crashed
 * run's node is stopped by the next start), so tests use fresh ids instead of expecting empty
 * tables.
 */
public final class SharedCassandra implements BeforeAllCallback {

  private static EmbeddedCassandra cassandra;

  /**
   * A failed start is remembered: every later test fails at once instead of waiting out the timeout
   * again.
   */
  private static RuntimeException startFailure;

  public static synchronized EmbeddedCassandra get() {
    if (cassandra != null) {
      return cassandra;
    }
    if (startFailure != null) {
      throw startFailure;
    }
    try {
      cassandra = start();
      Runtime.getRuntime().addShutdownHook(new Thread(cassandra::close, "shared-cassandra-stop"));
      return cassandra;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      startFailure = new IllegalStateException("the shared test Cassandra did not start", e);
      throw startFailure;
    }
  }

  public static int nativePort() {
    return get().nativePort();
  }

  public static InetSocketAddress contactPoint() {
    return get().contactPoint();
  }

  /** A new session with the schema driver settings; the caller closes it. */
  public static CqlSession openSession() {
    return get().openSession();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  private static EmbeddedCassandra start() throws Exception {
    Path home = ProjectHome.path();
    int nativePort = FreePorts.pick();
    int storagePort = FreePorts.pick();
    while (storagePort == nativePort) {
      storagePort = FreePorts.pick();
    }
    CassandraSettings settings =
        CassandraSettings.local(home.resolve("target/it-cassandra"), nativePort, storagePort);
    EmbeddedCassandra started = EmbeddedCassandra.start(home, settings);
    try (CqlSession session = started.openSession()) {
      CassandraSchema.apply(session, home.resolve("persistence/cql"));
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }
}
