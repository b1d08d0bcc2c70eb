package io.harbormaster.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Field-by-field comparison of AWS SDK responses. Stricter than the models' equals(): a list or map
 * the service sent (even empty) differs from one it left out (the SDK's auto-construct placeholder,
 * what {@code hasX()} reports), so a response whose JSON changed from {@code []} to {@code null} is
 * caught too.
 */
public final class SdkComparison {
  private SdkComparison() {}

  /**
   * Every difference between two model objects, as "path: before -> after"; empty when they are the
   * same.
   */
  public static List<String> differences(String path, Object before, Object after) {
    List<String> out = new ArrayList<>();
    compare(path, before, after, out);
    return out;
  }

  private static void compare(String path, Object before, Object after, List<String> out) {
    if (before instanceof SdkPojo b && after instanceof SdkPojo a && b.getClass() == a.getClass()) {
      for (SdkField<?> field : b.sdkFields()) {
        compare(
            path + "." + field.memberName(),
            field.getValueOrDefault(b),
            field.getValueOrDefault(a),
            out);
      }
    } else if (before instanceof List<?> b && after instanceof List<?> a) {
      if (presence(b) != presence(a)) {
        out.add(path + ": " + presence(b) + " -> " + presence(a));
      } else if (b.size() != a.size()) {
        out.add(
            path + ": " + b.size() + " elements -> " + a.size() + " elements: " + b + " -> " + a);
      } else {
        for (int i = 0; i < b.size(); i++) compare(path + "[" + i + "]", b.get(i), a.get(i), out);
      }
    } else if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
      if (presence(b) != presence(a)) {
        out.add(path + ": " + presence(b) + " -> " + presence(a));
      } else if (!b.keySet().equals(a.keySet())) {
        out.add(path + ": keys " + b.keySet() + " -> " + a.keySet());
      } else {
        Iterator<?> keys = b.keySet().iterator();
        while (keys.hasNext()) {
          Object key = keys.next();
          compare(path + "[" + key + "]", b.get(key), a.get(key), out);
        }
      }
    } else if (!Objects.equals(before, after)) {
      out.add(path + ": " + before + " -> " + after);
    }
  }

  private static String presence(Object collection) {
    return collection instanceof SdkAutoConstructList<?>
            || collection instanceof SdkAutoConstructMap<?, ?>
        ? "absent"
        : "present";
  }
}
