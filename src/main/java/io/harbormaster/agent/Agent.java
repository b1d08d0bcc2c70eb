package io.harbormaster.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.auth.SigV4Signer;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.AgentMessage;
import io.harbormaster.protocol.AgentMessages.Heartbeat;
import io.harbormaster.protocol.AgentMessages.Hello;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.Refused;
import io.harbormaster.protocol.AgentMessages.ReportAccepted;
import io.harbormaster.protocol.AgentMessages.StartTask;
import io.harbormaster.protocol.AgentMessages.StopTask;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.VersionInfo;
import io.harbormaster.protocol.AgentMessages.Welcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's session with the control plane: a websocket to any node, signed with SigV4; Hello
 * with everything the host runs, then task payloads in and reports out, a heartbeat, and a
 * reconnect with jittered exponential back-off whenever the session ends. It is not a member of the
 * Pekko cluster.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final ObjectMapper JSON = AgentMessages.JSON;

  private final AgentSettings settings;
  private final HttpClient http;
  private final TaskEngine engine;
  private final ScheduledExecutorService scheduler;
  private final String dockerVersion;
  private volatile String instanceId;
  private volatile WebSocket socket;
  private volatile boolean welcomed;

  /**
   * Whether the control plane acknowledges reports (one that does not is never sent a report
   * again).
   */
  private volatile boolean acknowledging;

  /** Whether the control plane stores container logs (LogEvents): one that does not gets none. */
  private volatile boolean storesLogs;

  /** Where the control plane's answers to log batches go (the log shipper). */
  private volatile Consumer<AgentMessage> logAnswers = m -> {};

  private volatile boolean closed;
  private volatile Duration backoff;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private ScheduledFuture<?> heartbeat;
  private final CompletableFuture<Welcome> firstWelcome = new CompletableFuture<>();

  /** Reports sent but not yet persisted by the control plane: sent again with every heartbeat. */
  private final UnacknowledgedReports unacknowledged = new UnacknowledgedReports();

  /** onError and onClose may both end one session; it is retried once. */
  private final java.util.concurrent.atomic.AtomicBoolean retryScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();

  public Agent(
      AgentSettings settings,
      HttpClient http,
      TaskEngine engine,
      ScheduledExecutorService scheduler,
      String dockerVersion) {
    this.settings = settings;
    this.http = http;
    this.engine = engine;
    this.scheduler = scheduler;
    this.dockerVersion = dockerVersion;
    this.backoff = settings.minBackoff();
    // The host names itself before its first registration, so a registration retried after a
    // timeout is the same
    // instance and leaves no orphan behind.
    String saved = readInstanceId();
    this.instanceId =
        saved.isEmpty() ? java.util.UUID.randomUUID().toString().replace("-", "") : saved;
    if (saved.isEmpty()) writeInstanceId(instanceId);
    engine.onReport(
        report -> {
          TaskReport numbered = unacknowledged.add(report);
          if (welcomed) send(numbered);
        });
  }

  public void start() {
    connect();
  }

  /** Completes with the control plane's first Welcome: the agent is registered. */
  public CompletionStage<Welcome> registered() {
    return firstWelcome;
  }

  public String instanceId() {
    return instanceId;
  }

  /** The reports the control plane has not acknowledged yet (it has not persisted them). */
  public List<TaskReport> unacknowledgedReports() {
    return unacknowledged.pending();
  }

  private void connect() {
    retryScheduled.set(false);
    if (closed) return;
    URI base = settings.endpoint();
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    URI uri = URI.create(scheme + "://" + base.getRawAuthority() + AgentMessages.CONNECT_PATH);
    Map<String, String> signed =
        SigV4Signer.sign(
            "GET",
            AgentMessages.CONNECT_PATH,
            "",
            base.getRawAuthority(),
            new LinkedHashMap<>(),
            new byte[0],
            settings.accessKeyId(),
            settings.secretAccessKey(),
            settings.region(),
            "ecs",
            Instant.now());
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    signed.forEach(builder::header);
    builder
        .buildAsync(uri, new Listener())
        .whenComplete(
            (ws, failure) -> {
              if (failure != null) {
                log.debug(
                    "agent {}: could not connect to {}: {}",
                    settings.hostName(),
                    uri,
                    failure.toString());
                reconnectLater();
                return;
              }
              socket = ws;
              send(
                  new Hello(
                      settings.cluster(),
                      instanceId,
                      settings.hostName(),
                      settings.resources(),
                      settings.attributes(),
                      new VersionInfo(AgentSettings.AGENT_VERSION, null, dockerVersion),
                      engine.reports().stream().map(unacknowledged::add).toList()));
            });
  }

  private void reconnectLater() {
    welcomed = false;
    socket = null;
    if (heartbeat != null) heartbeat.cancel(false);
    if (closed || !retryScheduled.compareAndSet(false, true)) return;
    long jittered = (long) (backoff.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
    scheduler.schedule(this::connect, jittered, TimeUnit.MILLISECONDS);
  }

  private void onMessage(AgentMessage message) {
    if (message instanceof Welcome w) {
      instanceId = w.instanceId();
      writeInstanceId(w.instanceId());
      acknowledging = Boolean.TRUE.equals(w.acknowledgesReports());
      storesLogs = Boolean.TRUE.equals(w.storesLogs());
      welcomed = true;
      backoff = settings.minBackoff();
      firstWelcome.complete(w);
      if (heartbeat != null) heartbeat.cancel(false);
      long every = settings.heartbeatInterval().toMillis();
      heartbeat =
          scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    } else if (message instanceof LogEventsAccepted || message instanceof LogEventsRefused) {
      logAnswers.accept(message);
    } else if (message instanceof ReportAccepted a) {
      unacknowledged.acknowledge(a.taskId(), a.seq());
    } else if (message instanceof StartTask s) {
      // A task that stopped here is never started again: the control plane has not heard of its
      // stop, so it hears
      // it now (the engine may have forgotten the task already, its report is kept here until
      // acknowledged).
      unacknowledged
          .unacknowledgedStop(s.task().taskId())
          .ifPresentOrElse(this::send, () -> engine.start(s.task()));
    } else if (message instanceof StopTask s) {
      engine.stop(s.taskId(), s.reason());
    } else if (message instanceof Refused r) {
      log.warn(
          "agent {}: the control plane refused the session: {}: {}",
          settings.hostName(),
          r.errorType(),
          r.message());
      backoff = settings.maxBackoff();
      WebSocket ws = socket;
      if (ws != null) ws.sendClose(WebSocket.NORMAL_CLOSURE, "refused");
    }
  }

  /**
   * What the agent holds, and again every report the control plane has not acknowledged: a report
   * whose write failed (a store outage, a node lost with the ask) reaches the task's entity once it
   * can write again.
   */
  private void heartbeat() {
    send(new Heartbeat(engine.reports().stream().map(AgentMessages.HeldTask::of).toList()));
    if (acknowledging) {
      unacknowledged.pending().forEach(this::send);
    } else {
      unacknowledged.clear(); // an older control plane: it would never settle them
    }
  }

  /**
   * Sends a batch of container output when the session is open to a control plane that stores logs;
   * false otherwise.
   */
  public boolean sendLogs(LogEvents batch) {
    if (!welcomed || !storesLogs || socket == null) return false;
    send(batch);
    return true;
  }

  /** The control plane's answers to log batches go to {@code listener}. */
  public void onLogAnswers(Consumer<AgentMessage> listener) {
    this.logAnswers = listener;
  }

  /** WebSocket sends must not overlap: each waits for the previous one. */
  private synchronized void send(AgentMessage message) {
    WebSocket ws = socket;
    if (ws == null) return;
    String text;
    try {
      text = JSON.writeValueAsString(message);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    sending = sending.handle((x, f) -> null).thenCompose(x -> ws.sendText(text, true));
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          onMessage(JSON.readValue(text, AgentMessage.class));
        } catch (Exception e) {
          log.warn(
              "agent {}: unreadable message from the control plane: {}",
              settings.hostName(),
              e.toString());
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      reconnectLater();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      log.debug("agent {}: session error: {}", settings.hostName(), error.toString());
      reconnectLater();
    }
  }

  private String readInstanceId() {
    try {
      if (settings.instanceIdFile() != null && Files.exists(settings.instanceIdFile())) {
        return Files.readString(settings.instanceIdFile()).strip();
      }
    } catch (IOException e) {
      log.warn("could not read {}", settings.instanceIdFile(), e);
    }
    return "";
  }

  private void writeInstanceId(String id) {
    if (settings.instanceIdFile() == null) return;
    try {
      Files.createDirectories(settings.instanceIdFile().getParent());
      Files.writeString(settings.instanceIdFile(), id);
    } catch (IOException e) {
      log.warn("could not write {}", settings.instanceIdFile(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (heartbeat != null) heartbeat.cancel(false);
    WebSocket ws = socket;
    if (ws != null) ws.sendClose(WebSocket.NORMAL_CLOSURE, "agent stopping");
  }
}
