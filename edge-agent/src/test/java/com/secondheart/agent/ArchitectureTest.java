package com.secondheart.agent;

import com.secondheart.testsupport.ModuleArchitectureTest;

/** docs/conventions.md, "Features depend one way", for edge-agent. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("com.secondheart.agent");
    }
}
