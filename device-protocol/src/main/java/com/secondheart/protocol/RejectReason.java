package com.secondheart.protocol;

/** Why a payload was refused; the names are metric label values, so keep them few and stable. */
public enum RejectReason {
    TOO_LARGE("too_large"),
    MALFORMED_JSON("malformed_json"),
    UNSUPPORTED_VERSION("unsupported_version"),
    INVALID_FIELD("invalid_field"),
    UNKNOWN_TYPE("unknown_type"),
    TOPIC_MISMATCH("topic_mismatch"),
    UNKNOWN_UNIT("unknown_unit"),
    DECOMMISSIONED_UNIT("decommissioned_unit"),
    /** Valid by the contract, but the database refused its content (SQLSTATE class 22 or 23, e.g. a NUL character). */
    REFUSED_BY_DATABASE("refused_by_database");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
