package com.secondheart.testsupport;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * docs/conventions.md, "Features depend one way", for one module: its {@code ArchitectureTest} extends this with its
 * root package, and inherits the two checks of {@link ArchitectureRules}.
 */
public abstract class ModuleArchitectureTest {

    private final String root;
    private final JavaClasses classes;

    protected ModuleArchitectureTest(String rootPackage) {
        this.root = rootPackage;
        this.classes = ArchitectureRules.productionClasses(rootPackage);
    }

    @Test
    void featuresDependOnEachOtherOneWayOnly() {
        ArchitectureRules.featuresDependOneWay(root).check(classes);
    }

    @Test
    void noPackageIsPartOfACycle() {
        ArchitectureRules.packagesDependOneWay(root).check(classes);
    }
}
