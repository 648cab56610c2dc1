package com.secondheart.dashboard.outcomes.service;

import java.util.List;

/**
 * A clinic's swelling outcomes over time, one series per program and measure: each point is one clinic-local day with
 * the number of outcomes behind it ({@code n}), the median percent change and its quartiles. {@code available} is
 * false when telemetry-service could not be asked; {@code notes} are telemetry's own remarks.
 */
public record OutcomeSeries(String clinicId, String from, String to, boolean available, List<String> notes,
                            List<Series> series) {

    public record Series(String program, String measure, List<Point> points) {
    }

    public record Point(String day, long sessions, long n, Double median, Double q1, Double q3, Double shareMeaningful) {
    }
}
