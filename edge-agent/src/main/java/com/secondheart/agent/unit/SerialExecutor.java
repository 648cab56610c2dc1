package com.secondheart.agent.unit;

import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a unit's reporting work stays strictly
 * ordered without costing each of 200 units its own thread. {@link #execute} never blocks, so the control
 * loop's listener can hand work to it from the loop thread.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class);

    private final String name;
    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    public SerialExecutor(String name, Executor pool) {
        this.name = name;
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        pool.execute(this::drain);
    }

    /** Tasks waiting, for the metrics. */
    public int backlog() {
        synchronized (tasks) {
            return tasks.size();
        }
    }

    private void drain() {
        // A bounded batch, then yield the pool thread to other units.
        for (int i = 0; i < 64; i++) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: a reporting task failed", name);
            }
        }
        pool.execute(this::drain);
    }
}
