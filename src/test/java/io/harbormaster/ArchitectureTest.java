package io.harbormaster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down: from {@code api/} (and the node and command line that wire everything) to the domain, never
 * back, with no cycles between packages. Violations that predate a rule are frozen in
 * {@code src/test/resources/archunit-store} (ArchUnit's FreezingArchRule): a new one fails the build, and a fixed one
 * leaves the store, so the list only shrinks.
 */
class ArchitectureTest {
  private static final String[] DOMAIN = {"io.harbormaster.account..", "io.harbormaster.cluster..",
      "io.harbormaster.taskdefinition..", "io.harbormaster.instance..", "io.harbormaster.task..",
      "io.harbormaster.service..", "io.harbormaster.placement..", "io.harbormaster.scheduler..",
      "io.harbormaster.events.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.harbormaster");
  }

  @Test
  void theDomainDoesNotKnowTheApi() {
    ArchRule rule = noClasses().that().resideInAnyPackage(DOMAIN)
        .should().dependOnClassesThat().resideInAnyPackage("io.harbormaster.api..", "io.harbormaster.server..")
        .because("the API, its wire formats and errors are built on the domain, not the other way round");
    FreezingArchRule.freeze(rule).check(classes);
  }

  @Test
  void theSchedulerIsPureJava() {
    noClasses().that().resideInAPackage("io.harbormaster.scheduler..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "com.datastax..")
        .because("placement decisions are pure functions of a snapshot, tested without actors")
        .check(classes);
  }

  @Test
  void theAgentProcessDoesNotKnowTheControlPlanesInside() {
    noClasses().that().resideInAPackage("io.harbormaster.agent..")
        .should().dependOnClassesThat().resideInAnyPackage("io.harbormaster.service..",
            "io.harbormaster.placement..", "io.harbormaster.scheduler..", "io.harbormaster.server..",
            "io.harbormaster.api.ecs..")
        .because("an agent talks to the control plane only through its session protocol")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    ArchRule rule = slices().matching("io.harbormaster.(*)..").should().beFreeOfCycles();
    FreezingArchRule.freeze(rule).check(classes);
  }
}
