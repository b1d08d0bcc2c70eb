package io.harbormaster.events.stream;

import io.harbormaster.events.EcsEvent;
import io.harbormaster.events.EventLog;
import io.harbormaster.events.pattern.EventPattern;
import io.harbormaster.events.stream.ResumePoint.Position;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One account's events from every published tag, merged, each with the resume point just after it.
 * Tags are read independently, so the order is total per resource (one resource lives in one tag),
 * not across resources.
 */
public final class EventStream {
  private final EventLog log;
  private final List<String> tags;

  public EventStream(EventLog log, List<String> tags) {
    this.log = log;
    this.tags = tags;
  }

  public record Item(EcsEvent event, ResumePoint resumePoint) {}

  /** Every tag at this moment: a stream opened without a resume point starts now. */
  public ResumePoint startingNow() {
    UUID now = log.now();
    return startingAt(now);
  }

  public ResumePoint startingAt(UUID offset) {
    Map<String, Position> byTag = new LinkedHashMap<>();
    tags.forEach(t -> byTag.put(t, new Position(offset, 0)));
    return new ResumePoint(byTag);
  }

  /**
   * A resume point from a client, completed for tags it does not name (a kind added since): those
   * start at the earliest offset it names, so nothing after that moment is missed.
   */
  public ResumePoint completed(ResumePoint from) {
    UUID earliest =
        from.byTag().values().stream()
            .map(Position::after)
            .min((a, b) -> Long.compare(a.timestamp(), b.timestamp()))
            .orElseGet(log::now);
    Map<String, Position> byTag = new LinkedHashMap<>();
    for (String t : tags) byTag.put(t, from.byTag().getOrDefault(t, new Position(earliest, 0)));
    return new ResumePoint(byTag);
  }

  private record TagStep(String tag, Position position, EcsEvent event) {}

  public Source<Item, NotUsed> events(
      String accountId, Optional<EventPattern> pattern, ResumePoint from) {
    ResumePoint start = completed(from);
    List<Source<TagStep, NotUsed>> perTag = new ArrayList<>();
    EventLog.Interest own =
        (account, at) ->
            java.util.concurrent.CompletableFuture.completedFuture(account.equals(accountId));
    for (String tag : tags) perTag.add(tagSteps(tag, start.byTag().get(tag), own));
    Source<TagStep, NotUsed> merged =
        perTag.isEmpty()
            ? Source.empty()
            : perTag
                .get(0)
                .merge(
                    Source.from(perTag.subList(1, perTag.size()))
                        .flatMapMerge(perTag.size(), s -> s));
    return merged
        .scan(
            new Scanned(new LinkedHashMap<>(start.byTag()), null),
            (acc, step) -> {
              Map<String, Position> next = new LinkedHashMap<>(acc.positions());
              next.put(step.tag(), step.position());
              return new Scanned(next, step.event());
            })
        .filter(
            s ->
                s.event() != null
                    && s.event().account().equals(accountId)
                    && pattern.map(p -> p.matches(s.event().toJson())).orElse(true))
        .map(s -> new Item(s.event(), new ResumePoint(s.positions())));
  }

  private record Scanned(Map<String, Position> positions, EcsEvent event) {}

  /**
   * One tag's events, each with the tag's position just after it. A journal event that published
   * nothing still moves the position (a step with no event), so a filtered stream's next id is up
   * to date.
   */
  private Source<TagStep, NotUsed> tagSteps(String tag, Position from, EventLog.Interest interest) {
    int[] toSkip = {from.skip()};
    UUID[] lastFull = {from.after()};
    return log.batches(tag, from.after(), interest)
        .mapConcat(
            batch -> {
              List<TagStep> steps = new ArrayList<>();
              List<EcsEvent> events = batch.events();
              UUID before = lastFull[0];
              for (int k = 0; k < events.size(); k++) {
                boolean last = k == events.size() - 1;
                Position p = last ? new Position(batch.offset(), 0) : new Position(before, k + 1);
                if (toSkip[0] > 0) {
                  toSkip[0]--;
                  continue;
                }
                steps.add(new TagStep(tag, p, events.get(k)));
              }
              toSkip[0] = 0;
              lastFull[0] = batch.offset();
              if (events.isEmpty())
                steps.add(new TagStep(tag, new Position(batch.offset(), 0), null));
              return steps;
            });
  }
}
