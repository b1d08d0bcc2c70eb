package io.harbormaster.agent.runtime.hollow;

import io.harbormaster.agent.runtime.ContainerEvent;
import io.harbormaster.agent.runtime.ContainerEventListener;
import io.harbormaster.agent.runtime.ContainerNotFoundException;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.ImagePull;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container runtime that only pretends (kubemark's hollow kubelet): the agent's real code runs
 * over it, so load tests can drive thousands of hosts from one JVM. For load tests only, never in
 * place of Docker in functional tests. A container starts after the configured latency and runs
 * until stopped, unless its command says {@code exit N} (exits with N right after starting) or
 * {@code sleep N} (exits 0 after N seconds). A health check whose command mentions {@code false}
 * turns UNHEALTHY, any other HEALTHY, one interval after the start.
 */
public final class HollowRuntime implements ContainerRuntime {
  /** The command ends in {@code exit N} (a trap's quoted {@code exit} inside it does not count). */
  private static final Pattern EXIT = Pattern.compile("(?:^|;)\\s*exit (\\d+)\\s*$");

  private static final Pattern SLEEP = Pattern.compile("^sleep (\\d+)$");

  private final ScheduledExecutorService timers;
  private final Duration startLatency;
  private final Map<String, Hollow> containers = new ConcurrentHashMap<>();
  private final List<ContainerEventListener> listeners = new CopyOnWriteArrayList<>();

  private static final class Hollow {
    final String id;
    final ContainerSpec spec;
    volatile ContainerState.Status status = ContainerState.Status.CREATED;
    volatile Integer exitCode;
    volatile ContainerState.Health health = ContainerState.Health.UNKNOWN;
    volatile Instant startedAt;
    volatile Instant finishedAt;

    Hollow(String id, ContainerSpec spec) {
      this.id = id;
      this.spec = spec;
    }
  }

  public HollowRuntime(ScheduledExecutorService timers, Duration startLatency) {
    this.timers = timers;
    this.startLatency = startLatency;
  }

  @Override
  public ImagePull ensureImage(String image) {
    return ImagePull.present(image, "sha256:hollow");
  }

  @Override
  public String create(ContainerSpec spec) {
    String id = UUID.randomUUID().toString().replace("-", "");
    containers.put(id, new Hollow(id, spec));
    return id;
  }

  @Override
  public void start(String containerId) {
    Hollow c = get(containerId);
    if (c.status != ContainerState.Status.CREATED) return;
    sleep(startLatency);
    c.status = ContainerState.Status.RUNNING;
    c.startedAt = Instant.now();
    List<String> args = c.spec.command() == null ? List.of() : c.spec.command();
    String command = String.join(" ", args);
    // The script a shell runs is the last argument (sh -c '...'); a plain command is all of them.
    Matcher exit = EXIT.matcher(args.isEmpty() ? "" : args.get(args.size() - 1));
    Matcher sleep = SLEEP.matcher(command.strip());
    if (exit.find()) {
      timers.schedule(() -> exit(c, Integer.parseInt(exit.group(1))), 10, TimeUnit.MILLISECONDS);
    } else if (sleep.find()) {
      timers.schedule(() -> exit(c, 0), Long.parseLong(sleep.group(1)), TimeUnit.SECONDS);
    }
    if (c.spec.healthCheck() != null) {
      boolean healthy = !String.join(" ", c.spec.healthCheck().command()).contains("false");
      long after = Math.max(10, c.spec.healthCheck().interval().toMillis());
      timers.schedule(
          () -> {
            if (c.status != ContainerState.Status.RUNNING) return;
            c.health = healthy ? ContainerState.Health.HEALTHY : ContainerState.Health.UNHEALTHY;
            emit(
                new ContainerEvent(
                    ContainerEvent.Type.HEALTH_STATUS,
                    c.id,
                    Instant.now(),
                    null,
                    c.health,
                    Map.of()));
          },
          after,
          TimeUnit.MILLISECONDS);
    }
  }

  private void exit(Hollow c, int code) {
    synchronized (c) {
      if (c.status != ContainerState.Status.RUNNING) return;
      c.status = ContainerState.Status.EXITED;
      c.exitCode = code;
      c.finishedAt = Instant.now();
    }
    emit(new ContainerEvent(ContainerEvent.Type.DIE, c.id, Instant.now(), code, null, Map.of()));
  }

  @Override
  public void stop(String containerId, Duration timeout) {
    Hollow c = get(containerId);
    if (c.status == ContainerState.Status.CREATED) {
      c.status = ContainerState.Status.EXITED;
      c.exitCode = 0;
      c.finishedAt = Instant.now();
      return;
    }
    exit(c, 0); // a hollow process handles SIGTERM at once
  }

  @Override
  public ContainerState inspect(String containerId) {
    Hollow c = get(containerId);
    return new ContainerState(
        c.id,
        c.spec.name(),
        c.spec.image(),
        c.status,
        c.exitCode,
        false,
        c.health,
        c.startedAt,
        c.finishedAt,
        List.of(),
        c.spec.labels(),
        null);
  }

  @Override
  public void remove(String containerId) {
    containers.remove(containerId);
  }

  @Override
  public void removeVolume(String volumeName) {
    // hollow containers have no volumes
  }

  @Override
  public List<ContainerState> listByLabel(String key, String value) {
    return containers.values().stream()
        .filter(c -> value.equals(c.spec.labels().get(key)))
        .map(c -> inspect(c.id))
        .toList();
  }

  /** Its containers print nothing: the output ends at once. */
  @Override
  public Subscription followOutput(
      String containerId, long sinceEpochSecond, ContainerOutput.Listener listener) {
    listener.onEnd(null);
    return () -> {};
  }

  @Override
  public Subscription subscribe(ContainerEventListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void emit(ContainerEvent event) {
    for (ContainerEventListener l : listeners) l.onEvent(event);
  }

  private Hollow get(String containerId) {
    Hollow c = containers.get(containerId);
    if (c == null) throw new ContainerNotFoundException(containerId, null);
    return c;
  }

  private static void sleep(Duration d) {
    if (d.isZero() || d.isNegative()) return;
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
