package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.harbormaster.common.EcsException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class EcsNamesTest {

  @Test
  void validNames() {
    for (String name : new String[] {"a", "default", "web-app_2", "A".repeat(255), "0", "-_-"}) {
      assertTrue(EcsNames.isValidName(name), name);
      assertEquals(name, EcsNames.requireClusterName(name));
      assertEquals(name, EcsNames.requireFamily(name));
      assertEquals(name, EcsNames.requireContainerName(name));
    }
  }

  @Test
  void invalidNames() {
    for (String name :
        new String[] {
          "", "A".repeat(256), "web app", "web.app", "web/app", "wéb", "web:1", "a\n"
        }) {
      assertFalse(EcsNames.isValidName(name), name);
    }
    assertFalse(EcsNames.isValidName(null));
  }

  @Test
  void clusterNameErrorsAreInvalidParameters() {
    EcsException e =
        assertThrows(EcsException.class, () -> EcsNames.requireClusterName("my cluster"));
    assertEquals("InvalidParameterException", e.errorType());
    assertEquals(
        "Invalid cluster name \"my cluster\": up to 255 letters (uppercase and lowercase), numbers, "
            + "underscores, and hyphens are allowed.",
        e.getMessage());
    assertEquals(
        "InvalidParameterException",
        assertThrows(EcsException.class, () -> EcsNames.requireClusterName(null)).errorType());
  }

  @Test
  void familyAndContainerErrorsAreClientExceptionsLikeEcs() {
    assertClient(
        () -> EcsNames.requireFamily("weird_dir@letssee.cats"),
        "Family contains invalid characters: ");
    assertClient(() -> EcsNames.requireFamily(""), "Family can not be blank.");
    assertClient(() -> EcsNames.requireFamily(null), "Family can not be blank.");
    assertClient(
        () -> EcsNames.requireContainerName("my container"),
        "Container.name contains invalid characters: ");
    assertClient(
        () -> EcsNames.requireContainerName(""), "Container.name should not be null or empty.");
    assertClient(
        () -> EcsNames.requireContainerName("c".repeat(256)),
        "Container.name contains invalid characters: ");
  }

  @Test
  void tagLimits() {
    assertEquals(
        new EcsNames.Tag("k".repeat(128), "v".repeat(256)),
        EcsNames.requireTag("k".repeat(128), "v".repeat(256)));
    assertEquals(new EcsNames.Tag("team", ""), EcsNames.requireTag("team", null));
    assertEquals(
        new EcsNames.Tag("Name", "web server 1 @ prod/eu-west-1:a=b+c"),
        EcsNames.requireTag("Name", "web server 1 @ prod/eu-west-1:a=b+c"));
    assertEquals(new EcsNames.Tag("Ünïcødé", "名前"), EcsNames.requireTag("Ünïcødé", "名前"));

    assertInvalid(() -> EcsNames.requireTag("", "v"), "Tag keys must be 1 to 128 characters long.");
    assertInvalid(
        () -> EcsNames.requireTag(null, "v"), "Tag keys must be 1 to 128 characters long.");
    assertInvalid(() -> EcsNames.requireTag("k".repeat(129), "v"), "Tag key \"");
    assertInvalid(
        () -> EcsNames.requireTag("k", "v".repeat(257)),
        "The value of tag \"k\" is longer than 256 characters.");
    assertInvalid(
        () -> EcsNames.requireTag("a#b", "v"), "Tag key \"a#b\" contains invalid characters");
    assertInvalid(
        () -> EcsNames.requireTag("k", "v;"), "The value of tag \"k\" contains invalid characters");
  }

  @Test
  void awsPrefixIsReservedInAnyCase() {
    for (String key :
        new String[] {"aws:createdBy", "AWS:x", "Aws:", "aWs:cloudformation:stack-name"}) {
      assertInvalid(
          () -> EcsNames.requireTag(key, "v"),
          "Tag key \"" + key + "\" uses the reserved prefix aws:.");
    }
    assertEquals("awsome", EcsNames.requireTag("awsome", "v").key());
    assertEquals("aws:x", EcsNames.requireTag("owner", "aws:x").value());
  }

  @Test
  void tagLists() {
    assertEquals(List.of(), EcsNames.requireTags(null));
    assertEquals(List.of(), EcsNames.requireTags(json("null")));
    assertEquals(List.of(), EcsNames.requireTags(json("[]")));
    assertEquals(
        List.of(new EcsNames.Tag("a", "1"), new EcsNames.Tag("b", "")),
        EcsNames.requireTags(json("[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\"}]")));

    ArrayNode fifty = JSON.createArrayNode();
    for (int i = 0; i < 50; i++) {
      fifty.addObject().put("key", "k" + i).put("value", "v");
    }
    assertEquals(50, EcsNames.requireTags(fifty).size());
    fifty.addObject().put("key", "k50");
    assertInvalid(
        () -> EcsNames.requireTags(fifty), "Too many tags: 51; a resource can have at most 50.");

    assertInvalid(
        () -> EcsNames.requireTags(json("[{\"key\":\"a\"},{\"key\":\"a\",\"value\":\"2\"}]")),
        "Duplicate tag key \"a\".");
    assertInvalid(
        () -> EcsNames.requireTags(json("[{\"value\":\"x\"}]")),
        "Tag keys must be 1 to 128 characters long.");
    assertInvalid(
        () -> EcsNames.requireTags(json("[{\"key\":\"aws:x\"}]")),
        "Tag key \"aws:x\" uses the reserved prefix");
    assertInvalid(() -> EcsNames.requireTags(json("[\"a\"]")), "Each tag must be an object");
    assertInvalid(() -> EcsNames.requireTags(json("{\"a\":\"b\"}")), "tags must be a list");
    assertInvalid(() -> EcsNames.requireTags(json("[{\"key\":1}]")), "Tag keys must be strings.");
  }

  private static void assertClient(Executable call, String messagePrefix) {
    EcsException e = assertThrows(EcsException.class, call);
    assertEquals("ClientException", e.errorType());
    assertTrue(e.getMessage().startsWith(messagePrefix), e.getMessage());
  }

  private static void assertInvalid(Executable call, String messagePrefix) {
    EcsException e = assertThrows(EcsException.class, call);
    assertEquals("InvalidParameterException", e.errorType());
    assertTrue(e.getMessage().startsWith(messagePrefix), e.getMessage());
  }
}
