package io.harbormaster.scheduler.query;

import io.harbormaster.scheduler.InstanceSnapshot;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an expression looks at on a container instance, with the operators ECS documents for it and
 * how its values compare.
 *
 * @param attributeName the name after {@code attribute:}; empty for the other kinds
 */
public record Subject(Kind kind, String attributeName) {

  public enum Kind {
    AGENT_CONNECTED("agentConnected"),
    AGENT_VERSION("agentVersion"),
    ATTRIBUTE("attribute:"),
    EC2_INSTANCE_ID("ec2InstanceId"),
    REGISTERED_AT("registeredAt"),
    RUNNING_TASKS_COUNT("runningTasksCount"),
    TASK_GROUP("task:group");

    private final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  static final String KNOWN =
      "agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group";

  /**
   * ECS: attribute names are letters, digits, hyphens, underscores, slashes, backslashes and
   * periods.
   */
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_./\\\\-]{1,128}");

  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");
  private static final Pattern INTEGER = Pattern.compile("\\d+");

  private static final Set<Operator> EQUALITY_AND_PATTERNS =
      EnumSet.of(
          Operator.EQUALS,
          Operator.NOT_EQUALS,
          Operator.IN,
          Operator.NOT_IN,
          Operator.MATCHES,
          Operator.NOT_MATCHES);
  private static final Set<Operator> ORDERING =
      EnumSet.of(
          Operator.EQUALS,
          Operator.NOT_EQUALS,
          Operator.GREATER_THAN,
          Operator.GREATER_THAN_EQUAL,
          Operator.LESS_THAN,
          Operator.LESS_THAN_EQUAL);

  /** The subject a word names, or empty when it names none. */
  static Optional<Subject> parse(String word) {
    if (word.startsWith(Kind.ATTRIBUTE.text)) {
      return Optional.of(new Subject(Kind.ATTRIBUTE, word.substring(Kind.ATTRIBUTE.text.length())));
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.ATTRIBUTE && kind.text.equals(word))
        return Optional.of(new Subject(kind, ""));
    }
    return Optional.empty();
  }

  /** Why the attribute name is unusable, if it is. */
  Optional<String> nameProblem() {
    if (kind != Kind.ATTRIBUTE || ATTRIBUTE_NAME.matcher(attributeName).matches())
      return Optional.empty();
    return Optional.of(
        attributeName.isEmpty()
            ? "attribute: needs a name, as in attribute:ecs.instance-type"
            : "invalid attribute name '"
                + attributeName
                + "': use letters, digits, hyphens, underscores, slashes, backslashes and periods");
  }

  /**
   * The operators the ECS guide lists for this subject. It lists none for {@code attribute:} (all
   * apply) or {@code task:group} (Harbormaster allows equality, lists, patterns and existence:
   * groups have no order).
   */
  Set<Operator> operators() {
    switch (kind) {
      case AGENT_CONNECTED:
      case EC2_INSTANCE_ID:
        return EQUALITY_AND_PATTERNS;
      case AGENT_VERSION:
      case REGISTERED_AT:
      case RUNNING_TASKS_COUNT:
        return ORDERING;
      case ATTRIBUTE:
        return EnumSet.allOf(Operator.class);
      case TASK_GROUP:
        Set<Operator> groupOperators = EnumSet.copyOf(EQUALITY_AND_PATTERNS);
        groupOperators.add(Operator.EXISTS);
        groupOperators.add(Operator.NOT_EXISTS);
        return groupOperators;
    }
    throw new AssertionError(kind);
  }

  /**
   * Why an argument cannot be compared with this subject (e.g. {@code runningTasksCount > many}),
   * if so. Patterns of {@code =~} and {@code !~} are only checked for being regular expressions.
   */
  Optional<String> argumentProblem(Operator operator, String argument) {
    if (operator == Operator.MATCHES || operator == Operator.NOT_MATCHES) return Optional.empty();
    switch (kind) {
      case AGENT_CONNECTED:
        return argument.equalsIgnoreCase("true") || argument.equalsIgnoreCase("false")
            ? Optional.empty()
            : Optional.of("agentConnected is true or false, not '" + argument + "'");
      case AGENT_VERSION:
        return VERSION.matcher(argument).matches()
            ? Optional.empty()
            : Optional.of("agentVersion needs a version such as 1.14.5, not '" + argument + "'");
      case REGISTERED_AT:
        return RegisteredAt.parse(argument).isPresent()
            ? Optional.empty()
            : Optional.of(
                "registeredAt needs a date such as 2018-06-18, 2018-06-18T22:28:28, "
                    + "2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00, not '"
                    + argument
                    + "'");
      case RUNNING_TASKS_COUNT:
        return INTEGER.matcher(argument).matches() && argument.length() <= 9
            ? Optional.empty()
            : Optional.of("runningTasksCount needs a whole number, not '" + argument + "'");
      case ATTRIBUTE:
      case EC2_INSTANCE_ID:
      case TASK_GROUP:
        return Optional.empty();
    }
    throw new AssertionError(kind);
  }

  /**
   * {@code task:group} is the only subject with many values per instance: one per group of its
   * tasks.
   */
  boolean multiValued() {
    return kind == Kind.TASK_GROUP;
  }

  /**
   * The instance's values for this subject: none when it has no such value (a missing attribute).
   */
  List<String> values(InstanceSnapshot instance) {
    switch (kind) {
      case AGENT_CONNECTED:
        return List.of(String.valueOf(instance.agentConnected()));
      case AGENT_VERSION:
        return present(instance.agentVersion());
      case ATTRIBUTE:
        return instance.attribute(attributeName).map(List::of).orElse(List.of());
      case EC2_INSTANCE_ID:
        return present(instance.ec2InstanceId());
      case REGISTERED_AT:
        return List.of(instance.registeredAt().toString());
      case RUNNING_TASKS_COUNT:
        return List.of(String.valueOf(instance.runningTasksCount()));
      case TASK_GROUP:
        return instance.tasksByGroup().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey())
            .sorted()
            .toList();
    }
    throw new AssertionError(kind);
  }

  /** Equality as {@code ==} and {@code in} see it. */
  boolean same(String value, String argument) {
    switch (kind) {
      case AGENT_CONNECTED:
        return value.equalsIgnoreCase(argument);
      case AGENT_VERSION:
      case REGISTERED_AT:
      case RUNNING_TASKS_COUNT:
        return order(value, argument) == 0;
      case ATTRIBUTE:
      case EC2_INSTANCE_ID:
      case TASK_GROUP:
        return value.equals(argument);
    }
    throw new AssertionError(kind);
  }

  /** Ordering as {@code <}, {@code >=} … see it: negative when the instance's value comes first. */
  int order(String value, String argument) {
    switch (kind) {
      case AGENT_VERSION:
        return compareVersions(value, argument);
      case REGISTERED_AT:
        return RegisteredAt.parse(argument).orElseThrow().compareWith(Instant.parse(value));
      case RUNNING_TASKS_COUNT:
        return Long.compare(Long.parseLong(value), Long.parseLong(argument));
      case ATTRIBUTE:
        return compareAttributes(value, argument);
      case AGENT_CONNECTED:
      case EC2_INSTANCE_ID:
      case TASK_GROUP:
        return value.compareTo(argument);
    }
    throw new AssertionError(kind);
  }

  @Override
  public String toString() {
    return kind == Kind.ATTRIBUTE ? kind.text + attributeName : kind.text;
  }

  private static List<String> present(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value);
  }

  /** Attribute values are strings; when both sides are numbers they compare as numbers (9 < 10). */
  private static int compareAttributes(String value, String argument) {
    Optional<BigDecimal> a = number(value);
    Optional<BigDecimal> b = number(argument);
    if (a.isPresent() && b.isPresent()) return a.get().compareTo(b.get());
    return value.compareTo(argument);
  }

  private static Optional<BigDecimal> number(String text) {
    try {
      return Optional.of(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Dotted versions compare part by part as numbers (1.9.0 < 1.14.5); a missing part counts as 0.
   */
  static int compareVersions(String value, String argument) {
    String[] a = value.split("\\.");
    String[] b = argument.split("\\.");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int c = Long.compare(leadingNumber(a, i), leadingNumber(b, i));
      if (c != 0) return c;
    }
    return 0;
  }

  /** The number a version part starts with, so an agent's "1.14.5-dev" still compares. */
  private static long leadingNumber(String[] parts, int i) {
    if (i >= parts.length) return 0;
    String part = parts[i];
    int end = 0;
    while (end < part.length() && end < 18 && Character.isDigit(part.charAt(end))) end++;
    return end == 0 ? 0 : Long.parseLong(part.substring(0, end));
  }

  /**
   * A registeredAt argument: a whole day, or a moment. ECS lists 2018-06-18T22:28:28+00:00,
   * 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 (read as UTC) and 2018-06-18. A day compares with the
   * day the instance registered (UTC), so {@code registeredAt == 2018-06-18} means "registered that
   * day" and {@code registeredAt < 2018-02-13} "before February 13".
   */
  private sealed interface RegisteredAt {

    /** Negative when the instance registered before this argument. */
    int compareWith(Instant registeredAt);

    record Day(LocalDate date) implements RegisteredAt {
      @Override
      public int compareWith(Instant registeredAt) {
        return LocalDate.ofInstant(registeredAt, ZoneOffset.UTC).compareTo(date);
      }
    }

    record Moment(Instant instant) implements RegisteredAt {
      @Override
      public int compareWith(Instant registeredAt) {
        return registeredAt.compareTo(instant);
      }
    }

    static Optional<RegisteredAt> parse(String text) {
      String upper = text.toUpperCase(Locale.ROOT);
      try {
        if (!upper.contains("T")) return Optional.of(new Day(LocalDate.parse(upper)));
        if (upper.endsWith("Z") || upper.matches(".*[+-]\\d{2}:\\d{2}$")) {
          return Optional.of(new Moment(OffsetDateTime.parse(upper).toInstant()));
        }
        return Optional.of(new Moment(LocalDateTime.parse(upper).toInstant(ZoneOffset.UTC)));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }
}
