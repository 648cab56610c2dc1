package com.secondheart.booking.testing;

import java.util.UUID;

/** Ids of their own for each test, so that tests never see each other's clinics and resources. */
public final class Ids {

    private Ids() {
    }

    public static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
