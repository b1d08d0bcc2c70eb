package io.harbormaster.scheduler.query;

import io.harbormaster.scheduler.InstanceSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The syntax tree of a cluster query language expression; every node can test an instance. */
public sealed interface Expression {

  boolean matches(InstanceSnapshot instance);

  record Or(Expression left, Expression right) implements Expression {
    @Override
    public boolean matches(InstanceSnapshot instance) {
      return left.matches(instance) || right.matches(instance);
    }
  }

  record And(Expression left, Expression right) implements Expression {
    @Override
    public boolean matches(InstanceSnapshot instance) {
      return left.matches(instance) && right.matches(instance);
    }
  }

  record Not(Expression operand) implements Expression {
    @Override
    public boolean matches(InstanceSnapshot instance) {
      return !operand.matches(instance);
    }
  }

  /**
   * {@code subject operator [argument]}. The parser has checked that the operator suits the subject
   * and that the arguments fit it, and compiled the pattern of {@code =~} and {@code !~} (Java
   * regular expressions that must match the whole value, so {@code t2.*} selects t2.micro but not
   * xt2.micro).
   *
   * <p>An instance without a value for the subject (a missing attribute) matches only {@code
   * !exists}: ECS's {@code attribute:stack != prod} lists "the instances with the custom attribute
   * stack unless the value is prod". {@code task:group} is the exception: it has one value per
   * group of the instance's tasks, and its negative operators mean "no group matches", so {@code
   * task:group != database} also selects an empty instance, exactly as {@code not(task:group ==
   * database)} does.
   */
  record Comparison(
      Subject subject, Operator operator, List<String> arguments, Optional<Pattern> pattern)
      implements Expression {

    public Comparison {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(operator, "operator");
      arguments = List.copyOf(arguments);
      Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public boolean matches(InstanceSnapshot instance) {
      List<String> values = subject.values(instance);
      switch (operator) {
        case EXISTS:
          return !values.isEmpty();
        case NOT_EXISTS:
          return values.isEmpty();
        case EQUALS:
          return any(values, this::equalsArgument);
        case NOT_EQUALS:
          return none(values, this::equalsArgument);
        case GREATER_THAN:
          return any(values, v -> subject.order(v, argument()) > 0);
        case GREATER_THAN_EQUAL:
          return any(values, v -> subject.order(v, argument()) >= 0);
        case LESS_THAN:
          return any(values, v -> subject.order(v, argument()) < 0);
        case LESS_THAN_EQUAL:
          return any(values, v -> subject.order(v, argument()) <= 0);
        case IN:
          return any(values, this::inArguments);
        case NOT_IN:
          return none(values, this::inArguments);
        case MATCHES:
          return any(values, this::matchesPattern);
        case NOT_MATCHES:
          return none(values, this::matchesPattern);
      }
      throw new AssertionError(operator);
    }

    private String argument() {
      return arguments.get(0);
    }

    private boolean equalsArgument(String value) {
      return subject.same(value, argument());
    }

    private boolean inArguments(String value) {
      return arguments.stream().anyMatch(argument -> subject.same(value, argument));
    }

    private boolean matchesPattern(String value) {
      return pattern.orElseThrow().matcher(value).matches();
    }

    private static boolean any(List<String> values, Predicate<String> test) {
      return values.stream().anyMatch(test);
    }

    /** The negative operators: some value, and none of them passes the positive test. */
    private boolean none(List<String> values, Predicate<String> test) {
      return (subject.multiValued() || !values.isEmpty()) && values.stream().noneMatch(test);
    }
  }
}
