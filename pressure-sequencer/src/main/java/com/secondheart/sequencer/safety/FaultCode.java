package com.secondheart.sequencer.safety;

public enum FaultCode {
    OVER_PRESSURE("a zone went above the hard cap"),
    PRESSURE_DEVIATION("a zone stayed too far from its set point"),
    INFLATION_TIMEOUT("a zone did not reach its target in time: leak, hose disconnected or pump failure"),
    LEAK("a holding zone needed topping up for too long: leak"),
    VALVE_FAULT("a zone's reading rose with its inlet closed: inlet valve stuck open, or the sensor drifting"),
    SENSOR_FAULT("a pressure sensor reading is implausible"),
    LOOP_OVERRUN("the control loop missed its deadline several ticks in a row"),
    INTERNAL_ERROR("the control software failed unexpectedly"),
    EMERGENCY_STOP("the emergency stop was pressed or commanded");

    private final String description;

    FaultCode(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
