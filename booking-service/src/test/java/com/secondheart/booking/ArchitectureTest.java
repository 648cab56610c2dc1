package com.secondheart.booking;

import com.secondheart.testsupport.ModuleArchitectureTest;

/** docs/conventions.md, "Features depend one way", for booking-service. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("com.secondheart.booking");
    }
}
