package io.harbormaster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.api.ecs.ResourceViews;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.common.Arns;
import io.harbormaster.common.EventTags;
import io.harbormaster.instance.ContainerInstance;
import io.harbormaster.task.Task;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** Every resource type the events, hooks and history know, and the ARN of a resource to its entity. */
public final class ResourceKinds {
  public static final String TASK_STATE_CHANGE = "ECS Task State Change";
  public static final String CONTAINER_INSTANCE_STATE_CHANGE = "ECS Container Instance State Change";
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
      for (int slice = 0; slice < tags.slices(); slice++) out.add(EventTags.tag(kind.entityType(), slice));
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
    return Arns.parse(arn).flatMap(p -> {
      String account = p.accountId();
      switch (p.resourceType()) {
        case "task":
          return twoPart(p.resourceId()).map(id -> new ResourceRef(TASK, account + "/" + id, null));
        case "container-instance":
          return twoPart(p.resourceId()).map(id -> new ResourceRef(CONTAINER_INSTANCE, account + "/" + id, null));
        case "cluster":
          return p.resourceId().contains("/") ? Optional.empty()
              : Optional.of(new ResourceRef(CLUSTER, account + "/" + p.resourceId(), null));
        case "task-definition": {
          int colon = p.resourceId().lastIndexOf(':');
          if (colon <= 0 || !p.resourceId().substring(colon + 1).matches("\\d+")) return Optional.empty();
          return Optional.of(new ResourceRef(TASK_DEFINITION, account + "/" + p.resourceId().substring(0, colon),
              p.resourceId().substring(colon + 1)));
        }
        default:
          return Optional.<ResourceRef>empty().or(() -> extra(p));
      }
    });
  }

  /** Kinds added later (services) resolve their ARNs here: resource type = lower-case hyphenated entity type. */
  private Optional<ResourceRef> extra(Arns.ParsedArn p) {
    for (ResourceKind<?> kind : byType.values()) {
      if (kind.entityType().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase().equals(p.resourceType())) {
        return twoPart(p.resourceId()).map(id -> new ResourceRef(kind, p.accountId() + "/" + id, null));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> twoPart(String resourceId) {
    String[] parts = resourceId.split("/");
    return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()
        ? Optional.of(resourceId) : Optional.empty();
  }

  // ---- the kinds ----

  /** A kind whose events are snapshots of its Describe* object: ECS's task and container instance events. */
  static <S> List<EcsEvent> stateChange(String detailType, String region, ResourceKind<S> kind, ResourceKind.Change<S> c,
      Function<ObjectNode, String> arnOf) {
    Optional<ObjectNode> after = kind.view(region, c.entityId(), c.after(), null);
    if (after.isEmpty()) return List.of();
    Optional<ObjectNode> before = kind.view(region, c.entityId(), c.before(), null);
    if (before.isPresent() && withoutVersion(before.get()).equals(withoutVersion(after.get()))) return List.of();
    ObjectNode detail = after.get();
    detail.put("updatedAt", IsoTimes.iso(c.at()));
    detail.put("version", c.sequenceNr());
    return List.of(new EcsEvent(EcsEvent.idFor(c.persistenceId(), c.sequenceNr(), 0), detailType, EcsEvent.SOURCE,
        c.accountId(), c.at(), region, List.of(arnOf.apply(detail)), detail));
  }

  private static ObjectNode withoutVersion(ObjectNode view) {
    ObjectNode copy = view.deepCopy();
    copy.remove("version");
    return copy;
  }

  private static <S> ResourceKind.Replay<S> replay(Supplier<S> empty, BiFunction<S, Object, S> apply) {
    return new ResourceKind.Replay<>() {
      @Override
      public S empty() {
        return empty.get();
      }

      @Override
      public S apply(S state, Object event) {
        return apply.apply(state, event);
      }
    };
  }

  public static final ResourceKind<Task.State> TASK = new ResourceKind<>() {
    @Override
    public String entityType() {
      return Task.ENTITY_KEY.name();
    }

    @Override
    public Replay<Task.State> replay(String entityId) {
      Task task = Task.replica(entityId);
      var handler = task.eventHandler();
      return ResourceKinds.replay(task::emptyState, (s, e) -> handler.apply(s, (Task.Event) e));
    }

    @Override
    public boolean publishes() {
      return true;
    }

    @Override
    public Optional<ObjectNode> view(String region, String entityId, Task.State state, String selector) {
      Task.TaskView v = state instanceof Task.LiveTask l ? l.view()
          : state instanceof Task.StoppedTask s ? s.view() : null;
      if (v == null) return Optional.empty();
      ObjectNode o = ResourceViews.task(region, v);
      o.remove("tags");
      return Optional.of(IsoTimes.convert(o));
    }

    @Override
    public List<EcsEvent> published(String region, ResourceKind.Change<Task.State> change) {
      return stateChange(TASK_STATE_CHANGE, region, this, change, d -> d.path("taskArn").asText());
    }
  };

  public static final ResourceKind<ContainerInstance.State> CONTAINER_INSTANCE = new ResourceKind<>() {
    @Override
    public String entityType() {
      return ContainerInstance.ENTITY_KEY.name();
    }

    @Override
    public Replay<ContainerInstance.State> replay(String entityId) {
      ContainerInstance instance = ContainerInstance.replica(entityId);
      var handler = instance.eventHandler();
      return ResourceKinds.replay(instance::emptyState, (s, e) -> handler.apply(s, (ContainerInstance.Event) e));
    }

    @Override
    public boolean publishes() {
      return true;
    }

    @Override
    public Optional<ObjectNode> view(String region, String entityId, ContainerInstance.State state,
        String selector) {
      ContainerInstance.InstanceView v = state instanceof ContainerInstance.LiveInstance l ? l.view()
          : state instanceof ContainerInstance.InactiveInstance i ? i.view() : null;
      if (v == null) return Optional.empty();
      ObjectNode o = ResourceViews.containerInstance(region, v);
      o.remove("tags");
      o.put("clusterArn", Arns.cluster(region, v.accountId(), v.clusterName()));
      return Optional.of(IsoTimes.convert(o));
    }

    @Override
    public List<EcsEvent> published(String region, ResourceKind.Change<ContainerInstance.State> change) {
      return stateChange(CONTAINER_INSTANCE_STATE_CHANGE, region, this, change,
          d -> d.path("containerInstanceArn").asText());
    }
  };

  /**
   * A service publishes its service events (the DescribeServices events) as they are recorded: deployment ones
   * (SERVICE_DEPLOYMENT_*) as ECS Deployment State Change with the primary deployment's id, the others as ECS
   * Service Action. Every other service change is in its history only, as in ECS.
   */
  public static final ResourceKind<io.harbormaster.service.Service.State> SERVICE = new ResourceKind<>() {
    @Override
    public String entityType() {
      return io.harbormaster.service.Service.ENTITY_KEY.name();
    }

    @Override
    public Replay<io.harbormaster.service.Service.State> replay(String entityId) {
      io.harbormaster.service.Service service = io.harbormaster.service.Service.replica(entityId);
      var handler = service.eventHandler();
      return ResourceKinds.replay(service::emptyState,
          (s, e) -> handler.apply(s, (io.harbormaster.service.Service.Event) e));
    }

    @Override
    public boolean publishes() {
      return true;
    }

    private io.harbormaster.service.Service.ServiceView viewOf(io.harbormaster.service.Service.State state) {
      return state instanceof io.harbormaster.service.Service.LiveService l ? l.view()
          : state instanceof io.harbormaster.service.Service.InactiveService i ? i.view() : null;
    }

    @Override
    public Optional<ObjectNode> view(String region, String entityId, io.harbormaster.service.Service.State state,
        String selector) {
      var v = viewOf(state);
      return v == null ? Optional.empty() : Optional.of(IsoTimes.convert(ResourceViews.service(region, v)));
    }

    @Override
    public List<EcsEvent> published(String region, ResourceKind.Change<io.harbormaster.service.Service.State> c) {
      if (!(c.event() instanceof io.harbormaster.service.Service.ServiceEventRecorded recorded)) return List.of();
      var v = viewOf(c.after());
      if (v == null) return List.of();
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
      return List.of(new EcsEvent(EcsEvent.idFor(c.persistenceId(), c.sequenceNr(), 0), detailType,
          EcsEvent.SOURCE, c.accountId(), c.at(), region, List.of(serviceArn), detail));
    }
  };

  /** Clusters have no EventBridge event in ECS; their history and state at any time are still there. */
  public static final ResourceKind<Cluster.State> CLUSTER = new ResourceKind<>() {
    @Override
    public String entityType() {
      return Cluster.ENTITY_KEY.name();
    }

    @Override
    public Replay<Cluster.State> replay(String entityId) {
      Cluster cluster = Cluster.replica(entityId);
      var handler = cluster.eventHandler();
      return ResourceKinds.replay(cluster::emptyState, (s, e) -> handler.apply(s, (Cluster.Event) e));
    }

    @Override
    public boolean publishes() {
      return false;
    }

    @Override
    public Optional<ObjectNode> view(String region, String entityId, Cluster.State state, String selector) {
      Cluster.ClusterInfo info = state instanceof Cluster.ActiveCluster a ? a.info()
          : state instanceof Cluster.InactiveCluster i ? i.info() : null;
      return info == null ? Optional.empty() : Optional.of(IsoTimes.convert(ResourceViews.cluster(region, info)));
    }

    @Override
    public List<EcsEvent> published(String region, ResourceKind.Change<Cluster.State> change) {
      return List.of();
    }
  };

  /** One family entity holds every revision; an ARN names one revision, the selector. */
  public static final ResourceKind<TaskDefinitionFamily.State> TASK_DEFINITION = new ResourceKind<>() {
    @Override
    public String entityType() {
      return TaskDefinitionFamily.ENTITY_KEY.name();
    }

    @Override
    public Replay<TaskDefinitionFamily.State> replay(String entityId) {
      TaskDefinitionFamily family = TaskDefinitionFamily.replica(entityId);
      var handler = family.eventHandler();
      return ResourceKinds.replay(family::emptyState,
          (s, e) -> handler.apply(s, (TaskDefinitionFamily.Event) e));
    }

    @Override
    public boolean publishes() {
      return false;
    }

    @Override
    public Optional<ObjectNode> view(String region, String entityId, TaskDefinitionFamily.State state,
        String selector) {
      if (selector == null) return Optional.empty();
      int revision = Integer.parseInt(selector);
      if (revision < 1 || revision > state.revisions().size()) return Optional.empty();
      String account = entityId.substring(0, entityId.indexOf('/'));
      return Optional.of(IsoTimes.convert(ResourceViews.taskDefinition(region, account,
          state.revisions().get(revision - 1))));
    }

    @Override
    public boolean concerns(Object event, String selector) {
      if (selector == null) return true;
      int revision = Integer.parseInt(selector);
      if (event instanceof TaskDefinitionFamily.RevisionRegistered e) return e.revision() == revision;
      if (event instanceof TaskDefinitionFamily.RevisionDeregistered e) return e.revision() == revision;
      if (event instanceof TaskDefinitionFamily.RevisionDeletionRequested e) return e.revision() == revision;
      if (event instanceof TaskDefinitionFamily.RevisionTagged e) return e.revision() == revision;
      if (event instanceof TaskDefinitionFamily.RevisionUntagged e) return e.revision() == revision;
      return true;
    }

    @Override
    public List<EcsEvent> published(String region, ResourceKind.Change<TaskDefinitionFamily.State> change) {
      return List.of();
    }
  };
}
