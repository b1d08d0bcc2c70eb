package io.harbormaster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EventTags;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.service.Service;
import io.harbormaster.task.Task;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import io.harbormaster.views.ResourceViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Every resource type the events, hooks and history know, and the ARN of a resource to its entity.
 */
public final class ResourceKinds {
  public static final String TASK_STATE_CHANGE = "ECS Task State Change";
  public static final String CONTAINER_INSTANCE_STATE_CHANGE =
      "ECS Container Instance State Change";
  public static final String SERVICE_ACTION = "ECS Service Action";
  public static final String DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";

  private final Map<String, ResourceKind<?>> byType;

  public ResourceKinds(List<ResourceKind<?>> kinds) {
    Map<String, ResourceKind<?>> map = new java.util.LinkedHashMap<>();
    kinds.forEach(k -> map.put(k.entityType(), k));
    this.byType = java.util.Collections.unmodifiableMap(map);
  }

  public static ResourceKinds standard() {
    return new ResourceKinds(List.of(TASK, CONTAINER_INSTANCE, SERVICE, CLUSTER, TASK_DEFINITION));
  }

  public Optional<ResourceKind<?>> forType(String entityType) {
    return Optional.ofNullable(byType.get(entityType));
  }

  public Optional<ResourceKind<?>> forPersistenceId(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? Optional.empty() : forType(persistenceId.substring(0, bar));
  }

  /** The tags the stream and the hooks read: every slice of every publishing kind. */
  public List<String> publishedTags(EventTags tags) {
    List<String> out = new ArrayList<>();
    for (ResourceKind<?> kind : byType.values()) {
      if (!kind.publishes()) continue;
      for (int slice = 0; slice < tags.slices(); slice++)
        out.add(EventTags.tag(kind.entityType(), slice));
    }
    return out;
  }

  /** What an ARN names: the entity, and for a task definition the revision within its family. */
  public record ResourceRef(ResourceKind<?> kind, String entityId, String selector) {
    public String persistenceId() {
      return kind.entityType() + "|" + entityId;
    }

    public String accountId() {
      return entityId.substring(0, entityId.indexOf('/'));
    }
  }

  public Optional<ResourceRef> resolve(String arn) {
    return Arns.parse(arn)
        .flatMap(
            p -> {
              String account = p.accountId();
              switch (p.resourceType()) {
                case "task":
                  return twoPart(p.resourceId())
                      .map(id -> new ResourceRef(TASK, account + "/" + id, null));
                case "container-instance":
                  return twoPart(p.resourceId())
                      .map(id -> new ResourceRef(CONTAINER_INSTANCE, account + "/" + id, null));
                case "cluster":
                  return p.resourceId().contains("/")
                      ? Optional.empty()
                      : Optional.of(new ResourceRef(CLUSTER, account + "/" + p.resourceId(), null));
                case "task-definition":
                  {
                    int colon = p.resourceId().lastIndexOf(':');
                    if (colon <= 0 || !p.resourceId().substring(colon + 1).matches("\\d+"))
                      return Optional.empty();
                    return Optional.of(
                        new ResourceRef(
                            TASK_DEFINITION,
                            account + "/" + p.resourceId().substring(0, colon),
                            p.resourceId().substring(colon + 1)));
                  }
                default:
                  return Optional.<ResourceRef>empty().or(() -> extra(p));
              }
            });
  }

  /**
   * Kinds added later (services) resolve their ARNs here: resource type = lower-case hyphenated
   * entity type.
   */
  private Optional<ResourceRef> extra(Arns.ParsedArn p) {
    for (ResourceKind<?> kind : byType.values()) {
      if (kind.entityType()
          .replaceAll("([a-z])([A-Z])", "$1-$2")
          .toLowerCase()
          .equals(p.resourceType())) {
        return twoPart(p.resourceId())
            .map(id -> new ResourceRef(kind, p.accountId() + "/" + id, null));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> twoPart(String resourceId) {
    String[] parts = resourceId.split("/");
    return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()
        ? Optional.of(resourceId)
        : Optional.empty();
  }

  // ---- the kinds ----

  /**
   * A kind whose events are snapshots of its Describe* object: ECS's task and container instance
   * events.
   */
  static <S> List<EcsEvent> stateChange(
      String detailType,
      String region,
      ResourceKind<S> kind,
      ResourceKind.Change<S> c,
      Function<ObjectNode, String> arnOf) {
    Optional<ObjectNode> after = kind.view(region, c.entityId(), c.after(), null);
    if (after.isEmpty()) return List.of();
    Optional<ObjectNode> before = kind.view(region, c.entityId(), c.before(), null);
    if (before.isPresent() && withoutVersion(before.get()).equals(withoutVersion(after.get())))
      return List.of();
    ObjectNode detail = after.get();
    detail.put("updatedAt", IsoTimes.iso(c.at()));
    detail.put("version", c.sequenceNr());
    return List.of(
        new EcsEvent(
            EcsEvent.idFor(c.persistenceId(), c.sequenceNr(), 0),
            detailType,
            EcsEvent.SOURCE,
            c.accountId(),
            c.at(),
            region,
            List.of(arnOf.apply(detail)),
            detail));
  }

  private static ObjectNode withoutVersion(ObjectNode view) {
    ObjectNode copy = view.deepCopy();
    copy.remove("version");
    return copy;
  }

  /** What differs between kinds; {@link #kind} makes the {@link ResourceKind} of it. */
  @FunctionalInterface
  interface Views<S> {
    Optional<ObjectNode> view(String region, String entityId, S state, String selector);
  }

  @FunctionalInterface
  interface Publisher<S> {
    List<EcsEvent> published(ResourceKind<S> kind, String region, ResourceKind.Change<S> change);
  }

  @FunctionalInterface
  interface Concerns {
    boolean concerns(Object event, String selector);
  }

  /**
   * How a kind's events fold into its state: pure functions of the entity's own, no entity built.
   */
  interface Folding<S, E> {
    S empty(String entityId);

    S apply(S state, E event);

    static <S, E> Folding<S, E> of(
        Function<String, S> empty, java.util.function.BiFunction<S, E, S> apply) {
      return new Folding<>() {
        @Override
        public S empty(String entityId) {
          return empty.apply(entityId);
        }

        @Override
        public S apply(S state, E event) {
          return apply.apply(state, event);
        }
      };
    }
  }

  /**
   * A kind replayed by the entity's own pure fold of its events (the same functions its event
   * handler calls), shown by views and publishing what publisher says.
   */
  static <S, E> ResourceKind<S> kind(
      String entityType,
      Folding<S, E> folding,
      Views<S> views,
      Publisher<S> publisher,
      Concerns concerns) {
    return replayedKind(
        entityType,
        entityId ->
            new ResourceKind.Replay<S>() {
              @Override
              public S empty() {
                return folding.empty(entityId);
              }

              @Override
              @SuppressWarnings("unchecked")
              public S apply(S state, Object event) {
                return folding.apply(state, (E) event);
              }
            },
        views,
        publisher,
        concerns);
  }

  /**
   * A kind replayed with the entity's own empty state and event handler (a replica: no effects),
   * shown by views and publishing what publisher says (none: the kind's tags are not read by the
   * stream and the hooks).
   */
  static <S, E> ResourceKind<S> kind(
      String entityType,
      Function<String, ? extends EventSourcedBehavior<?, E, S>> replica,
      Views<S> views,
      Publisher<S> publisher,
      Concerns concerns) {
    return replayedKind(
        entityType,
        entityId -> {
          EventSourcedBehavior<?, E, S> entity = replica.apply(entityId);
          var handler = entity.eventHandler();
          return new ResourceKind.Replay<S>() {
            @Override
            public S empty() {
              return entity.emptyState();
            }

            @Override
            @SuppressWarnings("unchecked")
            public S apply(S state, Object event) {
              return handler.apply(state, (E) event);
            }
          };
        },
        views,
        publisher,
        concerns);
  }

  private static <S> ResourceKind<S> replayedKind(
      String entityType,
      Function<String, ResourceKind.Replay<S>> replay,
      Views<S> views,
      Publisher<S> publisher,
      Concerns concerns) {
    return new ResourceKind<>() {
      @Override
      public String entityType() {
        return entityType;
      }

      @Override
      public Replay<S> replay(String entityId) {
        return replay.apply(entityId);
      }

      @Override
      public boolean publishes() {
        return publisher != null;
      }

      @Override
      public Optional<ObjectNode> view(String region, String entityId, S state, String selector) {
        return views.view(region, entityId, state, selector);
      }

      @Override
      public List<EcsEvent> published(String region, ResourceKind.Change<S> change) {
        return publisher == null ? List.of() : publisher.published(this, region, change);
      }

      @Override
      public boolean concerns(Object event, String selector) {
        return concerns.concerns(event, selector);
      }
    };
  }

  private static final Concerns WHOLE_ENTITY = (event, selector) -> true;

  public static final ResourceKind<Task.State> TASK =
      kind(
          Task.ENTITY_KEY.name(),
          Folding.of(Task::empty, Task::applied),
          (region, entityId, state, selector) ->
              Task.viewIn(state)
                  .map(
                      v -> {
                        ObjectNode o = ResourceViews.task(region, v);
                        o.remove("tags");
                        return IsoTimes.convert(o);
                      }),
          (kind, region, change) ->
              stateChange(TASK_STATE_CHANGE, region, kind, change, d -> d.path("taskArn").asText()),
          WHOLE_ENTITY);

  public static final ResourceKind<ContainerInstance.State> CONTAINER_INSTANCE =
      kind(
          ContainerInstance.ENTITY_KEY.name(),
          Folding.of(ContainerInstance::empty, ContainerInstance::applied),
          (region, entityId, state, selector) ->
              ContainerInstance.viewIn(state)
                  .map(
                      v -> {
                        ObjectNode o = ResourceViews.containerInstance(region, v);
                        o.remove("tags");
                        o.put("clusterArn", Arns.cluster(region, v.accountId(), v.clusterName()));
                        return IsoTimes.convert(o);
                      }),
          (kind, region, change) ->
              stateChange(
                  CONTAINER_INSTANCE_STATE_CHANGE,
                  region,
                  kind,
                  change,
                  d -> d.path("containerInstanceArn").asText()),
          WHOLE_ENTITY);

  /**
   * A service publishes its service events (the DescribeServices events) as they are recorded:
   * deployment ones (SERVICE_DEPLOYMENT_*) as ECS Deployment State Change with the primary
   * deployment's id, the others as ECS Service Action. Every other service change is in its history
   * only, as in ECS.
   */
  public static final ResourceKind<Service.State> SERVICE =
      kind(
          Service.ENTITY_KEY.name(),
          new Folding<Service.State, Service.Event>() {
            @Override
            public Service.State empty(String entityId) {
              return Service.noService(entityId);
            }

            @Override
            public Service.State apply(Service.State state, Service.Event event) {
              return Service.applied(state, event);
            }
          },
          (region, entityId, state, selector) ->
              Service.viewIn(state).map(v -> IsoTimes.convert(ResourceViews.service(region, v))),
          ResourceKinds::serviceEvents,
          WHOLE_ENTITY);

  private static List<EcsEvent> serviceEvents(
      ResourceKind<Service.State> kind, String region, ResourceKind.Change<Service.State> c) {
    if (!(c.event() instanceof Service.ServiceEventRecorded recorded)) return List.of();
    Optional<Service.ServiceView> view = Service.viewIn(c.after());
    if (view.isEmpty()) return List.of();
    Service.ServiceView v = view.get();
    var e = recorded.event();
    String serviceArn = Arns.service(region, v.accountId(), v.clusterName(), v.serviceName());
    ObjectNode detail = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    detail.put("eventType", e.eventType());
    detail.put("eventName", e.eventName());
    String detailType;
    if (e.eventName().startsWith("SERVICE_DEPLOYMENT_")) {
      detailType = DEPLOYMENT_STATE_CHANGE;
      v.primary().ifPresent(d -> detail.put("deploymentId", d.id()));
      detail.put("updatedAt", IsoTimes.iso(e.createdAt()));
      detail.put("reason", e.message());
    } else {
      detailType = SERVICE_ACTION;
      detail.put("clusterArn", Arns.cluster(region, v.accountId(), v.clusterName()));
      detail.put("createdAt", IsoTimes.iso(e.createdAt()));
      if (e.eventName().equals("SERVICE_TASK_PLACEMENT_FAILURE")) detail.put("reason", e.message());
      else detail.put("message", e.message());
    }
    detail.put("version", c.sequenceNr());
    return List.of(
        new EcsEvent(
            EcsEvent.idFor(c.persistenceId(), c.sequenceNr(), 0),
            detailType,
            EcsEvent.SOURCE,
            c.accountId(),
            c.at(),
            region,
            List.of(serviceArn),
            detail));
  }

  /**
   * Clusters have no EventBridge event in ECS; their history and state at any time are still there.
   */
  public static final ResourceKind<Cluster.State> CLUSTER =
      kind(
          Cluster.ENTITY_KEY.name(),
          new Folding<Cluster.State, Cluster.Event>() {
            @Override
            public Cluster.State empty(String entityId) {
              return Cluster.empty(entityId);
            }

            @Override
            public Cluster.State apply(Cluster.State state, Cluster.Event event) {
              return Cluster.applied(state, event);
            }
          },
          (region, entityId, state, selector) ->
              Cluster.infoIn(state)
                  .map(info -> IsoTimes.convert(ResourceViews.cluster(region, info))),
          null,
          WHOLE_ENTITY);

  /** One family entity holds every revision; an ARN names one revision, the selector. */
  public static final ResourceKind<TaskDefinitionFamily.State> TASK_DEFINITION =
      kind(
          TaskDefinitionFamily.ENTITY_KEY.name(),
          new Folding<TaskDefinitionFamily.State, TaskDefinitionFamily.Event>() {
            @Override
            public TaskDefinitionFamily.State empty(String entityId) {
              return TaskDefinitionFamily.empty(entityId);
            }

            @Override
            public TaskDefinitionFamily.State apply(
                TaskDefinitionFamily.State state, TaskDefinitionFamily.Event event) {
              return TaskDefinitionFamily.applied(state, event);
            }
          },
          ResourceKinds::taskDefinitionView,
          null,
          ResourceKinds::concernsRevision);

  private static Optional<ObjectNode> taskDefinitionView(
      String region, String entityId, TaskDefinitionFamily.State state, String selector) {
    if (selector == null) return Optional.empty();
    int revision = Integer.parseInt(selector);
    if (revision < 1 || revision > state.revisions().size()) return Optional.empty();
    String account = entityId.substring(0, entityId.indexOf('/'));
    return Optional.of(
        IsoTimes.convert(
            ResourceViews.taskDefinition(region, account, state.revisions().get(revision - 1))));
  }

  private static boolean concernsRevision(Object event, String selector) {
    if (selector == null) return true;
    int revision = Integer.parseInt(selector);
    if (event instanceof TaskDefinitionFamily.RevisionRegistered e) return e.revision() == revision;
    if (event instanceof TaskDefinitionFamily.RevisionDeregistered e)
      return e.revision() == revision;
    if (event instanceof TaskDefinitionFamily.RevisionDeletionRequested e)
      return e.revision() == revision;
    if (event instanceof TaskDefinitionFamily.RevisionTagged e) return e.revision() == revision;
    if (event instanceof TaskDefinitionFamily.RevisionUntagged e) return e.revision() == revision;
    return true;
  }
}
