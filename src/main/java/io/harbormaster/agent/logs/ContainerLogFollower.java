package io.harbormaster.agent.logs;

import io.harbormaster.agent.runtime.ContainerNotFoundException;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerRuntimeException;
import io.harbormaster.protocol.AgentMessages.AgentMessage;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one container's output: reads it from the engine ({@link ContainerRuntime#followOutput})
 * from the last position the control plane acknowledged, and sends it in batches, one at a time,
 * each again until the control plane answers. The position moves on, and is saved, only once a
 * batch is acknowledged: a restarted agent loses no line, and one it sends twice is stored once.
 *
 * <p>A line's position is the engine's nanosecond timestamp and its ordinal among consecutive lines
 * with that timestamp; reading again from the second of a saved position and skipping every line up
 * to it continues exactly after it.
 */
final class ContainerLogFollower implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ContainerLogFollower.class);
  private static final String UNAVAILABLE = "ServiceUnavailableException";

  /** A read line, or the end of the output. */
  private sealed interface Item {}

  private record Line(long timestampNanos, int ordinal, String text, boolean stderr)
      implements Item {
    boolean after(long ns, int ord) {
      return timestampNanos > ns || (timestampNanos == ns && ordinal > ord);
    }
  }

  private record End(Throwable failure) implements Item {}

  private final String containerId;
  private final String taskArn;
  private final String containerName;
  private final AwslogsTarget target;
  private final ContainerRuntime runtime;
  private final LogChannel channel;
  private final ReadPositions positions;
  private final LogShipperSettings settings;
  private final BlockingQueue<Item> queue;
  private final Map<Long, CompletableFuture<AgentMessage>> answers = new ConcurrentHashMap<>();
  private final Runnable onComplete;

  private volatile boolean closed;
  private volatile ContainerRuntime.Subscription reading;
  private long nextBatch;

  /** Reader's state (the runtime's thread): the last line read and its ordinal. */
  private long readNs = Long.MIN_VALUE;

  private int readOrdinal = -1;

  /** Lines up to here were read already (an earlier run acknowledged them, or this one queued). */
  private volatile long skipNs;

  private volatile int skipOrdinal;

  ContainerLogFollower(
      String containerId,
      String taskArn,
      String containerName,
      AwslogsTarget target,
      ReadPositions.Position acknowledged,
      ContainerRuntime runtime,
      LogChannel channel,
      ReadPositions positions,
      LogShipperSettings settings,
      Runnable onComplete) {
    this.containerId = containerId;
    this.taskArn = taskArn;
    this.containerName = containerName;
    this.target = target;
    this.runtime = runtime;
    this.channel = channel;
    this.positions = positions;
    this.settings = settings;
    this.onComplete = onComplete;
    this.queue = new ArrayBlockingQueue<>(settings.bufferedLines());
    this.skipNs =
        acknowledged.timestampNanos() == null ? Long.MIN_VALUE : acknowledged.timestampNanos();
    this.skipOrdinal = acknowledged.ordinal() == null ? -1 : acknowledged.ordinal();
  }

  String containerId() {
    return containerId;
  }

  /** The sender's loop, on a thread of its own until the output ended and is all acknowledged. */
  @Override
  public void run() {
    startReading();
    try {
      while (!closed) {
        Item first = queue.poll(settings.linger().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) continue;
        if (first instanceof End end) {
          if (ended(end)) return;
          continue;
        }
        List<Line> batch = new ArrayList<>();
        batch.add((Line) first);
        int bytes = ((Line) first).text().length();
        long deadline = System.nanoTime() + settings.linger().toNanos();
        End endAfter = null;
        while (batch.size() < settings.maxBatchEvents() && bytes < settings.maxBatchBytes()) {
          long wait = deadline - System.nanoTime();
          Item next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) break;
          if (next instanceof End end) {
            endAfter = end;
            break;
          }
          Line line = (Line) next;
          batch.add(line);
          bytes += line.text().getBytes(StandardCharsets.UTF_8).length;
        }
        ship(batch);
        if (endAfter != null && ended(endAfter)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ContainerRuntime.Subscription r = reading;
      if (r != null) r.close();
    }
  }

  /** A control plane's answer to one of this follower's batches. */
  void answered(AgentMessage answer) {
    long batch =
        answer instanceof LogEventsAccepted a
            ? a.batch()
            : answer instanceof LogEventsRefused r ? r.batch() : -1;
    CompletableFuture<AgentMessage> waiting = answers.get(batch);
    if (waiting != null) waiting.complete(answer);
  }

  void close() {
    closed = true;
    ContainerRuntime.Subscription r = reading;
    if (r != null) r.close();
  }

  private void startReading() {
    // The engine's "since" is in whole seconds: from the saved line's second, skipping up to it.
    long since = skipNs == Long.MIN_VALUE ? 0 : Math.floorDiv(skipNs, 1_000_000_000L);
    readNs = Long.MIN_VALUE;
    readOrdinal = -1;
    reading = runtime.followOutput(containerId, since, new Reader());
  }

  /**
   * The output ended: done when the container stopped and every line is acknowledged; otherwise
   * (the engine's stream broke) read again after the last line read.
   */
  private boolean ended(End end) throws InterruptedException {
    boolean stopped;
    try {
      stopped = !runtime.inspect(containerId).running();
    } catch (ContainerNotFoundException e) {
      stopped = true;
    } catch (ContainerRuntimeException e) {
      stopped = false;
    }
    if (stopped && end.failure() == null) {
      ReadPositions.Position last = positions.read(containerId);
      positions.write(
          containerId, new ReadPositions.Position(last.timestampNanos(), last.ordinal(), true));
      onComplete.run();
      return true;
    }
    if (stopped) {
      log.info(
          "reading the output of container {} failed ({}); reading it again",
          containerId,
          end.failure().toString());
    }
    Thread.sleep(settings.retryDelay().toMillis());
    if (!closed) startReading();
    return false;
  }

  /** Sends a batch until the control plane has it, then saves the position after it. */
  private void ship(List<Line> batch) throws InterruptedException {
    long number = nextBatch++;
    LogEvents message =
        new LogEvents(
            containerId,
            number,
            taskArn,
            containerName,
            target.logGroup(),
            target.logStream(),
            target.createGroup(),
            batch.stream()
                .map(l -> new LogLine(l.timestampNanos(), l.ordinal(), l.text(), l.stderr()))
                .toList());
    Line last = batch.get(batch.size() - 1);
    boolean loggedRefusal = false;
    while (!closed) {
      CompletableFuture<AgentMessage> answer = new CompletableFuture<>();
      answers.put(number, answer);
      try {
        if (!channel.send(message)) {
          Thread.sleep(settings.retryDelay().toMillis());
          continue;
        }
        AgentMessage a = answer.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (a instanceof LogEventsRefused r) {
          if (UNAVAILABLE.equals(r.errorType())) {
            if (!loggedRefusal) {
              log.info("log events of {} not stored yet: {}", target.logStream(), r.message());
              loggedRefusal = true;
            }
            Thread.sleep(settings.retryDelay().toMillis());
            continue;
          }
          // What the Logs service refuses for good is dropped, as Docker's awslogs driver drops it.
          log.warn(
              "the control plane refused log events of {} in {}: {}: {}",
              target.logStream(),
              target.logGroup(),
              r.errorType(),
              r.message());
        }
        positions.write(
            containerId, new ReadPositions.Position(last.timestampNanos(), last.ordinal(), false));
        return;
      } catch (TimeoutException e) {
        // no answer (the session went away with it): send it again
      } catch (ExecutionException e) {
        Thread.sleep(settings.retryDelay().toMillis());
      } finally {
        answers.remove(number);
      }
    }
  }

  /** Turns the engine's lines into positioned lines; runs on the runtime's thread. */
  private final class Reader implements ContainerOutput.Listener {
    @Override
    public void onLine(ContainerOutput output) {
      long ns = nanos(output.timestamp());
      if (ns == readNs) {
        readOrdinal++;
      } else {
        readNs = ns;
        readOrdinal = 0;
      }
      Line line = new Line(ns, readOrdinal, output.text(), output.stderr());
      if (!line.after(skipNs, skipOrdinal)) return;
      skipNs = ns;
      skipOrdinal = readOrdinal;
      put(line);
    }

    @Override
    public void onEnd(Throwable failure) {
      put(new End(failure));
    }

    private void put(Item item) {
      try {
        while (!closed && !queue.offer(item, 1, TimeUnit.SECONDS)) {
          // the sender is behind: the engine keeps the rest in the container's log meanwhile
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
