package io.harbormaster.api.agent;

import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.EcsException;
import io.harbormaster.common.Entities;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Registration;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.Resources;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.logs.EventPosition;
import io.harbormaster.logs.LogStore;
import io.harbormaster.logs.LogsError;
import io.harbormaster.logs.LogsException;
import io.harbormaster.protocol.AgentMessages;
import io.harbormaster.protocol.AgentMessages.AgentMessage;
import io.harbormaster.protocol.AgentMessages.Heartbeat;
import io.harbormaster.protocol.AgentMessages.HeldTask;
import io.harbormaster.protocol.AgentMessages.Hello;
import io.harbormaster.protocol.AgentMessages.LogEvents;
import io.harbormaster.protocol.AgentMessages.LogEventsAccepted;
import io.harbormaster.protocol.AgentMessages.LogEventsRefused;
import io.harbormaster.protocol.AgentMessages.Push;
import io.harbormaster.protocol.AgentMessages.Refused;
import io.harbormaster.protocol.AgentMessages.ReportAccepted;
import io.harbormaster.protocol.AgentMessages.StartTask;
import io.harbormaster.protocol.AgentMessages.StopTask;
import io.harbormaster.protocol.AgentMessages.TaskReport;
import io.harbormaster.protocol.AgentMessages.Welcome;
import io.harbormaster.service.Service;
import io.harbormaster.task.ContainerStatus;
import io.harbormaster.task.HealthStatus;
import io.harbormaster.task.Task;
import io.harbormaster.task.TaskNotifications;
import io.harbormaster.task.TaskPayloads;
import io.harbormaster.task.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane side of one agent's websocket session. On Hello it registers the instance,
 * joins it to the cluster and announces itself to the instance entity (which pushes task payloads
 * here); on every Hello and Heartbeat it reconciles what the agent runs with what should run there.
 *
 * <p>A control plane that cannot answer never stops a healthy container: a reconcile only ever uses
 * the view the instance's entity has just answered with. When the entity does not answer (its node
 * died, the store is away), the heartbeat's reconcile is skipped and the agent keeps running what
 * it runs, as the ECS agent does through a disconnect. Each report the agent numbers is
 * acknowledged ({@link ReportAccepted}) only once the task's entity has persisted it; the agent
 * sends it again until then.
 */
public final class AgentSession {
  private static final Logger log = LoggerFactory.getLogger(AgentSession.class);

  public sealed interface Command extends CborSerializable {}

  public record FromAgent(AgentMessage message) implements Command {}

  public record Disconnected() implements Command {}

  private record Registered(InstanceView view, Hello hello) implements Command {}

  private record RegistrationFailed(String errorType, String message) implements Command {}

  private record Reconcile(InstanceView view, List<HeldTask> held) implements Command {}

  /**
   * The instance's entity did not answer a heartbeat's announcement: no fresh view, no reconcile.
   */
  private record InstanceUnanswered(Throwable failure) implements Command {}

  /** The task's entity answered a report (failure null) or did not. */
  private record ReportForwarded(String taskId, Long seq, Throwable failure) implements Command {}

  /** A message an entity pushed, on its way out to the agent. */
  private record Pushed(AgentMessage message) implements Command {}

  private AgentSession() {}

  /** The push side: entities send {@link Push}; it is the same actor, narrowed. */
  public static Behavior<Command> create(
      String accountId, String region, Entities entities, ActorRef<AgentMessage> out, Clock clock) {
    return create(accountId, region, entities, Optional.empty(), out, clock);
  }

  /** With a log store: the session takes the agent's {@link LogEvents} and stores them there. */
  public static Behavior<Command> create(
      String accountId,
      String region,
      Entities entities,
      Optional<LogStore> logs,
      ActorRef<AgentMessage> out,
      Clock clock) {
    return Behaviors.setup(
        ctx -> new Context(ctx, accountId, region, entities, logs, out, clock).awaitingHello());
  }

  private static final class Context {
    private final ActorContext<Command> ctx;
    private final String accountId;
    private final String region;
    private final Entities entities;
    private final Optional<LogStore> logs;
    private final ActorRef<AgentMessage> out;
    private final ActorRef<Push> pushes;

    /** Dates what the agent says: its registration, connection and task reports. */
    private final Clock clock;

    /**
     * Whether the instance's entity is known not to answer: logged once per outage, not on every
     * heartbeat.
     */
    private boolean instanceUnanswered;

    private boolean reportsUnpersisted;

    Context(
        ActorContext<Command> ctx,
        String accountId,
        String region,
        Entities entities,
        Optional<LogStore> logs,
        ActorRef<AgentMessage> out,
        Clock clock) {
      this.ctx = ctx;
      this.logs = logs;
      this.clock = clock;
      this.accountId = accountId;
      this.region = region;
      this.entities = entities;
      this.out = out;
      this.pushes = ctx.messageAdapter(Push.class, p -> new Pushed(p.message()));
    }

    Behavior<Command> awaitingHello() {
      return Behaviors.receive(Command.class)
          .onMessage(
              FromAgent.class,
              m -> m.message() instanceof Hello hello ? register(hello) : Behaviors.same())
          .onMessage(Registered.class, m -> connected(m.view(), m.hello()))
          .onMessage(Pushed.class, m -> Behaviors.same())
          .onMessage(
              RegistrationFailed.class,
              m -> {
                out.tell(new Refused(m.errorType(), m.message()));
                return Behaviors.stopped();
              })
          .onMessage(Disconnected.class, m -> Behaviors.stopped())
          .build();
    }

    private Behavior<Command> register(Hello hello) {
      String clusterName =
          hello.cluster() == null || hello.cluster().isEmpty() ? "default" : hello.cluster();
      String instanceId =
          hello.instanceId() == null || hello.instanceId().isEmpty()
              ? UUID.randomUUID().toString().replace("-", "")
              : hello.instanceId();
      if (!instanceId.matches("[A-Za-z0-9-]{1,64}")
          || !clusterName.matches("[A-Za-z0-9_-]{1,255}")) {
        ctx.getSelf()
            .tell(
                new RegistrationFailed(
                    "InvalidParameterException",
                    "An instance id has 1-64 letters, digits and hyphens, a cluster name 1-255 letters, digits, hyphens "
                        + "and underscores."));
        return Behaviors.same();
      }
      Instant now = clock.instant();
      Registration registration =
          new Registration(
              instanceId,
              hello.ec2InstanceId(),
              resources(hello),
              hello.attributes() == null
                  ? List.of()
                  : hello.attributes().stream().map(AgentSession::attribute).toList(),
              versionInfo(hello.versionInfo()),
              List.of());
      String instanceEntity = ContainerInstance.entityId(accountId, clusterName, instanceId);
      CompletionStage<InstanceView> done =
          entities
              .<Cluster.Command, Cluster.ClusterInfo>ask(
                  Cluster.ENTITY_KEY, Cluster.entityId(accountId, clusterName), Cluster.Get::new)
              // A cluster that is not ACTIVE refuses before anything is written; the instance
              // answers once its cluster lists it.
              .thenApply(
                  cluster -> {
                    if (cluster.status() != Cluster.Status.ACTIVE)
                      throw new CompletionException(
                          EcsException.clusterNotFound("Cluster not found."));
                    return cluster;
                  })
              .thenCompose(
                  cluster ->
                      entities
                          .<ContainerInstance.Command, InstanceView>ask(
                              ContainerInstance.ENTITY_KEY,
                              instanceEntity,
                              replyTo -> new ContainerInstance.Register(registration, now, replyTo))
                          .thenCompose(view -> connect(view, hello))
                          .thenApply(
                              view -> {
                                // DAEMON services start their task here, others may replace what a
                                // lost host left behind.
                                cluster
                                    .services()
                                    .forEach(
                                        name ->
                                            entities.tell(
                                                Service.ENTITY_KEY,
                                                Service.entityId(accountId, clusterName, name),
                                                new Service.Reconcile()));
                                return view;
                              }));
      ctx.pipeToSelf(
          done,
          (view, failure) -> {
            if (failure == null) return new Registered(view, hello);
            var e = io.harbormaster.common.Rejection.of(failure);
            return new RegistrationFailed(
                e.map(r -> r.type().code()).orElse("ServerException"),
                e.map(r -> r.message()).orElse("Registration failed: " + failure.getMessage()));
          });
      return Behaviors.same();
    }

    private CompletionStage<InstanceView> connect(InstanceView view, Hello hello) {
      return entities.ask(
          ContainerInstance.ENTITY_KEY,
          ContainerInstance.entityId(
              accountId, view.clusterName(), view.registration().instanceId()),
          replyTo ->
              new ContainerInstance.ChangeAgentConnection(
                  true, versionInfo(hello.versionInfo()), pushes, clock.instant(), replyTo));
    }

    private static Resources resources(Hello hello) {
      var r = hello.resources();
      return new Resources(
          r.cpu(),
          r.memory(),
          new TreeSet<>(r.reservedTcpPorts()),
          new TreeSet<>(r.reservedUdpPorts()));
    }

    Behavior<Command> connected(InstanceView view, Hello hello) {
      String instanceId = view.registration().instanceId();
      String clusterName = view.clusterName();
      String instanceEntity = ContainerInstance.entityId(accountId, clusterName, instanceId);
      out.tell(
          new Welcome(
              instanceId,
              Arns.containerInstance(region, accountId, clusterName, instanceId),
              Arns.cluster(region, accountId, clusterName),
              true,
              logs.isPresent() ? Boolean.TRUE : null));
      forwardReports(clusterName, hello.tasks());
      ctx.getSelf()
          .tell(
              new Reconcile(
                  view,
                  hello.tasks() == null
                      ? List.of()
                      : hello.tasks().stream().map(HeldTask::of).toList()));
      return Behaviors.receive(Command.class)
          .onMessage(
              Pushed.class,
              m -> {
                out.tell(m.message());
                return Behaviors.same();
              })
          .onMessage(
              FromAgent.class,
              m -> {
                if (m.message() instanceof TaskReport r) {
                  forwardReports(clusterName, List.of(r));
                } else if (m.message() instanceof LogEvents l) {
                  storeLogs(l);
                } else if (m.message() instanceof Heartbeat h) {
                  // Re-announce the session (an entity that moved to another node forgot it), then
                  // reconcile with the
                  // view it answers with, and with nothing else: an older view lacks every task
                  // started since.
                  ctx.pipeToSelf(
                      connect(view, hello),
                      (v, f) ->
                          f == null ? new Reconcile(v, h.tasks()) : new InstanceUnanswered(f));
                }
                return Behaviors.same();
              })
          .onMessage(
              Reconcile.class,
              m -> {
                if (instanceUnanswered) {
                  instanceUnanswered = false;
                  log.info(
                      "container instance {} answers again: reconciling its agent's tasks",
                      instanceEntity);
                }
                reconcile(clusterName, instanceEntity, m.view(), m.held());
                return Behaviors.same();
              })
          .onMessage(
              InstanceUnanswered.class,
              m -> {
                if (!instanceUnanswered) {
                  instanceUnanswered = true;
                  log.info(
                      "container instance {} does not answer ({}): its agent keeps running what it runs until it "
                          + "does",
                      instanceEntity,
                      Entities.asEcsException(m.failure()).getMessage());
                }
                return Behaviors.same();
              })
          .onMessage(
              ReportForwarded.class,
              m -> {
                reportForwarded(m);
                return Behaviors.same();
              })
          .onMessage(
              Disconnected.class,
              m -> {
                entities.<ContainerInstance.Command, InstanceView>ask(
                    ContainerInstance.ENTITY_KEY,
                    instanceEntity,
                    replyTo ->
                        new ContainerInstance.ChangeAgentConnection(
                            false, null, pushes, clock.instant(), replyTo));
                return Behaviors.stopped();
              })
          .build();
    }

    /**
     * Stores a batch of a container's output in the session's account and answers the agent once it
     * is stored: the agent moves its reading position on only then.
     */
    private void storeLogs(LogEvents batch) {
      if (logs.isEmpty()) return;
      List<LogStore.NewEvent> events =
          batch.events() == null
              ? List.of()
              : batch.events().stream()
                  .map(
                      e ->
                          new LogStore.NewEvent(
                              new EventPosition(e.timestampNanos(), e.ordinal()), e.message()))
                  .toList();
      logs.get()
          .putEvents(accountId, batch.logGroup(), batch.logStream(), batch.createGroup(), events)
          .whenComplete(
              (done, failure) -> {
                if (failure == null) {
                  out.tell(new LogEventsAccepted(batch.source(), batch.batch()));
                  return;
                }
                Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                if (cause instanceof LogsException refused) {
                  out.tell(
                      new LogEventsRefused(
                          batch.source(),
                          batch.batch(),
                          refused.error().code(),
                          refused.getMessage()));
                } else {
                  log.info(
                      "could not store a log batch of {}: {}", batch.logStream(), cause.toString());
                  out.tell(
                      new LogEventsRefused(
                          batch.source(),
                          batch.batch(),
                          LogsError.SERVICE_UNAVAILABLE.code(),
                          "The log events could not be stored now: " + cause.getMessage()));
                }
              });
    }

    private void forwardReports(String clusterName, List<TaskReport> reports) {
      if (reports == null) return;
      for (TaskReport r : reports) {
        if (r.report() == null) continue;
        ctx.pipeToSelf(
            entities.<Task.Command, Task.TaskView>ask(
                Task.ENTITY_KEY,
                Task.entityId(accountId, clusterName, r.taskId()),
                replyTo -> new Task.ReportState(stateReport(r.report()), clock.instant(), replyTo)),
            (task, failure) -> new ReportForwarded(r.taskId(), r.seq(), failure));
      }
    }

    /**
     * A report the task's entity answered is settled: it persisted it, or its answer is final (a
     * task it does not know). One it did not answer (a timeout, a write that failed) is not
     * acknowledged: the agent sends it again.
     */
    private void reportForwarded(ReportForwarded m) {
      boolean settled =
          m.failure() == null || Entities.asEcsException(m.failure()).httpStatus() < 500;
      if (settled) {
        if (m.seq() != null) out.tell(new ReportAccepted(m.taskId(), m.seq()));
        if (reportsUnpersisted) {
          reportsUnpersisted = false;
          log.info("task reports of this agent are persisted again");
        }
      } else if (!reportsUnpersisted) {
        reportsUnpersisted = true;
        EcsException e = Entities.asEcsException(m.failure());
        log.info(
            "a task report of this agent was not persisted ({}); the agent sends it again until it is",
            e.getMessage());
      }
    }

    /**
     * Level-triggered, against the instance's fresh view: start what should run and is missing,
     * stop what runs and should not, and bring the instance's bookkeeping up to the tasks' own
     * state where a notification was lost (a task that stopped while the instance could not write
     * still holds its reservation).
     */
    private void reconcile(
        String clusterName, String instanceEntity, InstanceView view, List<HeldTask> held) {
      java.util.Map<String, TaskStatus> heldStatus = new java.util.HashMap<>();
      for (HeldTask t : held == null ? List.<HeldTask>of() : held)
        heldStatus.put(t.taskId(), status(t.status()));
      for (var e : heldStatus.entrySet()) {
        if (e.getValue() == TaskStatus.STOPPED) continue;
        String taskId = e.getKey();
        Reservation r = view.reservations().get(taskId);
        if (r == null) {
          out.tell(new StopTask(taskId, "The task is not assigned to this container instance."));
        } else if (r.phase() == TaskPhase.STOPPING) {
          out.tell(new StopTask(taskId, "Task stopped by the control plane."));
        } else if (r.phase() == TaskPhase.RESERVED
            || (r.phase() == TaskPhase.PENDING
                && e.getValue() != null
                && e.getValue().compareTo(TaskStatus.RUNNING) >= 0)) {
          // The agent runs it; it exists unless its creation failed after the payload went out (see
          // TaskNotifications.creating): only a task that exists keeps its reservation, in the
          // phase it is in.
          task(clusterName, taskId)
              .thenAccept(
                  task -> {
                    if (isHere(task, view))
                      track(instanceEntity, taskId, TaskNotifications.phaseOf(task));
                  });
        }
      }
      // Reservations of tasks the agent does not run (any more): RESERVED too, since a created task
      // stays RESERVED
      // in the instance's journal until it runs (PENDING is not persisted). A reservation whose
      // task does not exist
      // yet fails the Get and is left alone.
      for (Reservation r : view.reservations().values()) {
        TaskStatus status = heldStatus.get(r.taskId());
        if (status != null && status != TaskStatus.STOPPED) continue;
        String taskId = r.taskId();
        task(clusterName, taskId)
            .thenAccept(
                task -> {
                  // A reservation on this instance for a task created elsewhere (two placements of
                  // one retried RunTask) is
                  // not the task's: it times out, and the task is not started here.
                  if (!isHere(task, view)) return;
                  if (task.lastStatus() == TaskStatus.STOPPED) {
                    track(
                        instanceEntity,
                        taskId,
                        TaskPhase.STOPPED); // the task's own notification was lost
                  } else if (task.desiredStatus() == TaskStatus.RUNNING
                      && r.phase() != TaskPhase.STOPPING) {
                    if (r.phase() == TaskPhase.RESERVED) created(instanceEntity, taskId);
                    // An agent that stopped the task answers with its stopped report, and never
                    // starts it again.
                    out.tell(new StartTask(TaskPayloads.of(region, task)));
                  }
                });
      }
    }

    private CompletionStage<Task.TaskView> task(String clusterName, String taskId) {
      return entities.<Task.Command, Task.TaskView>ask(
          Task.ENTITY_KEY, Task.entityId(accountId, clusterName, taskId), Task.Get::new);
    }

    private static boolean isHere(Task.TaskView task, InstanceView view) {
      return view.registration().instanceId().equals(task.spec().containerInstanceId());
    }

    /**
     * Tells the instance that a task it holds as RESERVED exists, so its reservation does not time
     * out; the instance keeps this in memory only, and a restarted instance learns it again here
     * from its agent's next heartbeat.
     */
    private void created(String instanceEntity, String taskId) {
      track(instanceEntity, taskId, TaskPhase.PENDING);
    }

    /**
     * The instance moves a reservation forward only: a repeated or stale phase is acknowledged and
     * ignored.
     */
    private void track(String instanceEntity, String taskId, TaskPhase phase) {
      entities.<ContainerInstance.Command, org.apache.pekko.Done>ask(
          ContainerInstance.ENTITY_KEY,
          instanceEntity,
          replyTo -> new ContainerInstance.TrackTask(taskId, phase, clock.instant(), replyTo));
    }
  }

  // The agent's records, read into the control plane's own: the wire keeps its shape when they
  // change.

  private static ContainerInstance.Attribute attribute(AgentMessages.Attribute a) {
    return new ContainerInstance.Attribute(a.name(), a.value());
  }

  private static ContainerInstance.VersionInfo versionInfo(AgentMessages.VersionInfo v) {
    return v == null
        ? null
        : new ContainerInstance.VersionInfo(v.agentVersion(), v.agentHash(), v.dockerVersion());
  }

  /** Null for a task the agent holds without a status yet. */
  static TaskStatus status(AgentMessages.TaskStatus s) {
    return s == null ? null : TaskStatus.valueOf(s.name());
  }

  static Task.StateReport stateReport(AgentMessages.StateReport r) {
    return new Task.StateReport(
        status(r.status()),
        r.containers() == null
            ? null
            : r.containers().stream().map(AgentSession::containerState).toList(),
        health(r.healthStatus()),
        r.pullStartedAt(),
        r.pullStoppedAt(),
        r.executionStoppedAt(),
        r.stopCode(),
        r.stoppedReason(),
        r.networkInterface() == null
            ? null
            : new Task.NetworkInterface(
                r.networkInterface().privateIPv4Address(), r.networkInterface().macAddress()));
  }

  private static Task.ContainerState containerState(AgentMessages.ContainerState c) {
    return new Task.ContainerState(
        c.name(),
        c.image(),
        c.runtimeId(),
        containerStatus(c.lastStatus()),
        c.exitCode(),
        c.reason(),
        c.networkBindings() == null
            ? null
            : c.networkBindings().stream()
                .map(
                    b ->
                        new Task.NetworkBinding(
                            b.bindIP(), b.containerPort(), b.hostPort(), b.protocol()))
                .toList(),
        health(c.healthStatus()));
  }

  /**
   * The wire's health status by name; a name this build does not know (a newer agent's) is UNKNOWN,
   * which is what ECS says of a health it has no answer for.
   */
  static HealthStatus health(String name) {
    if (name == null) return null;
    try {
      return HealthStatus.valueOf(name);
    } catch (IllegalArgumentException unknown) {
      return HealthStatus.UNKNOWN;
    }
  }

  /**
   * The wire's container status by name; a name this build does not know is taken as PENDING (not
   * running yet), which never moves a container's status, since it only moves forward.
   */
  static ContainerStatus containerStatus(String name) {
    if (name == null) return null;
    try {
      return ContainerStatus.valueOf(name);
    } catch (IllegalArgumentException unknown) {
      return ContainerStatus.PENDING;
    }
  }
}
