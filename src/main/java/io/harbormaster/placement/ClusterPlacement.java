package io.harbormaster.placement;

import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.Entities;
import io.harbormaster.common.Rejection;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.instance.ContainerInstance.Demand;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.instance.ContainerInstance.Refusal;
import io.harbormaster.instance.ContainerInstance.Reservation;
import io.harbormaster.instance.ContainerInstance.ReservationsOutcome;
import io.harbormaster.instance.ContainerInstance.TaskPhase;
import io.harbormaster.instance.ContainerInstance.TaskReservation;
import io.harbormaster.instance.ContainerInstance.TaskSummary;
import io.harbormaster.instance.InstanceSnapshots;
import io.harbormaster.scheduler.ClusterSnapshot;
import io.harbormaster.scheduler.Placement;
import io.harbormaster.scheduler.PlacementFailure;
import io.harbormaster.scheduler.PlacementResult;
import io.harbormaster.scheduler.Scheduler;
import io.harbormaster.scheduler.TaskDemand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One per cluster (sharded, not persistent): keeps a fresh snapshot of the cluster's container
 * instances from their own change notifications, runs the pure scheduler on it and asks each chosen
 * instance to reserve its share of a Place in one batch (one journal write however many tasks land
 * there). The instance is the only writer of its resources; a refused reservation (someone else got
 * there first) sends the task to the next candidate. Reservations in flight count against their
 * instance until its view shows them.
 */
public final class ClusterPlacement {
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ClusterPlacement");
  private static final int ATTEMPTS = 3;
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  public sealed interface Command extends CborSerializable {}

  /**
   * Place one task per id. Constraints and strategies travel as the user wrote them (this may cross
   * nodes) and are parsed here; the API parsed them once already to report mistakes.
   *
   * @param answerBy when the asker stops waiting (its ask timeout), null for never. A Place that
   *     finishes later gives its reservations back and does not answer: nobody creates its tasks,
   *     so they would only hold resources until the reservation timeout. Not answering keeps it
   *     safe whatever the clocks say: an asker without an Outcome creates nothing.
   */
  public record Place(
      List<String> taskIds,
      Demand resources,
      TaskSummary summary,
      List<ConstraintSpec> constraints,
      List<StrategySpec> strategies,
      Instant answerBy,
      ActorRef<Outcome> replyTo)
      implements Command {
    public TaskDemand demand() {
      return TaskDemands.of(resources, summary.group(), constraints, strategies);
    }
  }

  /** A placement constraint as in the API: type distinctInstance or memberOf with an expression. */
  public record ConstraintSpec(String type, String expression) implements CborSerializable {}

  public record StrategySpec(String type, String field) implements CborSerializable {}

  public record Placed(String taskId, String instanceId) implements CborSerializable {}

  public record Outcome(
      List<Placed> placed, List<PlacementFailure> failures, Optional<String> clusterError)
      implements CborSerializable {}

  /** What an instance entity reports after every change it persisted. */
  public record InstanceChanged(InstanceView view) implements Command {}

  public record GetInstances(ActorRef<Instances> replyTo) implements Command {}

  public record Instances(List<InstanceView> instances) implements CborSerializable {}

  private record Bootstrapped(List<InstanceView> views) implements Command {}

  /** The snapshot could not be read: some member (or the cluster) did not answer. */
  private record BootstrapFailed(int attempt, String reason) implements Command {}

  private record RetryBootstrap(int attempt) implements Command {}

  /**
   * An instance's answer to one batch of reservations: its outcome, or, when the ask failed as a
   * whole (a timeout, an unknown instance), the reason every task of the batch is refused with.
   */
  private record ReservationsAnswered(
      long requestId,
      String instanceId,
      List<String> taskIds,
      ReservationsOutcome outcome,
      String failure)
      implements Command {}

  public static String entityId(String accountId, String clusterName) {
    return accountId + "/" + clusterName;
  }

  public static void init(ActorSystem<?> system, Entities entities, String region, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), entities, region, clock)));
  }

  public static Behavior<Command> create(
      String entityId, Entities entities, String region, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withStash(
                10_000,
                stash ->
                    new ClusterPlacement(ctx, entityId, entities, region, clock)
                        .bootstrapping(stash)));
  }

  private final ActorContext<Command> ctx;
  private final String accountId;
  private final String clusterName;
  private final Entities entities;
  private final String region;
  private final Clock clock;
  private final Map<String, InstanceView> views = new HashMap<>();

  /** instanceId → reservations sent and not yet answered. */
  private final Map<String, Map<String, Reservation>> inFlight = new HashMap<>();

  /**
   * instanceId → the scheduler's view of it (its view less its reservations in flight), in a stable
   * order; only the instances that changed are rebuilt, so a Place costs O(changed instances), not
   * O(cluster).
   */
  private final Map<String, io.harbormaster.scheduler.InstanceSnapshot> snapshots =
      new LinkedHashMap<>();

  /** Instances whose view or reservations in flight changed since their snapshot was built. */
  private final Set<String> stale = new HashSet<>();

  /** The last cluster snapshot, until anything in it changes. */
  private ClusterSnapshot cluster;

  private final Map<Long, Request> requests = new HashMap<>();
  private final SplittableRandom random = new SplittableRandom();
  private long nextRequestId = 1;

  /** A Place being served: tasks still to place and what came of the others. */
  private static final class Request {
    final Place place;
    final TaskDemand demand;
    final List<Placed> placed = new ArrayList<>();
    final Map<String, Integer> attempts = new HashMap<>();
    final List<String> waiting = new ArrayList<>();
    List<PlacementFailure> failures = List.of();
    Optional<String> clusterError = Optional.empty();
    int outstanding;

    Request(Place place) {
      this.place = place;
      this.demand = place.demand();
    }
  }

  private ClusterPlacement(
      ActorContext<Command> ctx, String entityId, Entities entities, String region, Clock clock) {
    this.ctx = ctx;
    this.clock = clock;
    int slash = entityId.indexOf('/');
    this.accountId = entityId.substring(0, slash);
    this.clusterName = entityId.substring(slash + 1);
    this.entities = entities;
    this.region = region;
  }

  /**
   * Reads the cluster's members and each member's view before serving anything. A cluster that does
   * not exist has no instances, and neither has a member whose entity says it does not exist; but
   * when a member (or the cluster) does not answer, the snapshot is unknown, not empty: the read is
   * tried again with back-off and every command waits for it (a caller that stops waiting gets the
   * ask timeout, a ServerException), never "no container instances" for a cluster that has some.
   */
  private Behavior<Command> bootstrapping(StashBuffer<Command> stash) {
    return Behaviors.withTimers(
        timers -> {
          load(1);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Bootstrapped.class,
                  m -> {
                    m.views().forEach(this::remember);
                    return stash.unstashAll(serving());
                  })
              .onMessage(
                  BootstrapFailed.class,
                  m -> {
                    Duration delay = retryDelay(m.attempt());
                    ctx.getLog()
                        .warn(
                            "cannot read the container instances of cluster {} (attempt {}): {}; again in {} ms",
                            clusterName,
                            m.attempt(),
                            m.reason(),
                            delay.toMillis());
                    timers.startSingleTimer(new RetryBootstrap(m.attempt() + 1), delay);
                    return Behaviors.same();
                  })
              .onMessage(
                  RetryBootstrap.class,
                  m -> {
                    load(m.attempt());
                    return Behaviors.same();
                  })
              .onMessage(
                  InstanceChanged.class,
                  m -> {
                    remember(m.view());
                    return Behaviors.same();
                  })
              .onAnyMessage(
                  m -> {
                    stash.stash(m);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * One attempt to read the cluster's members and their views; answers Bootstrapped or
   * BootstrapFailed.
   */
  private void load(int attempt) {
    CompletionStage<List<InstanceView>> loaded =
        entities
            .<Cluster.Command, Cluster.ClusterInfo>ask(
                Cluster.ENTITY_KEY, Cluster.entityId(accountId, clusterName), Cluster.Get::new)
            .exceptionally(
                failure -> {
                  if (answered(failure)) return null; // the cluster does not exist: no instances
                  throw new CompletionException(failure);
                })
            .thenCompose(
                info -> {
                  List<CompletableFuture<Optional<InstanceView>>> all = new ArrayList<>();
                  for (String id : info == null ? List.<String>of() : info.instances()) {
                    all.add(
                        entities
                            .<ContainerInstance.Command, InstanceView>ask(
                                ContainerInstance.ENTITY_KEY,
                                ContainerInstance.entityId(accountId, clusterName, id),
                                ContainerInstance.Get::new)
                            .thenApply(Optional::of)
                            .exceptionally(
                                failure -> {
                                  if (answered(failure))
                                    return Optional.empty(); // no such instance
                                  throw new CompletionException(failure);
                                })
                            .toCompletableFuture());
                  }
                  return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                      .thenApply(
                          x ->
                              all.stream()
                                  .map(CompletableFuture::join)
                                  .flatMap(Optional::stream)
                                  .toList());
                });
    ctx.pipeToSelf(
        loaded,
        (views, failure) ->
            failure == null
                ? new Bootstrapped(views)
                : new BootstrapFailed(attempt, describe(failure)));
  }

  /** The entity answered with a refusal (it does not exist), rather than not answering at all. */
  private static boolean answered(Throwable failure) {
    return Entities.asEcsException(failure).httpStatus() < 500;
  }

  static Duration retryDelay(int attempt) {
    long millis = FIRST_RETRY.toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis()));
  }

  private static String describe(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private void remember(InstanceView view) {
    String id = view.registration().instanceId();
    InstanceView known = views.get(id);
    if (known == view || known != null && known.version() > view.version()) return;
    views.put(id, view);
    changed(id);
  }

  private void changed(String instanceId) {
    stale.add(instanceId);
    cluster = null;
  }

  private Behavior<Command> serving() {
    return Behaviors.receive(Command.class)
        .onMessage(
            InstanceChanged.class,
            m -> {
              remember(m.view());
              return Behaviors.same();
            })
        .onMessage(
            GetInstances.class,
            m -> {
              m.replyTo().tell(new Instances(List.copyOf(views.values())));
              return Behaviors.same();
            })
        .onMessage(
            Place.class,
            m -> {
              if (m.answerBy() != null && clock.instant().isAfter(m.answerBy())) {
                ctx.getLog()
                    .info(
                        "a placement of {} task(s) arrived after its caller stopped waiting; skipped",
                        m.taskIds().size());
                return Behaviors.same();
              }
              long id = nextRequestId++;
              Request request = new Request(m);
              requests.put(id, request);
              placeAndReserve(id, request, m.taskIds());
              return Behaviors.same();
            })
        .onMessage(ReservationsAnswered.class, this::onReservations)
        .build();
  }

  private ClusterSnapshot snapshot() {
    if (cluster != null) return cluster;
    for (String id : stale) {
      InstanceView view = views.get(id);
      if (view == null || view.status() == ContainerInstance.Status.INACTIVE) {
        snapshots.remove(id);
      } else {
        snapshots.put(
            id,
            InstanceSnapshots.of(
                region, view, inFlight.getOrDefault(id, Map.of()).values(), snapshots.get(id)));
      }
    }
    stale.clear();
    cluster = new ClusterSnapshot(new ArrayList<>(snapshots.values()));
    return cluster;
  }

  private void placeAndReserve(long requestId, Request request, List<String> taskIds) {
    Place place = request.place;
    PlacementResult result = Scheduler.place(snapshot(), request.demand, taskIds.size(), random);
    List<Placement> placements = result.placements();
    // One batch per instance: the instance persists all of it in one write.
    Map<String, List<TaskReservation>> batches = new LinkedHashMap<>();
    for (int i = 0; i < placements.size(); i++) {
      String taskId = taskIds.get(i);
      String instanceId = placements.get(i).instanceId();
      Reservation reservation =
          new Reservation(
              taskId, place.resources(), place.summary(), TaskPhase.RESERVED, clock.instant());
      inFlight.computeIfAbsent(instanceId, k -> new HashMap<>()).put(taskId, reservation);
      changed(instanceId);
      request.outstanding++;
      request.attempts.merge(taskId, 1, Integer::sum);
      batches
          .computeIfAbsent(instanceId, k -> new ArrayList<>())
          .add(new TaskReservation(taskId, place.resources(), place.summary()));
    }
    batches.forEach(
        (instanceId, batch) -> {
          List<String> batchIds = batch.stream().map(TaskReservation::taskId).toList();
          CompletionStage<ReservationsOutcome> asked =
              entities.ask(
                  ContainerInstance.ENTITY_KEY,
                  ContainerInstance.entityId(accountId, clusterName, instanceId),
                  replyTo -> new ContainerInstance.ReserveAll(batch, clock.instant(), replyTo));
          ctx.pipeToSelf(
              asked,
              (outcome, failure) ->
                  new ReservationsAnswered(
                      requestId,
                      instanceId,
                      batchIds,
                      outcome,
                      failure == null ? null : reasonOf(failure)));
        });
    if (!result.allPlaced()) {
      request.failures = result.failures();
      request.clusterError = result.clusterError();
    }
    finishIfDone(requestId, request);
  }

  private Behavior<Command> onReservations(ReservationsAnswered m) {
    Map<String, Reservation> pending = inFlight.get(m.instanceId());
    if (pending != null) {
      m.taskIds().forEach(pending::remove);
      if (pending.isEmpty()) inFlight.remove(m.instanceId());
      changed(m.instanceId());
    }
    if (m.outcome() != null) remember(m.outcome().view());
    Request request = requests.get(m.requestId());
    if (request == null) return Behaviors.same();
    request.outstanding -= m.taskIds().size();
    Map<String, String> refusals = new HashMap<>();
    if (m.outcome() == null) {
      m.taskIds().forEach(taskId -> refusals.put(taskId, m.failure()));
    } else {
      for (Refusal r : m.outcome().refused()) refusals.put(r.taskId(), r.reason());
    }
    for (String taskId : m.taskIds()) {
      String reason = refusals.get(taskId);
      if (reason == null) {
        request.placed.add(new Placed(taskId, m.instanceId()));
      } else if (request.attempts.getOrDefault(taskId, 0) < ATTEMPTS) {
        request.waiting.add(taskId); // the snapshot was stale; place it again on what we know now
      } else {
        request.failures =
            List.of(
                new PlacementFailure(
                    io.harbormaster.common.Arns.containerInstance(
                        region, accountId, clusterName, m.instanceId()),
                    reason));
      }
    }
    if (request.outstanding == 0 && !request.waiting.isEmpty()) {
      List<String> again = List.copyOf(request.waiting);
      request.waiting.clear();
      placeAndReserve(m.requestId(), request, again);
    } else {
      finishIfDone(m.requestId(), request);
    }
    return Behaviors.same();
  }

  private void finishIfDone(long requestId, Request request) {
    if (request.outstanding > 0 || !request.waiting.isEmpty()) return;
    requests.remove(requestId);
    Instant answerBy = request.place.answerBy();
    if (answerBy != null && clock.instant().isAfter(answerBy)) {
      ctx.getLog()
          .info(
              "a placement of {} task(s) finished after its caller stopped waiting; {} reservation(s) "
                  + "given back",
              request.place.taskIds().size(),
              request.placed.size());
      for (Placed placed : request.placed) {
        entities.<ContainerInstance.Command, org.apache.pekko.Done>ask(
            ContainerInstance.ENTITY_KEY,
            ContainerInstance.entityId(accountId, clusterName, placed.instanceId()),
            replyTo -> new ContainerInstance.Release(placed.taskId(), clock.instant(), replyTo));
      }
      return;
    }
    request
        .place
        .replyTo()
        .tell(
            new Outcome(
                List.copyOf(request.placed),
                request.placed.size() == request.place.taskIds().size()
                    ? List.of()
                    : request.failures,
                request.clusterError));
  }

  private static String reasonOf(Throwable failure) {
    return Rejection.of(failure).map(Rejection::message).orElse("RESOURCE:UNAVAILABLE");
  }

  /** The instance entities' effects: every change goes to the cluster's placement. */
  public static ContainerInstance.Effects notifier(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return view ->
        sharding
            .entityRefFor(ENTITY_KEY, entityId(view.accountId(), view.clusterName()))
            .tell(new InstanceChanged(view));
  }
}
