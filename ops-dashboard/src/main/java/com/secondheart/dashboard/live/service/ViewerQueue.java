package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.live.model.PressureSample;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;

/**
 * What one viewer's stream still has to send, and the overflow policy for a viewer that reads slower than the fleet
 * changes (a tablet on a bad connection, a background tab):
 *
 * <ul>
 *   <li><b>State changes are never dropped.</b> Overview, alarms and today's figures are sent as whole pictures
 *   rendered when they are sent, so a change that arrives while the same kind is still waiting is already in the
 *   picture that will go: it is coalesced into the waiting one, and the viewer always gets the newest state.</li>
 *   <li><b>Pressure samples are dropped oldest first</b> once more than {@code maxPressures} wait: a waveform needs
 *   the newest seconds, not a backlog. Each dropped sample is counted ({@link #droppedPressures()}).</li>
 *   <li>A heartbeat waits only once.</li>
 * </ul>
 *
 * Thread-safe: the fleet's threads offer, the viewer's connection takes.
 */
public final class ViewerQueue {

    /** The kinds of whole picture a stream sends; each waits at most once. */
    public enum Picture { OVERVIEW, ALARMS, TODAY, DESK, HEARTBEAT }

    /** One thing to send next: a picture to render now, or a pressure sample. */
    public record Next(Picture picture, PressureSample pressure) {
    }

    private final int maxPressures;
    private final LinkedHashSet<Picture> pictures = new LinkedHashSet<>();
    private final ArrayDeque<PressureSample> pressures = new ArrayDeque<>();
    private long droppedPressures;

    public ViewerQueue(int maxPressures) {
        if (maxPressures < 1) {
            throw new IllegalArgumentException("maxPressures must be at least 1");
        }
        this.maxPressures = maxPressures;
    }

    public synchronized void offer(Picture picture) {
        pictures.add(picture);
    }

    /** @return whether an older sample was dropped to make room */
    public synchronized boolean offer(PressureSample sample) {
        pressures.addLast(sample);
        if (pressures.size() > maxPressures) {
            pressures.removeFirst();
            droppedPressures++;
            return true;
        }
        return false;
    }

    /** The next thing to send, pictures first (a state change outranks a waveform point), or null when nothing waits. */
    public synchronized Next poll() {
        var picture = pictures.stream().findFirst();
        if (picture.isPresent()) {
            pictures.remove(picture.get());
            return new Next(picture.get(), null);
        }
        var sample = pressures.pollFirst();
        return sample == null ? null : new Next(null, sample);
    }

    public synchronized boolean isEmpty() {
        return pictures.isEmpty() && pressures.isEmpty();
    }

    public synchronized long droppedPressures() {
        return droppedPressures;
    }
}
