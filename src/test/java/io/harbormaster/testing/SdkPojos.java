package io.harbormaster.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/** Compares SDK model objects member by member, so a failure names the member that differs. */
public final class SdkPojos {
  private SdkPojos() {}

  /**
   * Every member set in {@code sent} comes back equal in {@code got}, recursively; members the
   * caller did not set are ignored (the server may fill in defaults). Objects of different classes
   * (a request and the resource it created) are matched by member name; {@code ignored} names
   * top-level members of {@code sent} to skip.
   */
  public static void assertSetMembersEqual(
      String path, SdkPojo sent, SdkPojo got, Set<String> ignored) {
    assertNotNull(got, path + " is missing");
    Map<String, SdkField<?>> gotFields = new java.util.HashMap<>();
    got.sdkFields().forEach(f -> gotFields.put(f.memberName(), f));
    for (SdkField<?> field : sent.sdkFields()) {
      if (ignored.contains(field.memberName())) continue;
      Object expected = field.getValueOrDefault(sent);
      if (isUnset(expected)) continue;
      String memberPath = path + "." + field.memberName();
      SdkField<?> counterpart = gotFields.get(field.memberName());
      assertNotNull(
          counterpart, memberPath + " has no counterpart in " + got.getClass().getSimpleName());
      assertValueEqual(memberPath, expected, counterpart.getValueOrDefault(got));
    }
  }

  public static void assertSetMembersEqual(String path, SdkPojo sent, SdkPojo got) {
    assertSetMembersEqual(path, sent, got, Set.of());
  }

  private static void assertValueEqual(String path, Object expected, Object actual) {
    if (expected instanceof SdkPojo pojo) {
      assertNotNull(actual, path + " is missing");
      assertSetMembersEqual(path, pojo, (SdkPojo) actual, Set.of());
    } else if (expected instanceof List<?> list) {
      assertNotNull(actual, path + " is missing");
      List<?> actualList = (List<?>) actual;
      assertEquals(
          list.size(),
          actualList.size(),
          path + " has a different number of elements: " + actualList);
      for (int i = 0; i < list.size(); i++) {
        assertValueEqual(path + "[" + i + "]", list.get(i), actualList.get(i));
      }
    } else if (expected instanceof Map<?, ?> map) {
      assertNotNull(actual, path + " is missing");
      Map<?, ?> actualMap = (Map<?, ?>) actual;
      assertEquals(map.keySet(), actualMap.keySet(), path + " has different keys");
      map.forEach((k, v) -> assertValueEqual(path + "[" + k + "]", v, actualMap.get(k)));
    } else {
      assertEquals(expected, actual, path);
    }
  }

  private static boolean isUnset(Object value) {
    return value == null
        || value instanceof SdkAutoConstructList
        || value instanceof SdkAutoConstructMap;
  }
}
