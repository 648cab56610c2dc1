package com.secondheart.support.problem;

/**
 * The one rule for {@code page} and {@code size} query parameters in every service: a page number near 2^31 times
 * a page size overflows the offset into a negative number, which the database refuses (a 500 before this rule).
 */
public final class Paging {

    /** The highest page number any listing accepts; with the largest page sizes the offset stays far below 2^31. */
    public static final int MAX_PAGE = 100_000;

    private Paging() {
    }

    /** Throws a 400 problem unless {@code 0 <= page <= MAX_PAGE} and {@code 1 <= size <= maxSize}. */
    public static void check(int page, int size, int maxSize) {
        if (page < 0 || page > MAX_PAGE) {
            throw ProblemException.badRequest("page must be between 0 and " + MAX_PAGE + ", was " + page + ".");
        }
        if (size < 1 || size > maxSize) {
            throw ProblemException.badRequest("size must be between 1 and " + maxSize + ", was " + size + ".");
        }
    }

    /** The offset of a checked page: {@code page * size}, without overflow. */
    public static int offset(int page, int size) {
        return Math.toIntExact((long) page * size);
    }
}
