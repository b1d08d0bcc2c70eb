package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Entities;
import io.harbormaster.views.JsonViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Describe*'s fan-out, for every Describe* alike: each reference is looked up at once; what is
 * found is shown in the order asked, the rest is MISSING in failures[]. Missing is {@link
 * Entities#missingIfRefused}'s rule: a reference that cannot name an entity of the caller's, or an
 * entity that answers that it does not exist; an entity that does not answer fails the whole call.
 */
final class DescribeFanOut {
  private DescribeFanOut() {}

  /**
   * The answer for each reference, in order. {@code ask} gives the read of the entity a reference
   * names, or empty when it cannot name one.
   */
  static <T> CompletionStage<List<Optional<T>>> lookUp(
      List<String> refs, Function<String, Optional<CompletionStage<T>>> ask) {
    List<CompletableFuture<Optional<T>>> lookups = new ArrayList<>();
    for (String ref : refs) {
      lookups.add(
          ask.apply(ref)
              .map(
                  read ->
                      read.thenApply(Optional::of)
                          .exceptionally(Entities::<T>missingIfRefused)
                          .toCompletableFuture())
              .orElseGet(() -> CompletableFuture.completedFuture(Optional.empty())));
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenApply(x -> lookups.stream().map(CompletableFuture::join).toList());
  }

  /** What {@link #lookUp} found. */
  static <T> List<T> found(List<Optional<T>> lookups) {
    return lookups.stream().flatMap(Optional::stream).toList();
  }

  /**
   * {@code {member: [found...], failures: [{arn, reason: MISSING}...]}}; a missing reference's arn
   * is the ARN given, or the one {@code arnOfName} makes of a name.
   */
  static <T> ObjectNode answer(
      String member,
      List<String> refs,
      List<Optional<T>> lookups,
      Function<T, JsonNode> view,
      Function<String, String> arnOfName) {
    ObjectNode out = JsonViews.object();
    ArrayNode shown = out.putArray(member);
    ArrayNode failures = out.putArray("failures");
    for (int i = 0; i < refs.size(); i++) {
      Optional<T> found = lookups.get(i);
      if (found.isPresent()) {
        shown.add(view.apply(found.get()));
      } else {
        String ref = refs.get(i);
        failures
            .addObject()
            .put("arn", ref.startsWith("arn:") ? ref : arnOfName.apply(ref))
            .put("reason", "MISSING");
      }
    }
    return out;
  }
}
