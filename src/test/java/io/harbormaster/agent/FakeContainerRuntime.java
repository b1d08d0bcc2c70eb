package io.harbormaster.agent;

import io.harbormaster.agent.runtime.ContainerEvent;
import io.harbormaster.agent.runtime.ContainerEventListener;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerNotFoundException;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.ContainerState.Health;
import io.harbormaster.agent.runtime.ContainerState.Status;
import io.harbormaster.agent.runtime.ImagePull;
import io.harbormaster.agent.runtime.ImagePullException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written {@link ContainerRuntime}: containers are entries in a map, every call is written
 * down, and the test makes containers exit, run out of memory or change health. A started container
 * runs until told otherwise; a stopped one exits 143 (SIGTERM). Events are delivered at once, on
 * the caller's thread.
 */
final class FakeContainerRuntime implements ContainerRuntime {
  static final Instant PULL_STARTED = Instant.parse("2026-11-02T09:00:01Z");
  static final Instant PULL_STOPPED = Instant.parse("2026-11-02T09:00:04Z");
  static final int FIRST_DYNAMIC_PORT = 32768;

  /** The address of every running container on the task network (bridge mode). */
  static final String TASK_ADDRESS = "169.254.123.2";

  static final String TASK_MAC = "02:42:a9:fe:7b:02";

  /**
   * What the agent asked, in order: "pull image", "create name", "start name", "stop name 30s",
   * "remove name".
   */
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  private final Map<String, Fake> containers = new ConcurrentHashMap<>();
  private final List<ContainerEventListener> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> absentImages = ConcurrentHashMap.newKeySet();
  private final Map<String, String> unpullable = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();

  private static final class Fake {
    final String id;
    final ContainerSpec spec;
    final Map<String, String> labels;
    volatile Status status = Status.CREATED;
    volatile Integer exitCode;
    volatile boolean oomKilled;
    volatile Health health = Health.UNKNOWN;
    volatile Instant startedAt;
    volatile Instant finishedAt;

    Fake(String id, ContainerSpec spec, Map<String, String> labels) {
      this.id = id;
      this.spec = spec;
      this.labels = Map.copyOf(labels);
    }

    String name() {
      return labels.get(ContainerLabels.CONTAINER_NAME);
    }
  }

  // ---- what the test arranges ----

  /** The image is not there: ensureImage pulls it (and reports the pull's times). */
  void absent(String image) {
    absentImages.add(image);
  }

  /** The image is not there and cannot be pulled. */
  void unpullable(String image, String reason) {
    unpullable.put(image, reason);
  }

  /** A container a previous agent run created for task {@code taskArn}; returns its id. */
  String existing(
      String clusterArn,
      String taskArn,
      String family,
      int revision,
      String containerName,
      String image,
      Status status,
      Integer exitCode) {
    String id = "old-" + nextId.incrementAndGet();
    Map<String, String> labels =
        ContainerLabels.forTask(clusterArn, taskArn, family, revision, containerName);
    Fake fake =
        new Fake(
            id, ContainerSpec.builder(image).name(containerName).labels(labels).build(), labels);
    fake.status = status;
    fake.exitCode = exitCode;
    fake.startedAt = status == Status.CREATED ? null : Instant.now();
    fake.finishedAt = status == Status.EXITED ? Instant.now() : null;
    containers.put(id, fake);
    return id;
  }

  // ---- what the test makes happen ----

  /** The container's process ends with {@code code}. */
  void exit(String name, int code) {
    Fake c = byName(name);
    synchronized (c) {
      c.status = Status.EXITED;
      c.exitCode = code;
      c.finishedAt = Instant.now();
    }
    emit(new ContainerEvent(ContainerEvent.Type.DIE, c.id, Instant.now(), code, null, c.labels));
  }

  /** The kernel kills the container at its memory limit. */
  void outOfMemory(String name) {
    Fake c = byName(name);
    synchronized (c) {
      c.status = Status.EXITED;
      c.exitCode = 137;
      c.oomKilled = true;
      c.finishedAt = Instant.now();
    }
    emit(new ContainerEvent(ContainerEvent.Type.OOM, c.id, Instant.now(), null, null, c.labels));
    emit(new ContainerEvent(ContainerEvent.Type.DIE, c.id, Instant.now(), 137, null, c.labels));
  }

  /** The container's health check changes its verdict. */
  void health(String name, Health health) {
    Fake c = byName(name);
    c.health = health;
    emit(
        new ContainerEvent(
            ContainerEvent.Type.HEALTH_STATUS, c.id, Instant.now(), null, health, c.labels));
  }

  // ---- what the test reads ----

  List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  List<String> calls(String operation) {
    return calls().stream().filter(c -> c.startsWith(operation + " ")).toList();
  }

  /** The spec the agent created container {@code name} with. */
  ContainerSpec spec(String name) {
    return byName(name).spec;
  }

  String idOf(String name) {
    return byName(name).id;
  }

  boolean exists(String id) {
    return containers.containsKey(id);
  }

  int listenerCount() {
    return listeners.size();
  }

  private Fake byName(String name) {
    List<Fake> found = containers.values().stream().filter(c -> name.equals(c.name())).toList();
    if (found.size() != 1) throw new AssertionError(found.size() + " containers named " + name);
    return found.get(0);
  }

  // ---- ContainerRuntime ----

  @Override
  public ImagePull ensureImage(String image) {
    calls.add("pull " + image);
    if (unpullable.containsKey(image)) {
      throw new ImagePullException(image, unpullable.get(image), PULL_STARTED, PULL_STOPPED, null);
    }
    if (absentImages.remove(image)) {
      return new ImagePull(image, "sha256:" + image.hashCode(), true, PULL_STARTED, PULL_STOPPED);
    }
    return ImagePull.present(image, "sha256:" + image.hashCode());
  }

  @Override
  public String create(ContainerSpec spec) {
    if (absentImages.contains(spec.image())) {
      throw new io.harbormaster.agent.runtime.ContainerRuntimeException(
          "creating container " + spec.name() + ": No such image: " + spec.image());
    }
    String id = "c" + nextId.incrementAndGet();
    Fake fake = new Fake(id, spec, spec.allLabels());
    calls.add("create " + fake.name());
    containers.put(id, fake);
    return id;
  }

  @Override
  public void start(String containerId) {
    Fake c = get(containerId);
    calls.add("start " + c.name());
    synchronized (c) {
      if (c.status != Status.CREATED) return;
      c.status = Status.RUNNING;
      c.startedAt = Instant.now();
    }
  }

  @Override
  public void stop(String containerId, Duration timeout) {
    Fake c = get(containerId);
    calls.add("stop " + c.name() + " " + timeout.toSeconds() + "s");
    synchronized (c) {
      if (c.status != Status.RUNNING) return;
      c.status = Status.EXITED;
      c.exitCode = 143;
      c.finishedAt = Instant.now();
    }
    emit(new ContainerEvent(ContainerEvent.Type.DIE, c.id, Instant.now(), 143, null, c.labels));
  }

  @Override
  public ContainerState inspect(String containerId) {
    Fake c = get(containerId);
    synchronized (c) {
      List<ContainerState.NetworkBinding> bindings = new ArrayList<>();
      if (c.status == Status.RUNNING) {
        int dynamic = FIRST_DYNAMIC_PORT;
        for (ContainerSpec.PortMapping m : c.spec.portMappings()) {
          bindings.add(
              new ContainerState.NetworkBinding(
                  "0.0.0.0",
                  m.containerPort(),
                  m.hostPort() != 0 ? m.hostPort() : dynamic++,
                  m.protocol()));
        }
      }
      return new ContainerState(
          c.id,
          c.spec.name(),
          c.spec.image(),
          c.status,
          c.exitCode,
          c.oomKilled,
          c.health,
          c.startedAt,
          c.finishedAt,
          bindings,
          c.labels,
          null,
          c.status == Status.RUNNING && c.spec.networkMode() == ContainerSpec.NetworkMode.BRIDGE
              ? new ContainerState.NetworkAddress("harbormaster", TASK_ADDRESS, TASK_MAC)
              : null);
    }
  }

  @Override
  public void remove(String containerId) {
    Fake c = containers.remove(containerId);
    if (c != null) calls.add("remove " + c.name());
  }

  @Override
  public void removeVolume(String volumeName) {
    calls.add("removeVolume " + volumeName);
  }

  @Override
  public List<ContainerState> listByLabel(String key, String value) {
    Map<String, ContainerState> found = new HashMap<>();
    for (Fake c : containers.values()) {
      if (value.equals(c.labels.get(key))) found.put(c.id, inspect(c.id));
    }
    return List.copyOf(found.values());
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

  @Override
  public void close() {
    listeners.clear();
  }

  private void emit(ContainerEvent event) {
    for (ContainerEventListener l : listeners) l.onEvent(event);
  }

  private Fake get(String containerId) {
    Fake c = containers.get(containerId);
    if (c == null) throw new ContainerNotFoundException(containerId, null);
    return c;
  }
}
