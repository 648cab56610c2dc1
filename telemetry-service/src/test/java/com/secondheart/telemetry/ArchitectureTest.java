package com.secondheart.telemetry;

import com.secondheart.testsupport.ModuleArchitectureTest;

/** docs/conventions.md, "Features depend one way", for telemetry-service. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("com.secondheart.telemetry");
    }
}
