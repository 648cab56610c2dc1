package com.secondheart.telemetry.aggregates.service;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Aggregates over a date range (clinic-local days, both ends included), one row per group ({@code groupBy}), or a
 * single row {@code "all"}. Rates are shares of finished sessions; utilization is run minutes over the opening
 * minutes of every unit that ran sessions at the clinic in the range; outcome distributions are of the percent
 * change (volume for CIRCUMFERENCES, length for FIGURE_OF_EIGHT).
 */
public record AggregateView(
        LocalDate from,
        LocalDate to,
        String groupBy,
        Map<String, String> filters,
        /* "all": every clinic; "caller": only the clinics in the caller's token */
        String clinicScope,
        List<ClinicZone> clinics,
        List<String> notes,
        List<Row> rows) {

    public record ClinicZone(String clinicId, String timeZone, boolean calendarKnown) {
    }

    public record Row(String key, long sessions, long completed, long aborted, long faulted, long running,
                      double runMinutes, Double openingUnitMinutes, Double utilization, Double completionRate,
                      Double faultRate, Map<String, Distribution> outcomes) {
    }

    public record Distribution(long n, Double mean, Double median, Double q1, Double q3, Double iqr,
                               Double shareMeaningful) {
    }
}
