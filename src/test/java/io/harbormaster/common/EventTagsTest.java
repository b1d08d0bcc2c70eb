package io.harbormaster.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTagsTest {

  @Test
  void taggedTypeGetsItsSlicesTag_untaggedTypeNone() {
    EventTags tags = new EventTags(4, Set.of("Cluster"));
    String id = "000000000000/default/abc";
    assertEquals(Set.of("task-" + tags.sliceOf(id)), tags.forEntity("Task", id));
    assertEquals(Set.of(), tags.forEntity("Cluster", "000000000000/default"));
  }

  @Test
  void withoutUntaggedTypesEveryTypeIsTagged() {
    assertEquals(
        Set.of("cluster-" + new EventTags(4).sliceOf("a/b")),
        new EventTags(4).forEntity("Cluster", "a/b"));
  }
}
