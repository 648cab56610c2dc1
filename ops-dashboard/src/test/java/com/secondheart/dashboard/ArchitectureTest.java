package com.secondheart.dashboard;

import com.secondheart.testsupport.ModuleArchitectureTest;

/** docs/conventions.md, "Features depend one way", for ops-dashboard. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("com.secondheart.dashboard");
    }
}
