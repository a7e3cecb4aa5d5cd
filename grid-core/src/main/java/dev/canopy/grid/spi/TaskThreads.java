package dev.canopy.grid.spi;

/**
 * Which threads run users' tasks: a node's worker threads sit in a thread group of their own, and
 * a thread a task starts inherits it. {@code bin/grid node}'s exit guard asks this to refuse
 * {@code System.exit} to tasks and to nothing else.
 */
public final class TaskThreads {

    /** The name of the worker threads' group. */
    public static final String GROUP_NAME = "canopy-workers";

    private TaskThreads() {
    }

    /** True for a worker thread, or a thread one of them started (or started by such a thread...). */
    public static boolean isTaskThread(Thread thread) {
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (GROUP_NAME.equals(g.getName())) {
                return true;
            }
        }
        return false;
    }
}
