package io.harbormaster.events;

import java.util.List;
import java.util.UUID;

/**
 * The EventBridge events one journal event published (often none), with where it sits: its tag and
 * the tag's offset (a time-based UUID). Readers store offsets only at these boundaries, so a resume
 * never splits a journal event.
 */
public record JournalBatch(
    String tag, UUID offset, String persistenceId, long sequenceNr, List<EcsEvent> events) {}
