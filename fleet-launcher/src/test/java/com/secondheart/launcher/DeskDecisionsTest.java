package com.secondheart.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeskDecisionsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final List<String> UNITS = List.of("res-unit-hb-01", "res-unit-hb-02", "res-unit-hb-03");

    private static DeskDecisions.Booking booking(String resourceId, String status, Instant startsAt) {
        return new DeskDecisions.Booking("b-" + resourceId + "-" + startsAt, resourceId, status, startsAt);
    }

    @Test
    void aUnitWithAClientBookedAfterNowNeedsNobodyElseAndTheOthersGetTheirNextClient() {
        var bookings = List.of(
                booking("res-unit-hb-01", "BOOKED", NOW.plusSeconds(300)),
                booking("res-unit-hb-02", "IN_SESSION", NOW.minusSeconds(120)));

        assertEquals(List.of("res-unit-hb-02", "res-unit-hb-03"),
                DeskDecisions.resourcesWithoutNextBooking(UNITS, bookings, NOW));
    }

    @Test
    void cancelledNoShowAndCompletedBookingsDoNotHoldAUnitForItsNextClient() {
        var later = NOW.plusSeconds(600);
        var bookings = List.of(
                booking("res-unit-hb-01", "CANCELLED", later),
                booking("res-unit-hb-02", "NO_SHOW", later),
                booking("res-unit-hb-03", "COMPLETED", later));

        assertEquals(UNITS, DeskDecisions.resourcesWithoutNextBooking(UNITS, bookings, NOW));
    }

    @Test
    void theFirstFreeStartIsTheEarliestOfThatUnitWithinTheWindow() {
        var slots = List.of(
                new DeskDecisions.Slot(NOW.plusSeconds(60), List.of("res-unit-hb-01")),
                new DeskDecisions.Slot(NOW.plusSeconds(120), List.of("res-unit-hb-01", "res-unit-hb-02")),
                new DeskDecisions.Slot(NOW.plusSeconds(180), List.of("res-unit-hb-02")));

        assertEquals(Optional.of(NOW.plusSeconds(120)),
                DeskDecisions.firstFreeStart(slots, "res-unit-hb-02", NOW, NOW.plusSeconds(3600)));
        assertEquals(Optional.of(NOW.plusSeconds(120)),
                DeskDecisions.firstFreeStart(slots, "res-unit-hb-01", NOW.plusSeconds(90), NOW.plusSeconds(3600)));
        assertEquals(Optional.empty(),
                DeskDecisions.firstFreeStart(slots, "res-unit-hb-03", NOW, NOW.plusSeconds(3600)));
        assertEquals(Optional.empty(),
                DeskDecisions.firstFreeStart(slots, "res-unit-hb-02", NOW, NOW.plusSeconds(100)));
    }

    @Test
    void aClientIsCheckedInWhenTheBookedStartHasComeNotBefore() {
        var start = NOW.plusSeconds(10);
        var threeMinutes = Duration.ofMinutes(3);

        assertEquals(DeskDecisions.CheckIn.WAIT, DeskDecisions.checkIn(start, false, NOW, threeMinutes));
        assertEquals(DeskDecisions.CheckIn.NOW, DeskDecisions.checkIn(start, false, start, threeMinutes));
        assertEquals(DeskDecisions.CheckIn.NOW, DeskDecisions.checkIn(start, false, start.plusSeconds(170), threeMinutes));
        assertEquals(DeskDecisions.CheckIn.GIVE_UP, DeskDecisions.checkIn(start, false, start.plusSeconds(181), threeMinutes));
    }

    @Test
    void aPlannedNoShowIsNeverCheckedIn() {
        assertEquals(DeskDecisions.CheckIn.NEVER, DeskDecisions.checkIn(NOW, true, NOW.plusSeconds(30), Duration.ofMinutes(3)));
    }

    @Test
    void mostFreeUnitsGetTheNextFreeStartAndSomeWaitAFewMinutes() {
        assertEquals(Duration.ZERO, DeskDecisions.gapBeforeNextClient(0.0));
        assertEquals(Duration.ZERO, DeskDecisions.gapBeforeNextClient(0.59));
        assertEquals(Duration.ofMinutes(2), DeskDecisions.gapBeforeNextClient(0.6));
        assertEquals(Duration.ofMinutes(6), DeskDecisions.gapBeforeNextClient(0.99));
    }

    @Test
    void aboutOneClientInTenDoesNotComeAndAboutAThirdAreMeasured() {
        assertTrue(DeskDecisions.noShow(0.09));
        assertFalse(DeskDecisions.noShow(0.1));
        assertTrue(DeskDecisions.measured(0.33));
        assertFalse(DeskDecisions.measured(0.34));
        assertTrue(DeskDecisions.contraindicated(0.04));
        assertFalse(DeskDecisions.contraindicated(0.05));
    }

    @Test
    void aNewDemoClientConsentsToWhatsappSmsOrEmailByTheSharesOrToNothing() {
        assertEquals(Optional.of("WHATSAPP"), DeskDecisions.contact(0.0, 1).consentChannel());
        assertEquals(Optional.of("WHATSAPP"), DeskDecisions.contact(0.59, 1).consentChannel());
        assertEquals(Optional.of("SMS"), DeskDecisions.contact(0.6, 1).consentChannel());
        assertEquals(Optional.of("EMAIL"), DeskDecisions.contact(0.85, 1).consentChannel());
        assertEquals(Optional.empty(), DeskDecisions.contact(0.95, 1).consentChannel());
    }

    @Test
    void aNewDemoClientsNumberIsAFictionalE164NumberAndTheAddressIsAtExampleOrg() {
        var contact = DeskDecisions.contact(0.1, 42);
        assertEquals("+15550000042", contact.phone());
        assertTrue(contact.phone().matches("\\+[1-9][0-9]{7,14}"), contact.phone());
        assertEquals("client-0000042@example.org", contact.email());
        assertEquals("+15559999999", DeskDecisions.contact(0.1, 9_999_999).phone());
    }
}
