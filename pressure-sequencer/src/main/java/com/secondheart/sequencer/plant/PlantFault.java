package com.secondheart.sequencer.plant;

public enum PlantFault {
    /** The bladder loses air: a holding zone needs constant top-ups. */
    LEAK,
    /** The hose is off: the zone is open to the air and cannot build pressure. */
    HOSE_DISCONNECT,
    /** The inlet valve stays open whatever it is told: the zone fills whenever the pump runs. */
    VALVE_STUCK_OPEN,
    /** The inlet valve stays closed: the zone cannot fill. */
    VALVE_STUCK_CLOSED,
    /** The sensor keeps returning its last reading. */
    SENSOR_STUCK,
    /** The sensor's offset creeps upward, so it reads higher than the bladder is. */
    SENSOR_DRIFT,
    /** The pump runs but delivers no air; unit-wide, leg and zone are ignored. */
    PUMP_FAILURE
}
