package io.harbormaster.common;

/**
 * Marker for messages, events and state persisted or sent between nodes; bound to jackson-cbor in
 * serialization.conf.
 */
public interface CborSerializable {}
