package com.secondheart.dashboard.overview.service;

import java.util.List;
import java.util.Objects;

/** What one source gave: its rows, or nothing because it could not be read (and why, for the log). */
record Fetched<T>(boolean answered, List<T> rows, String problem) {

    static <T> Fetched<T> ok(List<T> rows) {
        return new Fetched<>(true, rows == null ? List.of() : rows.stream().filter(Objects::nonNull).toList(), null);
    }

    static <T> Fetched<T> unavailable(String problem) {
        return new Fetched<>(false, List.of(), problem);
    }
}
