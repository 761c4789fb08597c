package io.driftguard.layout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine module's dependencies point one way (docs/layout.md): no two packages depend on each other, however
 * indirectly, and the adapters to the outside (ARM, Table storage, the storage queue, Logs Ingestion) take plain
 * values, never the settings: only the wiring in {@code config} knows where values come from.
 */
class DependencyRulesTest {

  private static final JavaClasses ENGINE_MODULE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.driftguard");

  @Test
  void noPackageCycles() {
    slices().matching("io.driftguard.(*)..").should().beFreeOfCycles().check(ENGINE_MODULE);
  }

  @Test
  void adaptersNeverReadTheSettings() {
    noClasses().that().resideInAnyPackage("io.driftguard.state..", "io.driftguard.record..", "io.driftguard.fanout..",
            "io.driftguard.alert..")
        .should().dependOnClassesThat().resideInAPackage("io.driftguard.config..")
        .because("adapters take plain values, so that they can be built and tested without the settings")
        .check(ENGINE_MODULE);
  }
}
