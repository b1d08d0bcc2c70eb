package io.harbormaster.agent.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerRuntimeException;
import io.harbormaster.protocol.AgentMessages.AgentMessage;
import io.harbormaster.protocol.AgentMessages.ContainerState;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's log shipping: for every container of its tasks whose definition asks for the {@code
 * awslogs} driver and that has started, a {@link ContainerLogFollower} reads what it prints from
 * the engine and ships it to the control plane over the agent's session. Level-triggered: it looks
 * at the tasks the engine holds every few seconds, so containers a restarted agent adopted are
 * followed again from their saved positions.
 */
public final class LogShipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogShipper.class);

  /** The batch number of the empty batch that opens a container's stream before it starts. */
  static final long OPENING_BATCH = -1;

  private static final String UNAVAILABLE = "ServiceUnavailableException";

  /** Containers whose stream is being opened, by container id: the control plane's answer. */
  private final Map<String, CompletableFuture<AgentMessage>> opening = new ConcurrentHashMap<>();

  private final ContainerRuntime runtime;
  private final Supplier<List<TaskReport>> reports;
  private final Function<String, Optional<TaskPayload>> payloads;
  private final LogChannel channel;
  private final ReadPositions positions;
  private final LogShipperSettings settings;
  private final ScheduledExecutorService timers;
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "agent-log-shipper");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, ContainerLogFollower> following = new ConcurrentHashMap<>();

  /** Containers whose output is all shipped. */
  private final Set<String> complete = ConcurrentHashMap.newKeySet();

  private ScheduledFuture<?> scanning;

  public LogShipper(
      ContainerRuntime runtime,
      Supplier<List<TaskReport>> reports,
      Function<String, Optional<TaskPayload>> payloads,
      LogChannel channel,
      Optional<Path> stateDir,
      LogShipperSettings settings,
      ScheduledExecutorService timers) {
    this.runtime = runtime;
    this.reports = reports;
    this.payloads = payloads;
    this.channel = channel;
    this.positions = new ReadPositions(stateDir);
    this.settings = settings;
    this.timers = timers;
  }

  public void start() {
    long every = settings.scanInterval().toMillis();
    scanning = timers.scheduleWithFixedDelay(this::scan, 0, every, TimeUnit.MILLISECONDS);
  }

  /** A control plane's answer to a batch: to the follower that sent it. */
  public void answered(AgentMessage answer) {
    String source =
        answer instanceof LogEventsAccepted a
            ? a.source()
            : answer instanceof LogEventsRefused r ? r.source() : null;
    long batch =
        answer instanceof LogEventsAccepted a
            ? a.batch()
            : answer instanceof LogEventsRefused r ? r.batch() : 0;
    if (source != null && batch == OPENING_BATCH) {
      CompletableFuture<AgentMessage> waiting = opening.get(source);
      if (waiting != null) waiting.complete(answer);
      return;
    }
    ContainerLogFollower follower = source == null ? null : following.get(source);
    if (follower != null) follower.answered(answer);
  }

  /**
   * Before a container with the awslogs driver starts: opens its stream with an empty batch, as
   * Docker's awslogs driver creates its stream when the container starts. A group that does not
   * exist and is not to be created fails the start as it fails there. A control plane that cannot
   * answer now does not hold the container up: its output waits in its log until it can.
   *
   * @throws ContainerRuntimeException when the control plane refuses the stream
   */
  public void beforeStart(TaskPayload task, JsonNode containerDefinition, String containerId) {
    Optional<AwslogsTarget> target =
        AwslogsTarget.of(containerDefinition, task.taskArn(), containerId);
    if (target.isEmpty()) return;
    CompletableFuture<AgentMessage> answer = new CompletableFuture<>();
    opening.put(containerId, answer);
    try {
      LogEvents open =
          new LogEvents(
              containerId,
              OPENING_BATCH,
              task.taskArn(),
              containerDefinition.path("name").asText(),
              target.get().logGroup(),
              target.get().logStream(),
              target.get().createGroup(),
              List.of());
      if (!channel.send(open)) return;
      AgentMessage a = answer.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (a instanceof LogEventsRefused r && !UNAVAILABLE.equals(r.errorType())) {
        throw new ContainerRuntimeException(
            "failed to initialize logging driver: failed to create Cloudwatch log stream: "
                + r.errorType()
                + ": "
                + r.message());
      }
    } catch (TimeoutException | ExecutionException e) {
      log.info(
          "no answer to opening log stream {}; container {} starts all the same",
          target.get().logStream(),
          containerId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      opening.remove(containerId, answer);
    }
  }

  /** Containers being followed now (for tests and diagnostics). */
  public Set<String> following() {
    return Set.copyOf(following.keySet());
  }

  private void scan() {
    try {
      Set<String> seen = new HashSet<>();
      for (TaskReport report : reports.get()) {
        if (report.report() == null || report.report().containers() == null) continue;
        Optional<TaskPayload> payload = payloads.apply(report.taskId());
        if (payload.isEmpty()) continue;
        for (ContainerState c : report.report().containers()) {
          if (c.runtimeId() == null || "PENDING".equals(c.lastStatus())) continue;
          seen.add(c.runtimeId());
          if (following.containsKey(c.runtimeId()) || complete.contains(c.runtimeId())) continue;
          definition(payload.get(), c.name())
              .flatMap(d -> AwslogsTarget.of(d, payload.get().taskArn(), c.runtimeId()))
              .ifPresent(target -> follow(payload.get(), c, target));
        }
      }
      // Containers the engine forgot (removed with their task): their positions go too.
      for (String id : Set.copyOf(complete)) {
        if (!seen.contains(id)) {
          complete.remove(id);
          positions.forget(id);
        }
      }
    } catch (RuntimeException e) {
      log.warn("looking for container output to ship failed", e);
    }
  }

  private void follow(TaskPayload payload, ContainerState container, AwslogsTarget target) {
    String id = container.runtimeId();
    ReadPositions.Position saved = positions.read(id);
    if (saved.complete()) {
      complete.add(id);
      return;
    }
    ContainerLogFollower follower =
        new ContainerLogFollower(
            id,
            payload.taskArn(),
            container.name(),
            target,
            saved,
            runtime,
            channel,
            positions,
            settings,
            () -> {
              complete.add(id);
              following.remove(id);
            });
    following.put(id, follower);
    senders.execute(
        () -> {
          try {
            follower.run();
          } finally {
            following.remove(id, follower);
          }
        });
  }

  private static Optional<JsonNode> definition(TaskPayload payload, String containerName) {
    for (JsonNode c : payload.taskDefinition().path("containerDefinitions")) {
      if (containerName.equals(c.path("name").asText())) return Optional.of(c);
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (scanning != null) scanning.cancel(false);
    following.values().forEach(ContainerLogFollower::close);
    senders.shutdownNow();
  }
}
