package io.harbormaster.scheduler;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@code placementStrategy}, as in the ECS API: a type and the field it applies to.
 *
 * @param field {@code cpu} or {@code memory} for binpack; {@code instanceId} or {@code
 *     attribute:<name>} for spread ({@code host} is accepted and means {@code instanceId}, as ECS
 *     documents); empty for random
 */
public record PlacementStrategy(Type type, String field) {

  public enum Type {
    BINPACK,
    SPREAD,
    RANDOM
  }

  public static final String INSTANCE_ID = "instanceId";
  public static final String ATTRIBUTE_PREFIX = "attribute:";

  /**
   * What services use when they name no strategy: spread across Availability Zones, then across
   * instances (ECS-FACTS; AWS documents "the service scheduler spreads tasks across Availability
   * Zones").
   */
  public static final List<PlacementStrategy> SERVICE_DEFAULT =
      List.of(spread(ATTRIBUTE_PREFIX + InstanceSnapshot.AVAILABILITY_ZONE), spread(INSTANCE_ID));

  /**
   * What RunTask uses when it names no strategy: AWS's scheduling guide says "you can allow the
   * default task placement strategy to distribute tasks randomly across your cluster".
   */
  public static final List<PlacementStrategy> RUN_TASK_DEFAULT = List.of(random());

  public PlacementStrategy {
    Objects.requireNonNull(type, "type");
    field = normalizedField(type, field == null ? "" : field.trim());
  }

  public static PlacementStrategy binpack(String field) {
    return new PlacementStrategy(Type.BINPACK, field);
  }

  public static PlacementStrategy spread(String field) {
    return new PlacementStrategy(Type.SPREAD, field);
  }

  public static PlacementStrategy random() {
    return new PlacementStrategy(Type.RANDOM, "");
  }

  /**
   * A strategy from the API's strings ({@code "binpack"}, {@code "memory"}).
   *
   * @throws IllegalArgumentException with a message fit for {@code InvalidParameterException}
   */
  public static PlacementStrategy of(String type, String field) {
    Type parsed;
    try {
      parsed = Type.valueOf(Objects.requireNonNull(type, "type").trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid placement strategy type '"
              + type
              + "'. Valid types are binpack, spread and random.");
    }
    return new PlacementStrategy(parsed, field);
  }

  private static String normalizedField(Type type, String field) {
    switch (type) {
      case BINPACK:
        String resource = field.toLowerCase(Locale.ROOT);
        if (resource.equals("cpu") || resource.equals("memory")) return resource;
        throw new IllegalArgumentException(
            "Invalid field '"
                + field
                + "' for binpack placement strategy. Valid fields are cpu and memory.");
      case SPREAD:
        if (field.equalsIgnoreCase(INSTANCE_ID) || field.equalsIgnoreCase("host"))
          return INSTANCE_ID;
        if (field.startsWith(ATTRIBUTE_PREFIX) && field.length() > ATTRIBUTE_PREFIX.length())
          return field;
        throw new IllegalArgumentException(
            "Invalid field '"
                + field
                + "' for spread placement strategy. "
                + "Valid fields are instanceId, host and attribute:<name>.");
      case RANDOM:
        // ECS ignores the field of a random strategy.
        return "";
    }
    throw new AssertionError(type);
  }
}
