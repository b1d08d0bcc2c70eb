package io.harbormaster.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure tag arithmetic shared by every taggable entity: TagResource overwrites by key, UntagResource
 * removes keys.
 */
public final class Tags {
  /** ECS allows at most 50 user tags per resource. */
  public static final int MAX_PER_RESOURCE = 50;

  private Tags() {}

  public static boolean overLimit(List<Tag> current, Collection<Tag> added) {
    return merged(current, added).size() > MAX_PER_RESOURCE;
  }

  public static String overLimitMessage() {
    return "A resource can have at most " + MAX_PER_RESOURCE + " tags.";
  }

  public static List<Tag> merged(List<Tag> current, Collection<Tag> added) {
    Map<String, String> byKey = new LinkedHashMap<>();
    current.forEach(t -> byKey.put(t.key(), t.value()));
    added.forEach(t -> byKey.put(t.key(), t.value()));
    List<Tag> out = new ArrayList<>();
    byKey.forEach((k, v) -> out.add(new Tag(k, v)));
    return List.copyOf(out);
  }

  public static List<Tag> without(List<Tag> current, Collection<String> keys) {
    return current.stream().filter(t -> !keys.contains(t.key())).toList();
  }
}
