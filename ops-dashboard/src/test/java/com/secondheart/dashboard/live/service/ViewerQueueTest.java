package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.live.model.PressureSample;
import com.secondheart.dashboard.live.service.ViewerQueue.Picture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewerQueueTest {

    @Test
    void aSlowViewerLosesTheOldestPressureSamplesAndCountsThem() {
        var queue = new ViewerQueue(3);
        for (var second = 1; second <= 5; second++) {
            queue.offer(sample(second));
        }

        assertEquals(2, queue.droppedPressures());
        assertEquals(List.of(3L, 4L, 5L), drainSeconds(queue));
    }

    @Test
    void stateChangesAreNeverDroppedHoweverManyPressuresWait() {
        var queue = new ViewerQueue(2);
        queue.offer(Picture.OVERVIEW);
        for (var second = 1; second <= 100; second++) {
            queue.offer(sample(second));
        }
        queue.offer(Picture.ALARMS);

        var pictures = new ArrayList<Picture>();
        for (var next = queue.poll(); next != null; next = queue.poll()) {
            if (next.picture() != null) {
                pictures.add(next.picture());
            }
        }
        assertEquals(List.of(Picture.OVERVIEW, Picture.ALARMS), pictures);
    }

    @Test
    void aPictureThatIsStillWaitingTakesTheNewerChangeInsteadOfQueueingTwice() {
        var queue = new ViewerQueue(10);
        queue.offer(Picture.OVERVIEW);
        queue.offer(Picture.TODAY);
        queue.offer(Picture.OVERVIEW);

        assertEquals(Picture.OVERVIEW, queue.poll().picture());
        assertEquals(Picture.TODAY, queue.poll().picture());
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());
    }

    @Test
    void picturesGoBeforeWaitingPressures() {
        var queue = new ViewerQueue(10);
        queue.offer(sample(1));
        queue.offer(Picture.ALARMS);

        assertEquals(Picture.ALARMS, queue.poll().picture());
        assertEquals(1L, queue.poll().pressure().deviceTime().getEpochSecond());
    }

    private static List<Long> drainSeconds(ViewerQueue queue) {
        var seconds = new ArrayList<Long>();
        for (var next = queue.poll(); next != null; next = queue.poll()) {
            seconds.add(next.pressure().deviceTime().getEpochSecond());
        }
        return seconds;
    }

    private static PressureSample sample(long second) {
        return new PressureSample("clinic-a", "unit-a1", "s-1", Instant.ofEpochSecond(second), Instant.ofEpochSecond(second), List.of());
    }
}
