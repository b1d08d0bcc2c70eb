package io.harbormaster.agent.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.agent.runtime.ContainerEventListener;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.ImagePull;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.LogLine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One container's shipping against a scripted engine and a scripted control plane: lines get
 * positions, batches go again until answered, and a follower started on the saved position of an
 * earlier one (an agent restarted) goes on right after what was acknowledged.
 */
class ContainerLogFollowerTest {
  private static final LogShipperSettings FAST =
      new LogShipperSettings(
          3,
          1024,
          Duration.ofMillis(5),
          Duration.ofMillis(200),
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          100);
  private static final AwslogsTarget TARGET = new AwslogsTarget("/g", "p/c/t", true);

  @TempDir Path state;

  /** Seven lines, three of them in one nanosecond and two more in another. */
  private static final List<ContainerOutput> OUTPUT =
      List.of(
          line(10, 0, "a"),
          line(10, 5, "b"),
          line(10, 5, "c"),
          line(10, 5, "d"),
          line(11, 0, "e"),
          line(12, 7, "f"),
          line(12, 7, "g"));

  @Test
  void linesAreShippedInOrder_withOrdinalsWithinOneTimestamp_andTheEndIsSaved() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(OUTPUT);
    Shipped shipped = new Shipped();
    run(engine, shipped, (follower, batch) -> follower.answered(accepted(batch)));

    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), shipped.messages());
    assertEquals(
        List.of(0, 0, 1, 2, 0, 0, 1), shipped.lines().stream().map(LogLine::ordinal).toList());
    assertTrue(new ReadPositions(Optional.of(state)).read("c1").complete());
  }

  @Test
  void aBatchWithoutAnswer_goesAgain_withTheSamePositions() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(OUTPUT);
    Shipped shipped = new Shipped();
    AtomicInteger sent = new AtomicInteger();
    run(
        engine,
        shipped,
        (follower, batch) -> {
          if (sent.incrementAndGet() != 2) follower.answered(accepted(batch)); // the 2nd is lost
        });

    List<LogEvents> batches = shipped.batches;
    assertEquals(batches.get(1), batches.get(2), "the unanswered batch again, as it was");
    assertEquals(
        List.of("a", "b", "c", "d", "e", "f", "g"),
        shipped.lines().stream().distinct().map(LogLine::message).toList());
  }

  @Test
  void aRestartedFollower_goesOnAfterTheAcknowledgedLine() throws Exception {
    // The first agent has d (10 s + 5 ns, ordinal 2) acknowledged, then dies.
    ReadPositions positions = new ReadPositions(Optional.of(state));
    positions.write("c1", new ReadPositions.Position(10_000_000_005L, 2, false));
    ScriptedEngine engine = new ScriptedEngine(OUTPUT);
    Shipped shipped = new Shipped();
    run(engine, shipped, (follower, batch) -> follower.answered(accepted(batch)));

    assertEquals(List.of("e", "f", "g"), shipped.messages());
    assertEquals(List.of(10L), engine.sinceSeconds, "read again from the saved line's second");
  }

  @Test
  void aRefusalForGood_dropsTheBatch_andTheRestGoesOn() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(OUTPUT);
    Shipped shipped = new Shipped();
    AtomicInteger sent = new AtomicInteger();
    run(
        engine,
        shipped,
        (follower, batch) ->
            follower.answered(
                sent.incrementAndGet() == 1
                    ? new LogEventsRefused(
                        batch.source(),
                        batch.batch(),
                        "ResourceNotFoundException",
                        "The specified log group does not exist.")
                    : accepted(batch)));

    assertEquals(3, shipped.batches.size(), "7 lines in batches of 3, none sent twice");
  }

  @Test
  void anUnavailableStore_getsTheBatchAgain() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(OUTPUT);
    Shipped shipped = new Shipped();
    AtomicInteger sent = new AtomicInteger();
    run(
        engine,
        shipped,
        (follower, batch) ->
            follower.answered(
                sent.incrementAndGet() == 1
                    ? new LogEventsRefused(
                        batch.source(), batch.batch(), "ServiceUnavailableException", "later")
                    : accepted(batch)));

    assertEquals(4, shipped.batches.size());
    assertEquals(shipped.batches.get(0), shipped.batches.get(1));
  }

  private void run(
      ScriptedEngine engine,
      Shipped shipped,
      BiConsumer<ContainerLogFollower, LogEvents> controlPlane)
      throws Exception {
    ContainerLogFollower[] self = new ContainerLogFollower[1];
    ReadPositions positions = new ReadPositions(Optional.of(state));
    self[0] =
        new ContainerLogFollower(
            "c1",
            "arn:aws:ecs:us-east-1:1:task/c/t",
            "c",
            TARGET,
            positions.read("c1"),
            engine,
            batch -> {
              shipped.batches.add(batch);
              // answers arrive on another thread, as from the session
              new Thread(() -> controlPlane.accept(self[0], batch)).start();
              return true;
            },
            positions,
            FAST,
            () -> {});
    Thread t = new Thread(self[0]);
    t.start();
    t.join(10_000);
    assertTrue(!t.isAlive(), "the follower ends once the stopped container's output is shipped");
  }

  private static LogEventsAccepted accepted(LogEvents batch) {
    return new LogEventsAccepted(batch.source(), batch.batch());
  }

  private static ContainerOutput line(long second, long nanos, String text) {
    return new ContainerOutput(Instant.ofEpochSecond(second, nanos), text, false);
  }

  private static final class Shipped {
    final List<LogEvents> batches = new CopyOnWriteArrayList<>();

    List<LogLine> lines() {
      List<LogLine> all = new ArrayList<>();
      for (LogEvents b : batches) all.addAll(b.events());
      return all;
    }

    List<String> messages() {
      return lines().stream().map(LogLine::message).toList();
    }
  }

  /** A stopped container's output, read back from a second on, as the engine's log gives it. */
  private static final class ScriptedEngine implements ContainerRuntime {
    private final List<ContainerOutput> output;
    final List<Long> sinceSeconds = new CopyOnWriteArrayList<>();

    ScriptedEngine(List<ContainerOutput> output) {
      this.output = output;
    }

    @Override
    public Subscription followOutput(
        String containerId, long sinceEpochSecond, ContainerOutput.Listener listener) {
      if (sinceEpochSecond > 0) sinceSeconds.add(sinceEpochSecond);
      for (ContainerOutput line : output) {
        if (line.timestamp().getEpochSecond() >= sinceEpochSecond) listener.onLine(line);
      }
      listener.onEnd(null);
      return () -> {};
    }

    @Override
    public ContainerState inspect(String containerId) {
      Map<String, String> labels = new LinkedHashMap<>();
      return new ContainerState(
          containerId,
          "c",
          "busybox",
          ContainerState.Status.EXITED,
          0,
          false,
          ContainerState.Health.UNKNOWN,
          Instant.EPOCH,
          Instant.EPOCH,
          List.of(),
          labels,
          null);
    }

    @Override
    public ImagePull ensureImage(String image) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String create(ContainerSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void start(String containerId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void stop(String containerId, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void remove(String containerId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void removeVolume(String volumeName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ContainerState> listByLabel(String key, String value) {
      return List.of();
    }

    @Override
    public Subscription subscribe(ContainerEventListener listener) {
      return () -> {};
    }

    @Override
    public void close() {}
  }
}
