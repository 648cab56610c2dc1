package com.secondheart.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the demo desk decides, in plain Java (no HTTP, no clock, no randomness of its own: every draw is passed in),
 * so that the rules are tested without a fleet: which unit needs its next client, which free start it gets, when a
 * booked client is checked in, who does not show up and who gets measured.
 */
final class DeskDecisions {

    /** Bookings that still hold their unit for a coming start. */
    static final Set<String> LIVE = Set.of("BOOKED", "CHECKED_IN", "IN_SESSION");

    /** Share of booked clients who do not come (booking-service's sweep marks them NO_SHOW). */
    static final double NO_SHOW_SHARE = 0.1;
    /** Share of clients with a completed session who get before/after measurements (outcomes). */
    static final double MEASURED_SHARE = 1.0 / 3;
    /** Share of new clients whose screening records a contraindication (booking-service then refuses compression). */
    static final double CONTRAINDICATED_SHARE = 0.05;

    /**
     * How new demo clients want to hear from the clinic (docs/messaging.md): most on WhatsApp, some by SMS, a few by
     * email, and one in ten gives no consent at all (and so gets nothing). Shares are a demo's choice.
     */
    static final double WHATSAPP_SHARE = 0.6;
    static final double SMS_SHARE = 0.2;
    static final double EMAIL_SHARE = 0.1;

    /** A new client's contact and consent: the channel they consented to (empty: none), their number and address. */
    record Contact(Optional<String> consentChannel, String phone, String email) {
    }

    /**
     * A new demo client's contact from two draws: {@code channelRoll} picks the consented channel by the shares
     * above, {@code numberDraw} (0..9 999 999) makes a fictional E.164 number in the +1 555 range and an address at
     * example.org (reserved for examples), so that nothing could ever reach a real person even with real providers.
     */
    static Contact contact(double channelRoll, int numberDraw) {
        var digits = String.format("%07d", Math.floorMod(numberDraw, 10_000_000));
        var phone = "+1555" + digits;
        var email = "client-" + digits + "@example.org";
        Optional<String> channel;
        if (channelRoll < WHATSAPP_SHARE) {
            channel = Optional.of("WHATSAPP");
        } else if (channelRoll < WHATSAPP_SHARE + SMS_SHARE) {
            channel = Optional.of("SMS");
        } else if (channelRoll < WHATSAPP_SHARE + SMS_SHARE + EMAIL_SHARE) {
            channel = Optional.of("EMAIL");
        } else {
            channel = Optional.empty();
        }
        return new Contact(channel, phone, email);
    }

    /** A booking as the desk reads it from booking-service. */
    record Booking(String bookingId, String resourceId, String status, Instant startsAt) {
    }

    /** A free start from booking-service's availability, with the resources free for it. */
    record Slot(Instant start, List<String> resourceIds) {
    }

    /** What to do with a booked client at this moment. */
    enum CheckIn {
        /** The start has not come yet. */
        WAIT,
        /** Check in now (the unit starts the session). */
        NOW,
        /** A planned no-show: never checked in; booking-service's sweep marks it. */
        NEVER,
        /** Check-in kept being refused (unit faulted, busy, offline) until it was too late: left to the sweep. */
        GIVE_UP
    }

    private DeskDecisions() {
    }

    /**
     * The boot-unit resources with no live booking starting after {@code now}: each gets its next client. A unit
     * whose current client is in the boots but has nobody booked after them counts too (the next one is booked ahead).
     */
    static List<String> resourcesWithoutNextBooking(List<String> resourceIds, List<Booking> bookings, Instant now) {
        var without = new ArrayList<String>();
        for (var resourceId : resourceIds) {
            var hasNext = bookings.stream().anyMatch(booking -> booking.resourceId().equals(resourceId)
                    && LIVE.contains(booking.status()) && booking.startsAt().isAfter(now));
            if (!hasNext) {
                without.add(resourceId);
            }
        }
        return without;
    }

    /** The first free start of {@code resourceId} in [{@code notBefore}, {@code notAfter}], if any. */
    static Optional<Instant> firstFreeStart(List<Slot> slots, String resourceId, Instant notBefore, Instant notAfter) {
        return slots.stream()
                .filter(slot -> !slot.start().isBefore(notBefore) && !slot.start().isAfter(notAfter))
                .filter(slot -> slot.resourceIds().contains(resourceId))
                .map(Slot::start)
                .min(Instant::compareTo);
    }

    /**
     * Clients are checked in when their booked start has come (not earlier: the session then runs when the booking
     * says, so the dashboard's remaining time and the booking agree); refused check-ins are tried again until
     * {@code giveUpAfter} past the start.
     */
    static CheckIn checkIn(Instant startsAt, boolean plannedNoShow, Instant now, Duration giveUpAfter) {
        if (plannedNoShow) {
            return CheckIn.NEVER;
        }
        if (now.isBefore(startsAt)) {
            return CheckIn.WAIT;
        }
        return now.isAfter(startsAt.plus(giveUpAfter)) ? CheckIn.GIVE_UP : CheckIn.NOW;
    }

    /**
     * How long a free unit waits before its next client may start, from a uniform draw in [0, 1): most clients are
     * booked on the next free start, some later, so the dashboard shows idle units beside running ones.
     */
    static Duration gapBeforeNextClient(double draw) {
        if (draw < 0.6) {
            return Duration.ZERO;
        }
        return draw < 0.85 ? Duration.ofMinutes(2) : Duration.ofMinutes(6);
    }

    static boolean noShow(double draw) {
        return draw < NO_SHOW_SHARE;
    }

    static boolean measured(double draw) {
        return draw < MEASURED_SHARE;
    }

    static boolean contraindicated(double draw) {
        return draw < CONTRAINDICATED_SHARE;
    }
}
