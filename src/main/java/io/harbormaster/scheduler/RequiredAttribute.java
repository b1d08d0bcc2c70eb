package io.harbormaster.scheduler;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a task definition's {@code requiresAttributes}: the instance must have the
 * attribute, and when a value is given, exactly that value. ECS derives most of these itself (e.g.
 * {@code com.amazonaws.ecs.capability.docker-remote-api.1.19}); a missing one is reported as {@code
 * ATTRIBUTE}.
 */
public record RequiredAttribute(String name, Optional<String> value) {

  public RequiredAttribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  public static RequiredAttribute named(String name) {
    return new RequiredAttribute(name, Optional.empty());
  }

  public static RequiredAttribute of(String name, String value) {
    return new RequiredAttribute(name, Optional.of(value));
  }

  public boolean isSatisfiedBy(InstanceSnapshot instance) {
    Optional<String> actual = instance.attribute(name);
    return actual.isPresent() && value.map(v -> v.equals(actual.get())).orElse(true);
  }
}
