package io.harbormaster.scheduler.query;

import static io.harbormaster.scheduler.Instances.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.scheduler.InstanceSnapshot;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterQueryLanguageTest {

  /**
   * Three instances that differ in every subject; each table row says which of them an expression
   * selects.
   */
  private static final InstanceSnapshot A =
      instance("a")
          .ec2InstanceId("i-abcd1234")
          .agentConnected(true)
          .agentVersion("1.14.5")
          .registeredAt("2018-06-18T22:28:28Z")
          .zone("us-east-1a")
          .attribute(InstanceSnapshot.INSTANCE_TYPE, "t2.small")
          .attribute("stack", "prod")
          .attribute("slots", "10")
          .attribute("note", "hello world")
          .attribute("ecs.capability.task-eni", "")
          .tasks("service:production", 1)
          .build();

  private static final InstanceSnapshot B =
      instance("b")
          .ec2InstanceId("i-wxyx7890")
          .agentConnected(false)
          .agentVersion("1.9.0")
          .registeredAt("2017-01-01T00:00:00Z")
          .zone("us-east-1d")
          .attribute(InstanceSnapshot.INSTANCE_TYPE, "g2.2xlarge")
          .attribute("stack", "dev")
          .attribute("slots", "9")
          .tasks("database", 2)
          .build();

  private static final InstanceSnapshot C =
      instance("c")
          .ec2InstanceId("i-0000cccc")
          .agentConnected(true)
          .agentVersion("1.20.0")
          .registeredAt("2018-06-19T08:00:00Z")
          .zone("us-east-1b")
          .attribute(InstanceSnapshot.INSTANCE_TYPE, "t2.medium")
          .build();

  /** The instances (of A, B, C) the expression selects, e.g. "AC"; "-" for none. */
  private static String selected(String expression) {
    ClusterQuery query = ClusterQueryLanguage.parse(expression);
    String names =
        (query.matches(A) ? "A" : "")
            + (query.matches(B) ? "B" : "")
            + (query.matches(C) ? "C" : "");
    return names.isEmpty() ? "-" : names;
  }

  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(
      delimiterString = " => ",
      textBlock =
          """
          # The examples of the ECS Developer Guide
          attribute:ecs.instance-type == t2.small                                               => A
          attribute:ecs.availability-zone in [us-east-1a, us-east-1b]                           => AC
          attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d => -
          attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d => AC
          task:group == service:production                                                      => A
          not(task:group == database)                                                           => AC
          runningTasksCount == 1                                                                => A
          agentVersion < 1.14.5                                                                 => B
          registeredAt < 2018-02-13                                                             => B
          ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']                                         => AB
          attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a => A
          attribute:stack == prod                                                               => A
          attribute:stack != prod                                                               => B
          attribute:ecs.instance-type in [t2.small, t2.medium]                                  => AC
          # agentConnected: ==, !=, in, !in, =~, !~
          agentConnected == true                                                                => AC
          agentConnected != true                                                                => B
          agentConnected == FALSE                                                               => B
          agentConnected in [false]                                                             => B
          agentConnected !in [true]                                                             => B
          agentConnected =~ t.*                                                                 => AC
          agentConnected !~ t.*                                                                 => B
          # agentVersion: ==, !=, >, >=, <, <= compare as versions (1.9 < 1.14)
          agentVersion == 1.14.5                                                                => A
          agentVersion == 1.14.5.0                                                              => A
          agentVersion != 1.14.5                                                                => BC
          agentVersion > 1.14.5                                                                 => C
          agentVersion >= 1.14.5                                                                => AC
          agentVersion <= 1.14.5                                                                => AB
          agentVersion > 1.9                                                                    => AC
          # attribute: every operator; numbers compare as numbers, a missing attribute matches only !exists
          attribute:stack exists                                                                => AB
          attribute:stack !exists                                                               => C
          attribute:stack not_exists                                                            => C
          attribute:ecs.capability.task-eni exists                                              => A
          attribute:slots > 9                                                                   => A
          attribute:slots >= 9                                                                  => AB
          attribute:slots < 10                                                                  => B
          attribute:slots <= 10                                                                 => AB
          attribute:stack > dev                                                                 => A
          attribute:stack in [dev, qa]                                                          => B
          attribute:stack !in [prod]                                                            => B
          attribute:stack =~ pr.*                                                               => A
          attribute:stack !~ pr.*                                                               => B
          attribute:ecs.instance-type == t2.*                                                   => -
          attribute:note == 'hello world'                                                       => A
          attribute:stack == "prod"                                                             => A
          # ec2InstanceId: ==, !=, in, !in, =~, !~ (patterns match the whole value)
          ec2InstanceId == i-abcd1234                                                           => A
          ec2InstanceId != i-abcd1234                                                           => BC
          ec2InstanceId !in [i-abcd1234]                                                        => BC
          ec2InstanceId =~ 'i-(abcd|0000).*'                                                    => AC
          ec2InstanceId =~ abcd                                                                 => -
          ec2InstanceId !~ i-w.*                                                                => AC
          # registeredAt: a day compares with the day of registration, a moment with the moment
          registeredAt == 2018-06-18                                                            => A
          registeredAt != 2018-06-18                                                            => BC
          registeredAt > 2018-06-18                                                             => C
          registeredAt >= 2018-06-18                                                            => AC
          registeredAt <= 2018-06-18                                                            => AB
          registeredAt < 2018-06-18T22:28:28Z                                                   => B
          registeredAt == 2018-06-18T22:28:28+00:00                                             => A
          registeredAt >= 2018-06-18T22:28:28                                                   => AC
          registeredAt > 2018-06-18T23:00:00+02:00                                              => AC
          # runningTasksCount: ==, !=, >, >=, <, <=
          runningTasksCount == 0                                                                => C
          runningTasksCount != 0                                                                => AB
          runningTasksCount > 1                                                                 => B
          runningTasksCount >= 1                                                                => AB
          runningTasksCount < 2                                                                 => AC
          runningTasksCount <= 2                                                                => ABC
          # task:group: one value per group of the instance's tasks; negations mean "no group matches"
          task:group == database                                                                => B
          task:group != database                                                                => AC
          task:group in [database, service:production]                                          => AB
          task:group !in [database]                                                             => AC
          task:group =~ service:.*                                                              => A
          task:group !~ service:.*                                                              => BC
          task:group exists                                                                     => AB
          task:group !exists                                                                    => C
          # operator words, in any case
          attribute:ecs.instance-type equals t2.small                                           => A
          attribute:ecs.instance-type EQUALS t2.small                                           => A
          attribute:stack not_equals prod                                                       => B
          attribute:slots greater_than 9                                                        => A
          attribute:slots greater_than_equal 9                                                  => AB
          attribute:slots less_than 10                                                          => B
          attribute:slots less_than_equal 10                                                    => AB
          attribute:stack not_in [prod]                                                         => B
          attribute:stack matches pr.*                                                          => A
          attribute:stack not_matches pr.*                                                      => B
          # and/or/not and their symbols; not binds tighter than and, and tighter than or
          agentConnected == true && runningTasksCount == 0                                      => C
          runningTasksCount == 1 || runningTasksCount == 2                                      => AB
          !(runningTasksCount == 0)                                                             => AB
          ! runningTasksCount == 0                                                              => AB
          runningTasksCount == 0 or runningTasksCount == 1 and agentConnected == false          => C
          (runningTasksCount == 0 or runningTasksCount == 1) and agentConnected == false        => -
          not runningTasksCount == 0 and agentConnected == true                                 => A
          not (runningTasksCount == 0 and agentConnected == true)                               => AB
          runningTasksCount == 2 OR NOT agentConnected == true                                  => B
          ((attribute:stack == prod))                                                           => A
          runningTasksCount==1&&agentConnected==true                                            => A
          attribute:stack == prod or attribute:stack == dev and runningTasksCount == 0          => A
          """)
  void selects(String expression, String expected) {
    assertEquals(expected, selected(expression));
  }

  @ParameterizedTest(name = "{0} fails at {1}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      textBlock =
          """
          ""                                            => 0  => the expression is empty
          "   "                                         => 0  => the expression is empty
          foo == bar                                    => 0  => unknown subject 'foo'
          runningTasksCount                             => 17 => expected an operator after 'runningTasksCount'
          runningTasksCount ==                          => 20 => expected a value after '=='
          runningTasksCount == abc                      => 21 => runningTasksCount needs a whole number
          runningTasksCount is 1                        => 18 => expected an operator
          agentVersion =~ 1.*                           => 13 => operator '=~' cannot be used with agentVersion
          agentConnected > true                         => 15 => operator '>' cannot be used with agentConnected
          agentConnected exists                         => 15 => cannot be used with agentConnected
          task:group > a                                => 11 => cannot be used with task:group
          agentConnected == yes                         => 18 => agentConnected is true or false
          registeredAt < yesterday                      => 15 => registeredAt needs a date
          registeredAt < 2018-13-45                     => 15 => registeredAt needs a date
          agentVersion < v1                             => 15 => agentVersion needs a version
          attribute:ecs.instance-type =~ '[t2'          => 31 => invalid regular expression
          attribute:x in a                              => 15 => expected '[' to start the argument list of 'in'
          attribute:x in (a, b)                         => 15 => expected '['
          attribute:x in []                             => 16 => expected a value in the argument list
          attribute:x in [a b]                          => 18 => expected ',' or ']'
          attribute:x in [a,                            => 18 => expected a value after ','
          (runningTasksCount == 1                       => 23 => expected ')' to close the '(' at position 0
          runningTasksCount == 1)                       => 22 => expected 'and', 'or' or the end
          runningTasksCount == 1 runningTasksCount == 2 => 23 => expected 'and', 'or' or the end
          runningTasksCount == 1 and                    => 26 => expected a subject
          not                                           => 3  => expected a subject
          == x                                          => 0  => expected a subject
          attribute: exists                             => 0  => attribute: needs a name
          attribute:b$d exists                          => 0  => invalid attribute name 'b$d'
          attribute:x = y                               => 12 => expected '==' or '=~'
          attribute:x ~ y                               => 12 => '~' must follow '=' or '!'
          attribute:x == 'open                          => 15 => unterminated quoted value
          attribute:x == y & attribute:z exists         => 17 => expected '&&'
          attribute:x == y | attribute:z exists         => 17 => expected '||'
          """)
  void rejects(String expression, int position, String message) {
    QueryLanguageException e =
        assertThrows(QueryLanguageException.class, () -> ClusterQueryLanguage.parse(expression));
    assertEquals(position, e.position(), e.getMessage());
    assertTrue(
        e.detail().contains(message),
        () -> "'" + e.detail() + "' should contain '" + message + "'");
    assertTrue(e.getMessage().contains("at position " + position), e.getMessage());
    assertEquals(expression, e.expression());
  }

  @Test
  void nullIsEmpty() {
    QueryLanguageException e =
        assertThrows(QueryLanguageException.class, () -> ClusterQueryLanguage.parse(null));
    assertEquals(0, e.position());
  }

  @Test
  void expressionsOverTheApiLimitAreRejected() {
    String tooLong = "attribute:x == " + "a".repeat(ClusterQueryLanguage.MAX_LENGTH);
    QueryLanguageException e =
        assertThrows(QueryLanguageException.class, () -> ClusterQueryLanguage.parse(tooLong));
    assertEquals(ClusterQueryLanguage.MAX_LENGTH, e.position());
  }

  @Test
  void theMessageNamesTheValidOperators() {
    QueryLanguageException e =
        assertThrows(
            QueryLanguageException.class,
            () -> ClusterQueryLanguage.parse("runningTasksCount =~ 1"));
    assertTrue(e.detail().endsWith("use one of ==, !=, >, >=, <, <="), e.detail());
  }

  @Nested
  class Structure {

    @Test
    void andBindsTighterThanOr() {
      Expression root =
          ClusterQueryLanguage.parse(
                  "agentConnected == true or runningTasksCount == 0 and "
                      + "runningTasksCount == 1")
              .root();
      Expression.Or or = assertInstanceOf(Expression.Or.class, root);
      assertInstanceOf(Expression.Comparison.class, or.left());
      assertInstanceOf(Expression.And.class, or.right());
    }

    @Test
    void notBindsTighterThanAnd() {
      Expression root =
          ClusterQueryLanguage.parse("not agentConnected == true and runningTasksCount == 0")
              .root();
      Expression.And and = assertInstanceOf(Expression.And.class, root);
      assertInstanceOf(Expression.Not.class, and.left());
    }

    @Test
    void parenthesesOverridePrecedence() {
      Expression root =
          ClusterQueryLanguage.parse(
                  "(agentConnected == true or runningTasksCount == 0) and "
                      + "runningTasksCount == 1")
              .root();
      Expression.And and = assertInstanceOf(Expression.And.class, root);
      assertInstanceOf(Expression.Or.class, and.left());
    }

    @Test
    void operatorsAreLeftAssociative() {
      Expression root =
          ClusterQueryLanguage.parse(
                  "runningTasksCount == 0 or runningTasksCount == 1 or " + "runningTasksCount == 2")
              .root();
      Expression.Or outer = assertInstanceOf(Expression.Or.class, root);
      assertInstanceOf(Expression.Or.class, outer.left());
    }

    @Test
    void argumentsAreKeptWithoutQuotes() {
      Expression.Comparison comparison =
          assertInstanceOf(
              Expression.Comparison.class,
              ClusterQueryLanguage.parse(
                      "ec2InstanceId in ['i-abcd1234', \"i-wxyx7890\", i-0000cccc]")
                  .root());
      assertEquals(Operator.IN, comparison.operator());
      assertEquals(List.of("i-abcd1234", "i-wxyx7890", "i-0000cccc"), comparison.arguments());
    }
  }

  /**
   * Every subject is exercised with every operator the guide allows for it, and refused the others.
   */
  static Stream<Arguments> subjectsAndOperators() {
    return Stream.of(
        Arguments.of(
            "agentConnected",
            "true",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.IN,
                Operator.NOT_IN,
                Operator.MATCHES,
                Operator.NOT_MATCHES)),
        Arguments.of(
            "ec2InstanceId",
            "i-1",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.IN,
                Operator.NOT_IN,
                Operator.MATCHES,
                Operator.NOT_MATCHES)),
        Arguments.of(
            "agentVersion",
            "1.2.3",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.GREATER_THAN,
                Operator.GREATER_THAN_EQUAL,
                Operator.LESS_THAN,
                Operator.LESS_THAN_EQUAL)),
        Arguments.of(
            "registeredAt",
            "2018-06-18",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.GREATER_THAN,
                Operator.GREATER_THAN_EQUAL,
                Operator.LESS_THAN,
                Operator.LESS_THAN_EQUAL)),
        Arguments.of(
            "runningTasksCount",
            "3",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.GREATER_THAN,
                Operator.GREATER_THAN_EQUAL,
                Operator.LESS_THAN,
                Operator.LESS_THAN_EQUAL)),
        Arguments.of("attribute:stack", "prod", EnumSet.allOf(Operator.class)),
        Arguments.of(
            "task:group",
            "service:web",
            EnumSet.of(
                Operator.EQUALS,
                Operator.NOT_EQUALS,
                Operator.IN,
                Operator.NOT_IN,
                Operator.MATCHES,
                Operator.NOT_MATCHES,
                Operator.EXISTS,
                Operator.NOT_EXISTS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjectsAndOperators")
  void eachSubjectTakesExactlyItsOperators(String subject, String value, Set<Operator> allowed) {
    for (Operator operator : Operator.values()) {
      String argument =
          switch (operator.arity()) {
            case NONE -> "";
            case ONE -> " " + value;
            case LIST -> " [" + value + "]";
          };
      String expression = subject + " " + operator.symbol() + argument;
      if (allowed.contains(operator)) {
        ClusterQuery query = ClusterQueryLanguage.parse(expression);
        for (InstanceSnapshot instance : List.of(A, B, C)) query.matches(instance);
      } else {
        QueryLanguageException e =
            assertThrows(
                QueryLanguageException.class,
                () -> ClusterQueryLanguage.parse(expression),
                expression);
        assertEquals(subject.length() + 1, e.position(), e.getMessage());
      }
    }
    assertEquals(
        allowed,
        Subject.parse(subject).orElseThrow().operators(),
        () -> allowed.stream().map(Operator::symbol).collect(Collectors.joining(", ")));
  }

  @Test
  void versionsCompareByNumberPerPart() {
    assertTrue(Subject.compareVersions("1.9.0", "1.14.5") < 0);
    assertTrue(Subject.compareVersions("1.14.5-dev", "1.14.5") == 0);
    assertTrue(Subject.compareVersions("2", "1.99.99") > 0);
  }
}
