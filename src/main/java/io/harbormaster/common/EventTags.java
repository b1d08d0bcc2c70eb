package io.harbormaster.common;

import java.util.Set;

/**
 * Tags for the journal's events-by-tag: "type-slice". One resource always lands in one slice, so a
 * reader of that slice sees its events in order; the slice count is fixed in
 * sharding-config/tags.conf.
 */
public record EventTags(int slices) {

  public Set<String> forEntity(String entityType, String entityId) {
    return Set.of(tag(entityType, sliceOf(entityId)));
  }

  public int sliceOf(String entityId) {
    return Math.floorMod(entityId.hashCode(), slices);
  }

  public static String tag(String entityType, int slice) {
    return entityType.toLowerCase() + "-" + slice;
  }
}
