package io.harbormaster.scheduler;

import io.harbormaster.scheduler.query.ClusterQuery;
import io.harbormaster.scheduler.query.ClusterQueryLanguage;
import io.harbormaster.scheduler.query.QueryLanguageException;
import java.util.Objects;

/**
 * ECS's two placement constraint types. A {@code memberOf} expression is parsed once, when it is
 * created.
 */
public sealed interface PlacementConstraint {

  /** Each task of the group on a different container instance. */
  record DistinctInstance() implements PlacementConstraint {}

  /** Only instances the cluster query language expression selects. */
  record MemberOf(ClusterQuery query) implements PlacementConstraint {
    public MemberOf {
      Objects.requireNonNull(query, "query");
    }
  }

  static PlacementConstraint distinctInstance() {
    return new DistinctInstance();
  }

  /**
   * @throws QueryLanguageException when the expression is malformed; the API reports it as {@code
   *     InvalidParameterException}
   */
  static PlacementConstraint memberOf(String expression) {
    return new MemberOf(ClusterQueryLanguage.parse(expression));
  }
}
