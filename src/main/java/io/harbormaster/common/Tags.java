package io.harbormaster.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure tag arithmetic shared by every taggable entity: TagResource overwrites by key, UntagResource removes keys. */
public final class Tags {
  private Tags() {}

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
