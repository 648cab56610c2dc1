package com.secondheart.dashboard.overview.model;

/** Whether each upstream service answered this overview: {@code ok} or {@code unavailable}. */
public record Sources(String booking, String gateway, String telemetry) {

    public static final String OK = "ok";
    public static final String UNAVAILABLE = "unavailable";

    public static String of(boolean answered) {
        return answered ? OK : UNAVAILABLE;
    }
}
