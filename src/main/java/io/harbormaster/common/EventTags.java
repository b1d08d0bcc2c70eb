package io.harbormaster.common;

import java.util.Set;

/**
 * Tags for the journal's events-by-tag: "type-slice". One resource always lands in one slice, so a
 * reader of that slice sees its events in order; the slice count is fixed in
 * sharding-config/tags.conf.
 *
 * <p>A tag costs about three Cassandra writes per event (tag_views, tag_write_progress and a share
 * of tag_scanning) and a persist waits for them, so the entity types whose tags nobody reads
 * ({@code untaggedTypes}: those that publish no EventBridge event) write none. Their history is
 * read by persistence id, which needs no tag.
 *
 * @param untaggedTypes entity type names (as in their EntityTypeKey) whose events get no tag
 */
public record EventTags(int slices, Set<String> untaggedTypes) {

  /** Every entity type's events tagged. */
  public EventTags(int slices) {
    this(slices, Set.of());
  }

  public EventTags {
    untaggedTypes = Set.copyOf(untaggedTypes);
  }

  public Set<String> forEntity(String entityType, String entityId) {
    if (untaggedTypes.contains(entityType)) return Set.of();
    return Set.of(tag(entityType, sliceOf(entityId)));
  }

  public int sliceOf(String entityId) {
    return Math.floorMod(entityId.hashCode(), slices);
  }

  public static String tag(String entityType, int slice) {
    return entityType.toLowerCase() + "-" + slice;
  }
}
