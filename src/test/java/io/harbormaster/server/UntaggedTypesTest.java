package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.account.Account;
import io.harbormaster.cluster.Cluster;
import io.harbormaster.events.ResourceKinds;
import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Only the types whose tags the event stream and the hooks read are tagged. */
class UntaggedTypesTest {

  @Test
  void typesThatPublishNoEventBridgeEventAreNotTagged() {
    assertEquals(
        Set.of(
            Account.ENTITY_KEY.name(),
            Cluster.ENTITY_KEY.name(),
            TaskDefinitionFamily.ENTITY_KEY.name()),
        HarbormasterNode.untaggedTypes());
  }

  @Test
  void everyTagTheStreamAndHooksReadIsStillWritten() {
    var tags = new io.harbormaster.common.EventTags(4, HarbormasterNode.untaggedTypes());
    List<String> read = ResourceKinds.standard().publishedTags(tags);
    for (String type : List.of("Task", "ContainerInstance", "Service")) {
      for (String id : List.of("000000000000/a/1", "000000000000/b/2", "x/y/z", "q/r/s")) {
        assertEquals(1, tags.forEntity(type, id).size(), type);
        assertEquals(true, read.containsAll(tags.forEntity(type, id)), type + " " + id);
      }
    }
  }
}
