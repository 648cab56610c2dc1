package com.secondheart.gateway;

import com.secondheart.testsupport.ModuleArchitectureTest;

/** docs/conventions.md, "Features depend one way", for device-gateway. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("com.secondheart.gateway");
    }
}
