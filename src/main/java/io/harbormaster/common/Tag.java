package io.harbormaster.common;

/** A user's resource tag, as ECS spells it: key and value. */
public record Tag(String key, String value) implements CborSerializable {}
