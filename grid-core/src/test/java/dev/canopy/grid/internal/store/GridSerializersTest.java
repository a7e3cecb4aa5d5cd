package dev.canopy.grid.internal.store;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The job record and the job result travel and are stored through {@link GridSerializers}, which
 * Hazelcast finds on the class path, and come back field for field, with and without their
 * optional parts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GridSerializersTest extends GridTestSupport {

    @Test
    void whenJobRecordsRoundTrip_thenEveryFieldComesBackThroughCanopysSerializer() {
        // given: a record with every part set, and one with the optional parts left out
        SerializationService serialization = serializationOf(startCluster(1).get(0));
        JobRecord full = new JobRecord("job-1", "full", JobState.COMPLETED, UUID.randomUUID(), UUID.randomUUID(),
                1_000L, 2_000L, 3_000L, 40L, 7, 60_000L, 2,
                List.of(new TaskFailure("index 3", 2, "boom"), new TaskFailure("key k", 1, null)), 2L,
                new JobProgress(40, 40, 2, 3, 0, 3, 5), new byte[] {1, 2, 3});
        JobRecord sparse = new JobRecord("job-2", null, JobState.SUBMITTED, null, null, 0, 0, 0, -1, 0, 0, 0,
                null, 0, null, null);

        for (JobRecord record : List.of(full, sparse)) {
            // when
            Data data = serialization.toData(record);
            JobRecord back = serialization.toObject(data);

            // then
            assertEquals(GridSerializers.JOB_RECORD, data.getType(), "serializer of " + record.id());
            assertArrayEquals(record.spec(), back.spec(), "spec of " + record.id());
            assertEquals(record.withSpec(null), back.withSpec(null), "record " + record.id());
        }
    }

    @Test
    void whenJobOutcomesRoundTrip_thenResultErrorAndFailuresComeBack() {
        // given: a completed outcome with a result and tolerated failures, and a failed one with its error
        SerializationService serialization = serializationOf(startCluster(1).get(0));
        JobOutcome completed = new JobOutcome(JobState.COMPLETED, Map.of("answer", 42L), null,
                List.of(new TaskFailure("index 9", 3, "no luck")));
        JobOutcome failed = new JobOutcome(JobState.FAILED, null,
                new JobFailedException("job x failed", "index 1", 2, new IllegalStateException("boom")), List.of());

        // when
        Data completedData = serialization.toData(completed);
        JobOutcome completedBack = serialization.toObject(completedData);
        JobOutcome failedBack = serialization.toObject(serialization.toData(failed));

        // then
        assertEquals(GridSerializers.JOB_OUTCOME, completedData.getType());
        assertEquals(completed, completedBack);
        assertEquals(JobState.FAILED, failedBack.state());
        assertNull(failedBack.result());
        JobFailedException error = assertInstanceOf(JobFailedException.class, failedBack.error());
        assertEquals("job x failed", error.getMessage());
        assertEquals("index 1", error.task());
        assertEquals("boom", error.getCause().getMessage());
        assertEquals(List.of(), failedBack.failures());
    }

    private static SerializationService serializationOf(GridNode node) {
        return ((SerializationServiceSupport) node.hazelcast()).getSerializationService();
    }
}
