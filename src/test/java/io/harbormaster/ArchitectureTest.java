package io.harbormaster;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.harbormaster.auth.SigV4Signer;
import io.harbormaster.common.CborSerializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down: from {@code api/} (and the node and command line that wire everything)
 * to the domain, never back, with no cycles between packages. The agent's wire protocol is the
 * bottom layer both sides of a session stand on, and the agent process knows nothing else of the
 * control plane.
 */
class ArchitectureTest {
  private static final String[] DOMAIN = {
    "io.harbormaster.account..",
    "io.harbormaster.cluster..",
    "io.harbormaster.taskdefinition..",
    "io.harbormaster.instance..",
    "io.harbormaster.task..",
    "io.harbormaster.service..",
    "io.harbormaster.placement..",
    "io.harbormaster.scheduler..",
    "io.harbormaster.events..",
    "io.harbormaster.views.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.harbormaster");
  }

  @Test
  void theDomainDoesNotKnowTheApi() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.harbormaster.api..", "io.harbormaster.server..")
        .because(
            "the API, its wire formats and errors are built on the domain, not the other way round")
        .check(classes);
  }

  @Test
  void theSchedulerIsPureJava() {
    noClasses()
        .that()
        .resideInAPackage("io.harbormaster.scheduler..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.pekko..", "com.datastax..")
        .because("placement decisions are pure functions of a snapshot, tested without actors")
        .check(classes);
  }

  @Test
  void theAgentProtocolStandsOnNothingOfOurs() {
    classes()
        .that()
        .resideInAPackage("io.harbormaster.protocol..")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage("io.harbormaster.protocol..", "java..", "com.fasterxml.jackson..")
                .or(belongToAnyOf(CborSerializable.class)))
        .because(
            "agents and control planes of different builds speak it: it changes only when the wire"
                + " does, not when an entity or the API does")
        .check(classes);
  }

  @Test
  void theAgentProcessKnowsOnlyTheProtocolOfTheControlPlane() {
    noClasses()
        .that()
        .resideInAPackage("io.harbormaster.agent..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.harbormaster..")
                .and(
                    not(
                        resideInAnyPackage(
                            "io.harbormaster.agent..", "io.harbormaster.protocol..")))
                .and(not(belongToAnyOf(SigV4Signer.class))))
        .because(
            "an agent talks to the control plane only through its session protocol (and signs the"
                + " session's request)")
        .check(classes);
  }

  /**
   * No group of packages depends on each other (a strongly connected component of the package
   * graph; api is split into its sub-packages).
   */
  @Test
  void packagesHaveNoCycles() {
    Map<String, Set<String>> edges = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = slice(c.getPackageName());
      if (from == null) continue;
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String to = slice(d.getTargetClass().getPackageName());
        if (to != null && !to.equals(from))
          edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
      }
    }
    assertEquals(
        Set.of(),
        cycles(edges),
        "package cycles (each a group of packages that depend on each other)");
  }

  /** The package a class counts under: the first below io.harbormaster, or the second below api. */
  private static String slice(String packageName) {
    String root = "io.harbormaster.";
    if (!packageName.startsWith(root)) return null;
    String[] parts = packageName.substring(root.length()).split("\\.");
    return parts[0].equals("api") && parts.length > 1 ? "api." + parts[1] : parts[0];
  }

  /** Tarjan's strongly connected components of more than one package. */
  private static Set<Set<String>> cycles(Map<String, Set<String>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    Set<Set<String>> components = new HashSet<>();
    int[] counter = {0};
    for (String node : edges.keySet()) {
      if (!index.containsKey(node))
        connect(node, edges, index, low, stack, onStack, components, counter);
    }
    return components;
  }

  private static void connect(
      String node,
      Map<String, Set<String>> edges,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      Set<Set<String>> components,
      int[] counter) {
    index.put(node, counter[0]);
    low.put(node, counter[0]++);
    stack.push(node);
    onStack.add(node);
    for (String next : edges.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, edges, index, low, stack, onStack, components, counter);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) components.add(component);
    }
  }
}
