package io.harbormaster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerRuntimeException;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.EcsContainerSpecs;
import io.harbormaster.agent.runtime.EnvironmentFiles;
import io.harbormaster.agent.runtime.ImagePull;
import io.harbormaster.agent.runtime.ImagePullException;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.TaskPayload;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives one task's containers through a {@link ContainerRuntime}: pull, create, start in dependsOn
 * order, watch, and stop (reverse order, SIGTERM then SIGKILL after each container's stopTimeout).
 * An essential container's exit stops the task. Every step runs on the task's own serial executor;
 * each change is reported.
 */
final class TaskRunner {
  static final String ESSENTIAL_EXITED = "Essential container in task exited";

  /** The stop reason when an awsvpc task's pause container exits under its containers. */
  static final String NETWORK_EXITED = "The task's network namespace (its pause container) exited";

  private final TaskPayload payload;
  private final ContainerRuntime runtime;

  /**
   * Whether containers of this task may exist already (an agent restart): then they are looked for
   * first.
   */
  private final boolean adopt;

  /** Images known present on this engine, shared by the engine's tasks. */
  private final Set<String> imagesPresent;

  private final Executor strand;
  private final ScheduledExecutorService timers;
  private final Consumer<TaskReport> reporter;
  private final Consumer<String> containerCreated;
  private final ContainerStartHook startHook;
  private final EnvironmentFiles environmentFiles;
  private final Map<String, Slot> slots = new LinkedHashMap<>();

  /** awsvpc: the image of the pause container holding the task's network namespace. */
  private final String pauseImage;

  private final boolean awsvpc;
  private String pauseContainerId;
  private AgentMessages.NetworkInterface networkInterface;

  private TaskStatus status = TaskStatus.PENDING;
  private boolean stopping;
  private String stopCode;
  private String stoppedReason;
  private Instant pullStartedAt;
  private Instant pullStoppedAt;
  private Instant executionStoppedAt;
  private Instant launchedAt;
  private volatile TaskReport lastReport;

  /** One container of the task. */
  private static final class Slot {
    final String name;
    final JsonNode definition;
    final boolean essential;
    final Duration stopTimeout;
    final Integer startTimeoutSeconds;
    final boolean hasHealthCheck;

    /** Port mappings: their bindings are only known from the engine once the container runs. */
    final boolean needsInspectAfterStart;

    /** ECS's container restart policy; null: an exit is final. */
    final RestartPolicy restartPolicy;

    /** Containers that must exist and run before this one: its links and volumesFrom. */
    final List<String> references;

    Instant lastStartedAt;
    int restartCount;

    /** What the agent could not honour (secrets, ...): the container's reason while it runs. */
    String notes;

    String containerId;
    boolean startRequested;
    String lastStatus = "PENDING";
    Integer exitCode;
    String reason;
    List<AgentMessages.NetworkBinding> bindings = List.of();
    String health = "UNKNOWN";

    Slot(JsonNode definition) {
      this.name = definition.path("name").asText();
      this.definition = definition;
      this.essential = definition.path("essential").asBoolean(true);
      this.stopTimeout = Duration.ofSeconds(definition.path("stopTimeout").asInt(30));
      this.startTimeoutSeconds =
          definition.hasNonNull("startTimeout") ? definition.get("startTimeout").asInt() : null;
      this.hasHealthCheck = definition.hasNonNull("healthCheck");
      this.needsInspectAfterStart = !definition.path("portMappings").isEmpty();
      this.restartPolicy = RestartPolicy.of(definition.path("restartPolicy"));
      List<String> referenced = new ArrayList<>();
      definition.path("links").forEach(link -> referenced.add(link.asText().split(":", 2)[0]));
      definition
          .path("volumesFrom")
          .forEach(from -> referenced.add(from.path("sourceContainer").asText()));
      this.references = List.copyOf(referenced);
    }

    boolean exited() {
      return lastStatus.equals("STOPPED");
    }
  }

  TaskRunner(
      TaskPayload payload,
      ContainerRuntime runtime,
      boolean adopt,
      Set<String> imagesPresent,
      Executor pool,
      ScheduledExecutorService timers,
      Consumer<TaskReport> reporter,
      Consumer<String> containerCreated,
      ContainerStartHook startHook,
      String pauseImage,
      EnvironmentFiles environmentFiles) {
    this.startHook = startHook;
    this.payload = payload;
    this.pauseImage = pauseImage;
    this.awsvpc = TaskNetworking.isAwsvpc(payload.taskDefinition());
    this.environmentFiles = environmentFiles;
    this.runtime = runtime;
    this.adopt = adopt;
    this.imagesPresent = imagesPresent;
    this.strand = new SerialExecutor(pool);
    this.timers = timers;
    this.reporter = reporter;
    this.containerCreated = containerCreated;
    for (JsonNode c :
        withOverrides(payload.taskDefinition(), payload.overrides()).path("containerDefinitions")) {
      slots.put(c.path("name").asText(), new Slot(c));
    }
    this.lastReport = report();
  }

  String taskId() {
    return payload.taskId();
  }

  TaskPayload payload() {
    return payload;
  }

  TaskReport lastReport() {
    return lastReport;
  }

  boolean isStopped() {
    return status == TaskStatus.STOPPED;
  }

  /** The task's containers, and its pause container when it has one (last: it goes last). */
  List<String> containerIds() {
    List<String> ids =
        new ArrayList<>(
            slots.values().stream().map(s -> s.containerId).filter(Objects::nonNull).toList());
    if (pauseContainerId != null) ids.add(pauseContainerId);
    return ids;
  }

  void launch() {
    strand.execute(this::doLaunch);
  }

  void stop(String code, String reason) {
    strand.execute(() -> doStop(code, reason));
  }

  /** Something happened to one of our containers: read its state again and act on it. */
  void containerChanged(String containerId) {
    strand.execute(
        () -> {
          if (containerId.equals(pauseContainerId)) {
            pauseChanged();
            return;
          }
          for (Slot slot : slots.values()) {
            if (containerId.equals(slot.containerId)) refresh(slot);
          }
          afterChange();
        });
  }

  private void doLaunch() {
    if (stopping || status != TaskStatus.PENDING || launchedAt != null) return;
    launchedAt = Instant.now();
    try {
      Map<String, ContainerState> existing = adoptable();
      pullImages(existing);
      if (awsvpc) startPause(existing.get(TaskNetworking.PAUSE_CONTAINER_NAME));
      for (Slot slot : creationOrder()) {
        ContainerState found = existing.get(slot.name);
        if (found != null) {
          slot.containerId = found.id();
          slot.startRequested = found.running() || found.exited();
          if (found.running())
            slot.lastStartedAt = launchedAt; // its restart period counts from here
          apply(slot, found);
        } else {
          Map<String, String> labels =
              ContainerLabels.forTask(
                  payload.clusterArn(),
                  payload.taskArn(),
                  payload.family(),
                  payload.revision(),
                  slot.name);
          ContainerSpec spec =
              EcsContainerSpecs.fromContainerDefinition(
                  slot.definition,
                  payload.taskDefinition(),
                  labels,
                  environmentFiles.read(slot.definition));
          if (awsvpc) spec = spec.toBuilder().networkNamespaceOf(pauseContainerId).build();
          slot.containerId = create(spec);
          if (!spec.notes().isEmpty()) {
            slot.notes = String.join("; ", spec.notes());
            slot.reason = slot.notes;
          }
        }
        containerCreated.accept(slot.containerId);
      }
    } catch (ImagePullException e) {
      // the message says CannotPullContainerError already; the failed pull's times are the task's
      // too
      if (e.pullStartedAt() != null
          && (pullStartedAt == null || e.pullStartedAt().isBefore(pullStartedAt))) {
        pullStartedAt = e.pullStartedAt();
      }
      if (e.pullStoppedAt() != null
          && (pullStoppedAt == null || e.pullStoppedAt().isAfter(pullStoppedAt))) {
        pullStoppedAt = e.pullStoppedAt();
      }
      fail(e.getMessage());
      return;
    } catch (ContainerRuntimeException | IllegalArgumentException e) {
      // IllegalArgumentException: a definition this agent cannot map (EcsContainerSpecs), e.g.
      // networkMode awsvpc
      fail("CannotCreateContainerError: " + e.getMessage());
      return;
    }
    afterChange();
    scheduleStartTimeouts();
  }

  /**
   * awsvpc: the pause container that holds the task's network namespace on the task network, as the
   * ECS agent makes one; a restarted agent adopts the one it finds. Its address is the task's.
   */
  private void startPause(ContainerState found) {
    if (found != null) {
      pauseContainerId = found.id();
    } else {
      if (!imagesPresent.contains(pauseImage)) ensureImage(pauseImage);
      pauseContainerId =
          create(
              TaskNetworking.pauseContainer(
                  pauseImage,
                  payload.taskId(),
                  ContainerLabels.forTask(
                      payload.clusterArn(),
                      payload.taskArn(),
                      payload.family(),
                      payload.revision(),
                      TaskNetworking.PAUSE_CONTAINER_NAME)));
    }
    containerCreated.accept(pauseContainerId);
    runtime.start(pauseContainerId);
    networkInterface =
        runtime
            .inspect(pauseContainerId)
            .address()
            .map(a -> new AgentMessages.NetworkInterface(a.ipv4Address(), a.macAddress()))
            .orElse(null); // a runtime without networks (hollow hosts) gives none
  }

  /** The pause container exited under running containers: they lost their network. */
  private void pauseChanged() {
    if (stopping || status == TaskStatus.STOPPED) return;
    boolean exited;
    try {
      exited = runtime.inspect(pauseContainerId).exited();
    } catch (ContainerRuntimeException gone) {
      exited = true;
    }
    if (exited) doStop("EssentialContainerExited", NETWORK_EXITED);
  }

  /**
   * Definition order, except that a container comes after those it links to or takes volumes from:
   * Docker needs them to exist when it is created.
   */
  private List<Slot> creationOrder() {
    List<Slot> ordered = new ArrayList<>();
    Set<String> visiting = new java.util.HashSet<>();
    for (Slot slot : slots.values()) addAfterReferences(slot, ordered, visiting);
    return ordered;
  }

  private void addAfterReferences(Slot slot, List<Slot> ordered, Set<String> visiting) {
    if (ordered.contains(slot)) return;
    if (!visiting.add(slot.name)) {
      throw new IllegalArgumentException(
          "container " + slot.name + " links to or takes volumes from itself through others");
    }
    for (String reference : slot.references) {
      Slot target = slots.get(reference);
      if (target != null) addAfterReferences(target, ordered, visiting);
    }
    ordered.add(slot);
  }

  /**
   * Creates a container. An image taken as present from what the engine knew may have been removed
   * since: then the create fails, the image is made present again and the create retried once.
   */
  private String create(ContainerSpec spec) {
    try {
      return runtime.create(spec);
    } catch (ContainerRuntimeException e) {
      if (!imagesPresent.remove(spec.image())) throw e;
      ensureImage(spec.image());
      return runtime.create(spec);
    }
  }

  /** Containers of this task left by a previous agent run: adopted, never created twice. */
  private Map<String, ContainerState> adoptable() {
    if (!adopt) return Map.of(); // the engine found none of this task's containers when it started
    Map<String, ContainerState> byName = new HashMap<>();
    for (ContainerState c : runtime.listByLabel(ContainerLabels.TASK_ARN, payload.taskArn())) {
      c.label(ContainerLabels.CONTAINER_NAME).ifPresent(name -> byName.put(name, c));
    }
    return byName;
  }

  private void pullImages(Map<String, ContainerState> existing) {
    for (Slot slot : slots.values()) {
      if (existing.containsKey(slot.name)) continue;
      String image = slot.definition.path("image").asText();
      if (!imagesPresent.contains(image)) ensureImage(image);
    }
  }

  private void ensureImage(String image) {
    ImagePull pull = runtime.ensureImage(image);
    imagesPresent.add(image);
    if (pull.pulled()) {
      if (pullStartedAt == null || pull.pullStartedAt().isBefore(pullStartedAt))
        pullStartedAt = pull.pullStartedAt();
      if (pullStoppedAt == null || pull.pullStoppedAt().isAfter(pullStoppedAt))
        pullStoppedAt = pull.pullStoppedAt();
    }
  }

  /**
   * Starts what can start, moves the task to RUNNING when its containers are up, and stops it when
   * it must.
   */
  private void afterChange() {
    if (!stopping) {
      boolean started;
      do { // again while something started: a container may wait to START one defined after it
        started = false;
        for (Slot slot : slots.values()) {
          if (slot.startRequested || slot.containerId == null) continue;
          Readiness readiness = readiness(slot);
          if (readiness == Readiness.READY) {
            try {
              startHook.beforeStart(payload, slot.definition, slot.containerId);
              runtime.start(slot.containerId);
              slot.startRequested = true;
              slot.lastStartedAt = Instant.now();
              started = true;
              if (slot.needsInspectAfterStart) {
                refresh(slot); // for the network bindings the engine chose
              } else {
                // start returned: the process runs. An exit from now on arrives as an event (we are
                // subscribed
                // and the container is registered), so the report need not wait for an inspect.
                slot.lastStatus = "RUNNING";
              }
            } catch (ContainerRuntimeException e) {
              slot.lastStatus = "STOPPED";
              slot.reason = "CannotStartContainerError: " + e.getMessage();
              if (slot.essential) {
                fail(slot.reason);
                return;
              }
            }
          } else if (readiness == Readiness.NEVER) {
            fail("Dependency of container " + slot.name + " can no longer be met.");
            return;
          }
        }
      } while (started);
      for (Slot slot : slots.values()) {
        if (slot.exited() && slot.startRequested && restarts(slot)) {
          restart(slot);
        }
      }
      for (Slot slot : slots.values()) {
        if (slot.essential && slot.exited() && slot.startRequested) {
          doStop("EssentialContainerExited", ESSENTIAL_EXITED);
          return;
        }
      }
      if (status == TaskStatus.PENDING
          && slots.values().stream()
              .allMatch(s -> s.essential ? s.lastStatus.equals("RUNNING") : s.startRequested)) {
        status = TaskStatus.RUNNING;
      }
    }
    publish();
  }

  /** ECS's rule: enabled, the exit code not ignored, and it ran for the attempt period. */
  private boolean restarts(Slot slot) {
    return slot.restartPolicy != null
        && slot.exitCode != null
        && slot.restartPolicy.restarts(slot.exitCode, slot.lastStartedAt, Instant.now());
  }

  /**
   * The same container is started again, as the ECS agent does; its task keeps running. A failed
   * start is an exit like any other.
   */
  private void restart(Slot slot) {
    try {
      runtime.start(slot.containerId);
      slot.lastStartedAt = Instant.now();
      slot.restartCount++;
      slot.lastStatus = "RUNNING";
      slot.exitCode = null;
      slot.reason = slot.notes;
      if (slot.needsInspectAfterStart) refresh(slot);
    } catch (ContainerRuntimeException e) {
      slot.reason = "CannotStartContainerError: " + e.getMessage();
    }
  }

  /**
   * A container definition's {@code restartPolicy}.
   *
   * @param attemptPeriod how long a container must have run since its last (re)start to be
   *     restarted
   */
  record RestartPolicy(Set<Integer> ignoredExitCodes, Duration attemptPeriod) {
    /** ECS's default attempt period. */
    static final Duration DEFAULT_ATTEMPT_PERIOD = Duration.ofSeconds(300);

    static RestartPolicy of(JsonNode policy) {
      if (!policy.path("enabled").asBoolean(false)) return null;
      Set<Integer> ignored = new java.util.HashSet<>();
      policy.path("ignoredExitCodes").forEach(code -> ignored.add(code.asInt()));
      return new RestartPolicy(
          Set.copyOf(ignored),
          policy.hasNonNull("restartAttemptPeriod")
              ? Duration.ofSeconds(policy.get("restartAttemptPeriod").asLong())
              : DEFAULT_ATTEMPT_PERIOD);
    }

    boolean restarts(int exitCode, Instant lastStartedAt, Instant now) {
      return !ignoredExitCodes.contains(exitCode)
          && lastStartedAt != null
          && !Duration.between(lastStartedAt, now).minus(attemptPeriod).isNegative();
    }
  }

  private enum Readiness {
    READY,
    WAIT,
    NEVER
  }

  /** dependsOn: START (started), COMPLETE (exited), SUCCESS (exited 0), HEALTHY (healthy). */
  private Readiness readiness(Slot slot) {
    Readiness result = Readiness.READY;
    for (String reference : slot.references) {
      // Docker links only to a running container: the ECS agent adds this dependency too
      Slot target = slots.get(reference);
      if (target != null && !target.startRequested) result = Readiness.WAIT;
    }
    for (JsonNode dep : slot.definition.path("dependsOn")) {
      Slot target = slots.get(dep.path("containerName").asText());
      if (target == null) continue;
      String condition = dep.path("condition").asText("START");
      Readiness r =
          switch (condition) {
            case "COMPLETE" -> target.exited() ? Readiness.READY : Readiness.WAIT;
            case "SUCCESS" ->
                !target.exited()
                    ? Readiness.WAIT
                    : Integer.valueOf(0).equals(target.exitCode)
                        ? Readiness.READY
                        : Readiness.NEVER;
            case "HEALTHY" ->
                target.health.equals("HEALTHY")
                    ? Readiness.READY
                    : target.exited() ? Readiness.NEVER : Readiness.WAIT;
            default -> target.startRequested ? Readiness.READY : Readiness.WAIT;
          };
      if (r == Readiness.NEVER) return Readiness.NEVER;
      if (r == Readiness.WAIT) result = Readiness.WAIT;
    }
    return result;
  }

  private void scheduleStartTimeouts() {
    for (Slot slot : slots.values()) {
      if (slot.startTimeoutSeconds == null || slot.definition.path("dependsOn").isEmpty()) continue;
      timers.schedule(
          () ->
              strand.execute(
                  () -> {
                    if (!slot.startRequested && !stopping) {
                      fail(
                          "Container "
                              + slot.name
                              + " did not start within its startTimeout of "
                              + slot.startTimeoutSeconds
                              + " seconds: its dependencies were not met.");
                    }
                  }),
          slot.startTimeoutSeconds,
          TimeUnit.SECONDS);
    }
  }

  private void fail(String reason) {
    stopCode = "TaskFailedToStart";
    stoppedReason = reason;
    doStop(stopCode, reason);
  }

  /**
   * Stops the containers in reverse order of definition (dependents first) and reports each exit.
   */
  private void doStop(String code, String reason) {
    if (status == TaskStatus.STOPPED) return;
    if (stopCode == null) stopCode = code;
    if (stoppedReason == null) stoppedReason = reason;
    if (!stopping) {
      stopping = true;
      if (status.compareTo(TaskStatus.STOPPING) < 0) status = TaskStatus.STOPPING;
      publish();
    }
    List<Slot> reverse = new ArrayList<>(slots.values());
    java.util.Collections.reverse(reverse);
    for (Slot slot : reverse) {
      if (slot.containerId == null) {
        slot.lastStatus = "STOPPED";
        continue;
      }
      try {
        if (!slot.exited()) runtime.stop(slot.containerId, slot.stopTimeout);
        refresh(slot);
      } catch (ContainerRuntimeException e) {
        slot.reason = "CannotStopContainerError: " + e.getMessage();
      }
      slot.lastStatus = "STOPPED";
    }
    if (pauseContainerId != null) {
      try {
        runtime.stop(pauseContainerId, TaskNetworking.PAUSE_STOP_TIMEOUT);
      } catch (ContainerRuntimeException e) {
        // removed with the task's containers at cleanup all the same
      }
    }
    status = TaskStatus.STOPPED;
    executionStoppedAt = Instant.now();
    publish();
  }

  /** The container's state from the engine: status, exit code, OOM, health, bindings. */
  private void refresh(Slot slot) {
    if (slot.containerId == null) return;
    try {
      apply(slot, runtime.inspect(slot.containerId));
    } catch (ContainerRuntimeException e) {
      slot.lastStatus = "STOPPED";
      slot.reason = "The container is gone: " + e.getMessage();
    }
  }

  private static void apply(Slot slot, ContainerState c) {
    switch (c.status()) {
      case CREATED -> {}
      case RUNNING -> slot.lastStatus = "RUNNING";
      case EXITED -> {
        slot.lastStatus = "STOPPED";
        slot.exitCode = c.exitCode();
        c.stoppedReason().ifPresent(r -> slot.reason = r);
      }
    }
    slot.health =
        switch (c.health()) {
          case HEALTHY -> "HEALTHY";
          case UNHEALTHY -> "UNHEALTHY";
          case UNKNOWN -> "UNKNOWN";
        };
    if (!c.networkBindings().isEmpty()) {
      slot.bindings =
          c.networkBindings().stream()
              .map(
                  b ->
                      new AgentMessages.NetworkBinding(
                          b.bindIP(),
                          b.containerPort(),
                          b.hostPort(),
                          b.protocol().name().toLowerCase()))
              .toList();
    }
  }

  private void publish() {
    TaskReport next = report();
    if (!next.equals(lastReport)) {
      lastReport = next;
      reporter.accept(next);
    }
  }

  private TaskReport report() {
    List<AgentMessages.ContainerState> containers = new ArrayList<>();
    for (Slot s : slots.values()) {
      containers.add(
          new AgentMessages.ContainerState(
              s.name,
              s.definition.path("image").asText(),
              s.containerId,
              s.lastStatus,
              s.exitCode,
              s.reason,
              s.bindings,
              s.hasHealthCheck ? s.health : "UNKNOWN"));
    }
    return new TaskReport(
        payload.taskId(),
        new AgentMessages.StateReport(
            status,
            containers,
            taskHealth(),
            pullStartedAt,
            pullStoppedAt,
            executionStoppedAt,
            stopCode,
            stoppedReason,
            networkInterface));
  }

  /**
   * ECS: over essential containers with health checks; any UNHEALTHY wins, all HEALTHY is HEALTHY.
   */
  private String taskHealth() {
    List<Slot> checked =
        slots.values().stream().filter(s -> s.essential && s.hasHealthCheck).toList();
    if (checked.isEmpty()) return "UNKNOWN";
    if (checked.stream().anyMatch(s -> s.health.equals("UNHEALTHY"))) return "UNHEALTHY";
    return checked.stream().allMatch(s -> s.health.equals("HEALTHY")) ? "HEALTHY" : "UNKNOWN";
  }

  /**
   * RunTask overrides: command, environment (merged by name), cpu, memory, memoryReservation per
   * container.
   */
  static JsonNode withOverrides(JsonNode taskDefinition, JsonNode overrides) {
    if (overrides == null || !overrides.has("containerOverrides")) return taskDefinition;
    ObjectNode copy = taskDefinition.deepCopy();
    for (JsonNode o : overrides.path("containerOverrides")) {
      for (JsonNode c : copy.path("containerDefinitions")) {
        if (!c.path("name").asText().equals(o.path("name").asText())) continue;
        ObjectNode container = (ObjectNode) c;
        for (String field : List.of("command", "cpu", "memory", "memoryReservation")) {
          if (o.hasNonNull(field)) container.set(field, o.get(field));
        }
        if (o.has("environment")) {
          Map<String, JsonNode> env = new LinkedHashMap<>();
          container.path("environment").forEach(e -> env.put(e.path("name").asText(), e));
          o.path("environment").forEach(e -> env.put(e.path("name").asText(), e));
          ArrayNode merged = container.putArray("environment");
          env.values().forEach(merged::add);
        }
      }
    }
    return copy;
  }
}
