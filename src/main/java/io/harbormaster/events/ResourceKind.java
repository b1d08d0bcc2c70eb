package io.harbormaster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One entity type seen from outside: how to replay its journal (with the entity's own event
 * handler), what it looks like at any point (the Describe* object, ISO-8601 times), and which
 * EventBridge events a change publishes. Adding a resource type to the stream, the hooks and the
 * history is one more implementation in {@link ResourceKinds}.
 */
public interface ResourceKind<S> {

  /** The entity's type name: its persistence id prefix and (lower-cased) tag prefix. */
  String entityType();

  /** Replays one entity: the entity's empty state and event handler. */
  Replay<S> replay(String entityId);

  /**
   * Whether this kind publishes EventBridge events (its tags are read by the stream and the hooks).
   */
  boolean publishes();

  /**
   * The Describe* object of the resource in this state (ISO-8601 times); empty before it exists.
   */
  Optional<ObjectNode> view(String region, String entityId, S state, String selector);

  /**
   * The EventBridge events that one journal event publishes; empty when nothing a user sees
   * changed.
   */
  List<EcsEvent> published(String region, Change<S> change);

  /**
   * Whether a journal event concerns the part of the entity an ARN names (a task definition names a
   * revision).
   */
  default boolean concerns(Object event, String selector) {
    return true;
  }

  interface Replay<S> {
    S empty();

    S apply(S state, Object event);
  }

  /** One journal event of one entity with the entity's state before and after it. */
  record Change<S>(
      String persistenceId,
      String entityId,
      long sequenceNr,
      Instant at,
      Object event,
      S before,
      S after) {
    public String accountId() {
      return entityId.substring(0, entityId.indexOf('/'));
    }
  }
}
