package com.secondheart.protocol;

public final class SchemaVersion {

    /** The only schema version this code reads and writes; a payload with any other "v" is rejected. */
    public static final int CURRENT = 1;

    private SchemaVersion() {
    }
}
