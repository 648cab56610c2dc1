package com.secondheart.sequencer;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * pressure-sequencer holds the real-time control logic in plain Java (docs/conventions.md): no framework reaches into it, and its packages depend one
 * way. (test-support's ArchitectureRules comes later in the build than this module, so the two rules are spelled
 * out here.)
 */
class PlainJavaArchitectureTest {

    private static final String ROOT = "com.secondheart.sequencer";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    @Test
    void noClassDependsOnQuarkusCdiVertxOrHibernate() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.smallrye..", "io.vertx..",
                        "jakarta.enterprise..", "jakarta.inject..", "jakarta.ws..", "jakarta.persistence..",
                        "org.hibernate..", "org.eclipse.microprofile..")
                .check(CLASSES);
    }

    @Test
    void noPackageIsPartOfACycle() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
