package com.secondheart.booking.audit.service;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint method whose successful answer is written to the audit trail ({@link AuditFilter}): a read that
 * returns a client's personal fields, or a change by a person. The client and clinic come from the path parameters
 * {@code clientId} and {@code clinicId}, else from the answer's own {@code clientId} and {@code clinicId}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /** What happened, such as CLIENT_READ or BOOKING_CANCEL (docs/security.md, "Personal data"). */
    String value();
}
