package com.secondheart.booking.clients;

import com.secondheart.booking.clients.repository.Contraindication;
import com.secondheart.booking.clients.service.ScreeningRules;
import com.secondheart.booking.clients.service.ScreeningRules.Latest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether a screening allows compression, as plain logic. */
class ScreeningRulesTest {

    private static final Instant SCREENED = Instant.parse("2027-01-01T09:00:00Z");
    private static final Duration NINETY_DAYS = Duration.ofDays(90);

    @Test
    void aClearScreeningValidAtTheSessionAllowsCompression() {
        assertTrue(ScreeningRules.refusal(new Latest(SCREENED, answers()), SCREENED.plus(Duration.ofDays(30)), NINETY_DAYS).isEmpty());
    }

    @Test
    void noScreeningIsRefusedSayingSo() {
        assertEquals("This client has no contraindication screening on file; screen them before booking compression.",
                ScreeningRules.refusal(null, SCREENED, NINETY_DAYS).orElseThrow());
    }

    @Test
    void everyPositiveAnswerIsNamedInTheRefusal() {
        var reason = ScreeningRules.refusal(new Latest(SCREENED,
                        answers(Contraindication.UNCONTROLLED_HEART_FAILURE, Contraindication.LIMB_FRACTURE_OR_OPEN_WOUND)),
                SCREENED.plusSeconds(3600), NINETY_DAYS).orElseThrow();
        assertEquals("The client's screening of 2027-01-01 records uncontrolled heart failure, a fracture or open wound in "
                + "the limb; compression is not offered while a contraindication is recorded.", reason);
    }

    @Test
    void aScreeningThatExpiresBeforeTheSessionIsRefused() {
        var reason = ScreeningRules.refusal(new Latest(SCREENED, answers()), SCREENED.plus(NINETY_DAYS), NINETY_DAYS).orElseThrow();
        assertEquals("The client's screening of 2027-01-01 is valid until 2027-04-01, before this session; screen them again first.", reason);
    }

    private static Map<Contraindication, Boolean> answers(Contraindication... positive) {
        var answers = new EnumMap<Contraindication, Boolean>(Contraindication.class);
        for (var item : Contraindication.values()) {
            answers.put(item, false);
        }
        for (var item : positive) {
            answers.put(item, true);
        }
        return answers;
    }
}
