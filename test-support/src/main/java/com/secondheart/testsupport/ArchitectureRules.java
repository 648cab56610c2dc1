package com.secondheart.testsupport;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rules of docs/conventions.md ("Features depend one way"), checked by each module's
 * {@code ArchitectureTest} on its own production classes. No frozen baseline, no ignored package: a new cycle fails
 * the build of the module that made it.
 */
public final class ArchitectureRules {

    private ArchitectureRules() {
    }

    /** A module's own production classes under {@code rootPackage} (no tests, nothing from jars). */
    public static JavaClasses productionClasses(String rootPackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
    }

    /** The features (the packages right under the root: {@code booking.clients}, ...) form no cycle. */
    public static ArchRule featuresDependOneWay(String rootPackage) {
        return slices().matching(rootPackage + ".(*)..").namingSlices("feature '$1'")
                .should().beFreeOfCycles().allowEmptyShould(false);
    }

    /** No package at all (layers inside a feature included: rest, service, repository, model) is part of a cycle. */
    public static ArchRule packagesDependOneWay(String rootPackage) {
        return slices().matching(rootPackage + ".(**)").namingSlices("package '$1'")
                .should().beFreeOfCycles().allowEmptyShould(false);
    }
}
