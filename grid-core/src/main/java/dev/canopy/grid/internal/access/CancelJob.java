package dev.canopy.grid.internal.access;


/**
 * To every member: the job ended (cancelled, failed or timed out); stop its work. Only speeds
 * things up: each engine also drops a job whose result it finds. Runs on a {@code canopy.control}
 * executor thread; a member without an engine ignores it.
 */
final class CancelJob extends ToMemberEngine implements Runnable {

    private final String jobId;

    CancelJob(String jobId) {
        this.jobId = jobId;
    }

    @Override
    public void run() {
        MemberEngine engine = engine();
        if (engine != null) {
            engine.cancelLocally(jobId);
        }
    }

    @Override
    public String toString() {
        return "CancelJob[" + jobId + "]";
    }
}
