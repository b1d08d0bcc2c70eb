package io.harbormaster.service;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A service's history of service deployments and service revisions (ListServiceDeployments,
 * DescribeServiceDeployments, DescribeServiceRevisions), derived from the service's own events: a
 * deployment the service starts (CreateService, or UpdateService with a new task definition or
 * forceNewDeployment) is a service deployment whose target is a new revision; the reconciler's
 * deployment changes move it to SUCCESSFUL, STOPPED or through a rollback; StopServiceDeployment
 * requests a rollback. Nothing is dropped: ECS keeps 90 days, Harbormaster keeps all.
 *
 * <p>Ids: a revision's id is the digits of the {@code ecs-svc/<digits>} deployment that created it
 * (Terraform's provider pairs a deployment with its service deployment by looking for those digits
 * in {@code targetServiceRevisionArn}); a service deployment's id is those digits in base 62. A
 * rollback deployment the reconciler or a stop creates gets no revision of its own: it runs the
 * revision it returns to, and belongs to the service deployment it rolls back.
 */
public final class ServiceDeployments {
  private ServiceDeployments() {}

  /** ECS's ServiceDeploymentStatus (PENDING and STOP_REQUESTED are not reached here). */
  public enum Status {
    PENDING,
    SUCCESSFUL,
    STOPPED,
    STOP_REQUESTED,
    IN_PROGRESS,
    ROLLBACK_REQUESTED,
    ROLLBACK_IN_PROGRESS,
    ROLLBACK_SUCCESSFUL,
    ROLLBACK_FAILED
  }

  /** ECS's ServiceDeploymentRollbackMonitorsStatus, for the circuit breaker and alarms. */
  public enum MonitorStatus {
    TRIGGERED,
    MONITORING,
    MONITORING_COMPLETE,
    DISABLED
  }

  /** What a deployment deploys, as it was when it started. */
  public record Revision(String id, String taskDefinitionArn, String launchType, Instant createdAt)
      implements CborSerializable {}

  /**
   * A rollback: why, when, the revision returned to and the deployment ({@code ecs-svc/...}) that
   * runs it.
   */
  public record Rollback(String reason, Instant startedAt, String revisionId, String deploymentId)
      implements CborSerializable {}

  /**
   * One service deployment. {@code deploymentId} is the forward deployment ({@code ecs-svc/...}) it
   * started; {@code settings} the deployment configuration it ran with.
   */
  public record Record(
      String id,
      String deploymentId,
      String targetRevisionId,
      List<String> sourceRevisionIds,
      Status status,
      String statusReason,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      Instant stoppedAt,
      Instant updatedAt,
      DeploymentSettings settings,
      Rollback rollback)
      implements CborSerializable {

    Record with(Status next, String reason, Instant at) {
      boolean finished =
          next == Status.SUCCESSFUL
              || next == Status.ROLLBACK_SUCCESSFUL
              || next == Status.ROLLBACK_FAILED;
      return new Record(
          id,
          deploymentId,
          targetRevisionId,
          sourceRevisionIds,
          next,
          reason != null ? reason : statusReason,
          createdAt,
          startedAt,
          finished ? at : finishedAt,
          next == Status.STOPPED ? at : stoppedAt,
          at,
          settings,
          rollback);
    }

    Record withRollback(Rollback r, Status next, String reason, Instant at) {
      return new Record(
          id,
          deploymentId,
          targetRevisionId,
          sourceRevisionIds,
          next,
          reason,
          createdAt,
          startedAt,
          finishedAt,
          stoppedAt,
          at,
          settings,
          r);
    }

    public boolean inProgress() {
      return switch (status) {
        case PENDING, IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS -> true;
        case SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED -> false;
      };
    }
  }

  /** Every service deployment (oldest first) and every revision of a service. */
  public record History(List<Record> deployments, List<Revision> revisions)
      implements CborSerializable {
    public static final History EMPTY = new History(List.of(), List.of());

    public Optional<Record> deployment(String id) {
      return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    public Optional<Revision> revision(String id) {
      return revisions.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * The revision a deployment ({@code ecs-svc/...}) runs: its own, or the one it rolls back to.
     */
    public Optional<String> revisionOf(String deploymentId) {
      for (Record r : deployments) {
        if (r.rollback() != null && deploymentId.equals(r.rollback().deploymentId()))
          return Optional.of(r.rollback().revisionId());
      }
      String own = revisionId(deploymentId);
      return revision(own).map(Revision::id);
    }

    History replaced(Record next) {
      return new History(
          deployments.stream().map(d -> d.id().equals(next.id()) ? next : d).toList(), revisions);
    }
  }

  // ---- ids ----
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** The digits of {@code ecs-svc/<digits>}: the id of the revision that deployment created. */
  public static String revisionId(String deploymentId) {
    int slash = deploymentId.lastIndexOf('/');
    return slash < 0 ? deploymentId : deploymentId.substring(slash + 1);
  }

  /** The service deployment's id: the deployment's digits in base 62 (ECS's are alphanumeric). */
  public static String serviceDeploymentId(String deploymentId) {
    String digits = revisionId(deploymentId);
    long n;
    try {
      n = Long.parseLong(digits);
    } catch (NumberFormatException notDigits) {
      return digits;
    }
    if (n <= 0) return digits;
    StringBuilder out = new StringBuilder();
    while (n > 0) {
      out.append(BASE62.charAt((int) (n % 62)));
      n /= 62;
    }
    return out.reverse().toString();
  }

  // ---- how events move the history ----

  /** A deployment the service started: a new revision and a new service deployment. */
  static History started(History h, ServiceView before, Deployment d, ServiceView after) {
    Instant at = d.createdAt();
    Revision revision =
        new Revision(
            revisionId(d.id()), d.taskDefinitionArn(), after.spec().launchType(), d.createdAt());
    List<String> sources = new ArrayList<>();
    if (before != null) {
      for (Deployment old : before.deployments()) {
        if (old.status() == DeploymentStatus.INACTIVE) continue;
        h.revisionOf(old.id()).filter(r -> !sources.contains(r)).ifPresent(sources::add);
      }
    }
    String id = serviceDeploymentId(d.id());
    List<Record> records = new ArrayList<>();
    for (Record r : h.deployments()) {
      // A deployment started over one still under way stops it, as in ECS.
      records.add(
          r.inProgress()
              ? r.with(Status.STOPPED, "Superseded by service deployment " + id + ".", at)
              : r);
    }
    records.add(
        new Record(
            id,
            d.id(),
            revision.id(),
            List.copyOf(sources),
            Status.IN_PROGRESS,
            null,
            at,
            at,
            null,
            null,
            at,
            after.spec().deploymentConfiguration(),
            null));
    List<Revision> revisions = new ArrayList<>(h.revisions());
    if (h.revision(revision.id()).isEmpty()) revisions.add(revision);
    return new History(List.copyOf(records), List.copyOf(revisions));
  }

  /**
   * The reconciler moved deployments on: a completed forward deployment makes its service
   * deployment SUCCESSFUL; a failed one starts its rollback (a new PRIMARY appeared) or stops it; a
   * completed or failed rollback deployment ends the rollback.
   */
  static History changed(History h, List<Deployment> before, List<Deployment> after, Instant at) {
    Map<String, Deployment> now =
        after.stream().collect(Collectors.toMap(Deployment::id, Function.identity(), (a, b) -> b));
    Set<String> known = before.stream().map(Deployment::id).collect(Collectors.toSet());
    Optional<Deployment> appeared =
        after.stream()
            .filter(d -> !known.contains(d.id()) && d.status() == DeploymentStatus.PRIMARY)
            .findFirst();
    History out = h;
    for (Record r : h.deployments()) {
      Record next = r;
      switch (r.status()) {
        case IN_PROGRESS -> {
          Deployment d = now.get(r.deploymentId());
          if (d == null) break;
          switch (d.rolloutState()) {
            case IN_PROGRESS -> {}
            case COMPLETED -> next = r.with(Status.SUCCESSFUL, null, at);
            case FAILED -> {
              if (appeared.isPresent()) {
                Deployment back = appeared.get();
                String revision = returnedTo(h, r, back);
                next =
                    r.withRollback(
                        new Rollback(d.rolloutStateReason(), at, revision, back.id()),
                        Status.ROLLBACK_IN_PROGRESS,
                        d.rolloutStateReason(),
                        at);
              } else {
                next = r.with(Status.STOPPED, d.rolloutStateReason(), at);
              }
            }
          }
        }
        case ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS -> {
          Deployment back = r.rollback() == null ? null : now.get(r.rollback().deploymentId());
          if (back == null) break;
          switch (back.rolloutState()) {
            case IN_PROGRESS ->
                next =
                    r.status() == Status.ROLLBACK_REQUESTED
                        ? r.with(Status.ROLLBACK_IN_PROGRESS, null, at)
                        : r;
            case COMPLETED -> next = r.with(Status.ROLLBACK_SUCCESSFUL, null, at);
            case FAILED -> next = r.with(Status.ROLLBACK_FAILED, back.rolloutStateReason(), at);
          }
        }
        case PENDING,
            SUCCESSFUL,
            STOPPED,
            STOP_REQUESTED,
            ROLLBACK_SUCCESSFUL,
            ROLLBACK_FAILED -> {}
      }
      if (next != r) out = out.replaced(next);
    }
    return out;
  }

  /** The revision a rollback deployment runs: a source of the deployment with its definition. */
  private static String returnedTo(History h, Record r, Deployment back) {
    List<String> candidates = new ArrayList<>(r.sourceRevisionIds());
    List<Revision> all = new ArrayList<>(h.revisions());
    java.util.Collections.reverse(all);
    all.forEach(rev -> candidates.add(rev.id()));
    for (String id : candidates) {
      Optional<Revision> rev = h.revision(id);
      if (rev.isPresent() && rev.get().taskDefinitionArn().equals(back.taskDefinitionArn()))
        return id;
    }
    return r.sourceRevisionIds().isEmpty()
        ? r.targetRevisionId()
        : r.sourceRevisionIds().get(r.sourceRevisionIds().size() - 1);
  }

  /** StopServiceDeployment with ROLLBACK was accepted: the rollback is requested. */
  static History rollbackRequested(
      History h, String serviceDeploymentId, String revisionId, String deploymentId, Instant at) {
    return h.deployment(serviceDeploymentId)
        .map(
            r ->
                h.replaced(
                    r.withRollback(
                        new Rollback(
                            "Service deployment rolled back because of a stop request.",
                            at,
                            revisionId,
                            deploymentId),
                        Status.ROLLBACK_REQUESTED,
                        "Service deployment rolled back because of a stop request.",
                        at)))
        .orElse(h);
  }

  /** DeleteService: a deployment still under way stops. */
  static History serviceDeleted(History h, Instant at) {
    History out = h;
    for (Record r : h.deployments()) {
      if (r.inProgress())
        out = out.replaced(r.with(Status.STOPPED, "The service was deleted.", at));
    }
    return out;
  }

  /**
   * The history of a service recorded before service deployments were kept (a snapshot without
   * one): one service deployment per deployment it still knows, its status from the rollout state.
   */
  static History derivedFrom(ServiceView view) {
    History h = History.EMPTY;
    Deployment previous = null;
    for (Deployment d : view.deployments()) {
      // Its source: the deployment before it, which was the PRIMARY when it started.
      ServiceView before =
          previous == null
              ? null
              : view.withDeployments(
                  List.of(
                      new Deployment(
                          previous.id(),
                          DeploymentStatus.ACTIVE,
                          previous.taskDefinitionArn(),
                          previous.rolloutState(),
                          previous.rolloutStateReason(),
                          previous.failedTasks(),
                          previous.createdAt(),
                          previous.updatedAt())));
      h = started(h, before, d, view);
      Status status =
          switch (d.rolloutState()) {
            case IN_PROGRESS -> Status.IN_PROGRESS;
            case COMPLETED -> Status.SUCCESSFUL;
            case FAILED -> Status.STOPPED;
          };
      if (status != Status.IN_PROGRESS) {
        String id = serviceDeploymentId(d.id());
        h =
            h.replaced(
                h.deployment(id).orElseThrow().with(status, d.rolloutStateReason(), d.updatedAt()));
      }
      previous = d;
    }
    return h;
  }

  // ---- what the API shows ----

  /** A revision's counts: what the service asks of it now, and its tasks running and pending. */
  public record RevisionCounts(int requested, int running, int pending) {}

  public static RevisionCounts counts(ServiceView view, History h, String revisionId) {
    int running = 0;
    int pending = 0;
    int requested = 0;
    for (Deployment d : view.deployments()) {
      // an INACTIVE deployment has no tasks left and asks for none
      if (d.status() == DeploymentStatus.INACTIVE) continue;
      if (!h.revisionOf(d.id()).map(revisionId::equals).orElse(false)) continue;
      running += view.runningCount(d.id());
      pending += view.pendingCount(d.id());
      if (d.status() == DeploymentStatus.PRIMARY && d.rolloutState() != RolloutState.FAILED)
        requested = view.spec().desiredCount();
    }
    return new RevisionCounts(requested, running, pending);
  }

  /** The circuit breaker of a service deployment as DescribeServiceDeployments shows it. */
  public record Breaker(MonitorStatus status, int failureCount, int threshold) {}

  public static Breaker breaker(ServiceView view, Record r) {
    int failed =
        view.deployments().stream()
            .filter(d -> d.id().equals(r.deploymentId()))
            .mapToInt(Deployment::failedTasks)
            .findFirst()
            .orElse(0);
    int threshold = RolloutBounds.circuitBreakerThreshold(view.spec().desiredCount());
    if (r.settings() == null || !r.settings().circuitBreakerEnabled())
      return new Breaker(MonitorStatus.DISABLED, failed, threshold);
    boolean tripped =
        r.statusReason() != null && r.statusReason().startsWith("ECS deployment circuit breaker");
    MonitorStatus status =
        tripped
            ? MonitorStatus.TRIGGERED
            : r.status() == Status.IN_PROGRESS
                ? MonitorStatus.MONITORING
                : MonitorStatus.MONITORING_COMPLETE;
    return new Breaker(status, failed, threshold);
  }

  /** The filters of ListServiceDeployments; {@code after} is the id the nextToken resumes after. */
  public record ListQuery(
      Set<Status> statuses,
      Instant createdAfter,
      Instant createdBefore,
      String after,
      int maxResults)
      implements CborSerializable {}

  /** One page, newest first, and whether more follow. */
  public record Page(List<Record> deployments, boolean more) implements CborSerializable {}

  public static Page page(History h, ListQuery q) {
    List<Record> matching = new ArrayList<>();
    boolean resumed = q.after() == null;
    for (int i = h.deployments().size() - 1; i >= 0; i--) {
      Record r = h.deployments().get(i);
      if (!resumed) {
        resumed = r.id().equals(q.after());
        continue;
      }
      if (!q.statuses().isEmpty() && !q.statuses().contains(r.status())) continue;
      if (q.createdAfter() != null && !r.createdAt().isAfter(q.createdAfter())) continue;
      if (q.createdBefore() != null && !r.createdAt().isBefore(q.createdBefore())) continue;
      matching.add(r);
      if (matching.size() > q.maxResults()) break;
    }
    boolean more = matching.size() > q.maxResults();
    return new Page(List.copyOf(more ? matching.subList(0, q.maxResults()) : matching), more);
  }

  /** Those of {@code ids} the history holds, in the order asked. */
  static <T> List<T> found(Collection<String> ids, Function<String, Optional<T>> lookUp) {
    List<T> out = new ArrayList<>();
    for (String id : ids) lookUp.apply(id).ifPresent(out::add);
    return out;
  }
}
