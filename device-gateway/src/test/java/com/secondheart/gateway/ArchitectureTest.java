package com.secondheart.gateway;

import com.secondheart.testsupport.ArchitectureRules;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** docs/conventions.md, "Features depend one way", for device-gateway. */
class ArchitectureTest {

    private static final String ROOT = "com.secondheart.gateway";
    private static final JavaClasses CLASSES = ArchitectureRules.productionClasses(ROOT);

    @Test
    void featuresDependOnEachOtherOneWayOnly() {
        ArchitectureRules.featuresDependOneWay(ROOT).check(CLASSES);
    }

    @Test
    void noPackageIsPartOfACycle() {
        ArchitectureRules.packagesDependOneWay(ROOT).check(CLASSES);
    }
}
