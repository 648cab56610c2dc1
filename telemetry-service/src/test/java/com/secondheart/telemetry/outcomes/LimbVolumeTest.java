package com.secondheart.telemetry.outcomes;

import com.secondheart.telemetry.outcomes.math.LimbVolume;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The truncated-cone formula against values computed by hand. */
class LimbVolumeTest {

    private static final double ML = 0.001;

    @Test
    void aSegmentWithEqualCircumferencesIsACylinder() {
        // C = 30 cm: r = 30/(2π), area = πr² = 225/π cm², height 4 cm: 900/π = 286.479 mL
        assertEquals(900 / Math.PI, LimbVolume.frustumMl(30, 30, 4), ML);
        assertEquals(286.479, LimbVolume.frustumMl(30, 30, 4), ML);
    }

    @Test
    void aSegmentBetweenTwoCircumferencesIsATruncatedCone() {
        // h (C1² + C1·C2 + C2²) / (12π) = 4 (400 + 600 + 900) / (12π) = 7600 / (12π) = 201.596 mL
        assertEquals(201.596, LimbVolume.frustumMl(20, 30, 4), ML);
    }

    @Test
    void theLimbIsTheSumOfItsSegmentsFromTheAnkleUp() {
        // 4 (484 + 660 + 900) / (12π) + 4 (900 + 1080 + 1296) / (12π) = (8176 + 13104) / (12π) = 564.470 mL
        assertEquals(564.470, LimbVolume.volumeMl(List.of(22.0, 30.0, 36.0), 4), ML);
    }

    @Test
    void theIntervalScalesTheVolume() {
        assertEquals(2 * LimbVolume.volumeMl(List.of(22.0, 30.0, 36.0), 4), LimbVolume.volumeMl(List.of(22.0, 30.0, 36.0), 8), ML);
    }

    @Test
    void aSingleSiteHasNoVolume() {
        assertThrows(IllegalArgumentException.class, () -> LimbVolume.volumeMl(List.of(22.0), 4));
    }
}
