package io.harbormaster.scheduler.query;

import io.harbormaster.scheduler.InstanceSnapshot;
import java.util.Objects;

/**
 * A parsed cluster query language expression: the text as written and its syntax tree. Create it
 * with {@link ClusterQueryLanguage#parse(String)}; reuse it for every instance (and for
 * ListContainerInstances' {@code filter}).
 */
public record ClusterQuery(String expression, Expression root) {

  public ClusterQuery {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(root, "root");
  }

  public boolean matches(InstanceSnapshot instance) {
    return root.matches(instance);
  }
}
