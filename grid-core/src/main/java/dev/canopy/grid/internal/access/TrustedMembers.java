package dev.canopy.grid.internal.access;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.internal.trust.ClusterKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which cluster members Canopy gives work to: those whose engine proved that it runs Canopy with
 * this cluster's key. Anyone who knows the cluster's name can join it as a member (open-source
 * Hazelcast has no authentication), own partitions and write a {@code MemberInfo}; only a holder of
 * the key can sign.
 *
 * <p>The proof: every engine writes, when it starts, the key's signature of its own member uuid
 * ({@link ClusterKey.Use#ENGINE}) into {@code canopy.engines} under that uuid, writes it again every
 * few seconds (so a proof lost with a partition, or overwritten, comes back), and deletes it when it
 * stops. A proof copied from another member signs the other's uuid, so it verifies for nobody
 * else. Without a key an engine writes no bytes, and any proof counts: a grid without a key trusts
 * every engine, as before keys.
 *
 * <p>What it owns: the members verified (kept until they leave the cluster: a uuid is never reused),
 * and for each member that is not, when its proof was last read and why it failed. A proof that
 * is there but does not verify is read again at most once every {@value #RECHECK_MILLIS} ms, so an
 * engine with another key costs one read a second, not one per split. A missing proof is not
 * remembered: a member that just joined writes its proof a moment later and must get work at once
 * (placement reads proofs only of members with a {@code MemberInfo}, so a plain member costs
 * nothing there).
 *
 * <p>Members log one WARN per stranger ({@link #warnAboutStrangers}), once it has been listed for
 * {@value #STRANGER_GRACE_MILLIS} ms without a valid proof: a member that just joined needs a
 * moment to start its engine.
 *
 * <p>Threads: any (drivers, workers, the watchdog, a client's submitting threads); all state is in
 * concurrent collections, so nothing is locked.
 */
public final class TrustedMembers {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedMembers.class);
    /** How long an unverified member's last read stands before its proof is read again. */
    static final long RECHECK_MILLIS = 1_000;
    /** How long a member may be listed without a valid proof before the WARN: time to start its engine. */
    static final long STRANGER_GRACE_MILLIS = 5_000;
    /** Random ids tried for one whose partition a trusted member owns; with a quarter of the partitions on strangers, 4^-64 misses. */
    static final int JOB_ID_TRIES = 64;
    private static final String ANOTHER_KEY = "its engine has another key";

    /** Why a member's proof did not verify, when it was read, and whether there was one at all. */
    private record Refusal(String why, long readMillis, boolean proofMissing) {
    }

    private final HazelcastInstance hz;
    private final IMap<UUID, byte[]> proofs;
    private final ClusterKey key;
    private final LongSupplier clock;
    private final Set<UUID> verified = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Refusal> refused = new ConcurrentHashMap<>();
    /** When {@link #warnAboutStrangers} first found each unverified member listed. */
    private final Map<UUID, Long> unverifiedSince = new ConcurrentHashMap<>();
    private final Set<UUID> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param hz     the member or client whose cluster's members are judged
     * @param proofs {@code canopy.engines}
     * @param key    this member's or client's key; {@link ClusterKey#none()} trusts any engine
     */
    public TrustedMembers(HazelcastInstance hz, IMap<UUID, byte[]> proofs, ClusterKey key, LongSupplier clock) {
        this.hz = hz;
        this.proofs = proofs;
        this.key = key;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------- the proof

    /** Writes this member's proof: at its engine's start, and again every few seconds. */
    public void publish(UUID self) {
        proofs.set(self, proofOf(self));
        verified.add(self);
    }

    /** Deletes this member's proof: its engine stops, so it takes no more work. */
    public void withdraw(UUID self) {
        proofs.delete(self);
        verified.remove(self);
    }

    private byte[] proofOf(UUID member) {
        return key.isSet() ? key.sign(ClusterKey.Use.ENGINE, member.toString()) : new byte[0];
    }

    /** Null when {@code proof} shows that {@code member} runs Canopy with this key; else why not. */
    private String refusalOf(UUID member, byte[] proof) {
        if (proof == null) {
            return "it runs no engine at all";
        }
        if (!key.isSet()) {
            return null;
        }
        if (proof.length == 0) {
            return "its engine has no key";
        }
        return key.verifies(proof, ClusterKey.Use.ENGINE, member.toString()) ? null
                : ANOTHER_KEY;
    }

    // ----------------------------------------------------------------------------------- trust

    /** Whether {@code member} proved that it runs a Canopy engine with this cluster's key. */
    public boolean isTrusted(UUID member) {
        if (verified.contains(member)) {
            return true;
        }
        long now = clock.getAsLong();
        Refusal last = refused.get(member);
        if (last != null && !last.proofMissing() && now - last.readMillis() < RECHECK_MILLIS) {
            return false;
        }
        boolean missing = false;
        String why;
        try {
            byte[] proof = proofs.get(member);
            missing = proof == null;
            why = refusalOf(member, proof);
        } catch (RuntimeException e) {
            // the grid is migrating or unreachable: no work goes there until a read succeeds
            why = "its proof could not be read (" + e + ")";
        }
        if (why != null) {
            refused.put(member, new Refusal(why, now, missing));
            return false;
        }
        verified.add(member);
        refused.remove(member);
        if (warned.remove(member)) {
            LOG.info("Member {} now runs a Canopy engine with this cluster's key: it gets Canopy work", member);
        }
        return true;
    }

    /** {@code member} left the cluster: forget it, and delete its proof, which nobody will read again. */
    public void forget(UUID member) {
        verified.remove(member);
        refused.remove(member);
        unverifiedSince.remove(member);
        warned.remove(member);
        proofs.deleteAsync(member);
    }

    /**
     * Logs one WARN for each member listed for {@value #STRANGER_GRACE_MILLIS} ms without a valid
     * proof (an INFO without a key: such a grid trusts the network anyway), and forgets members no
     * longer listed. For the engine's watchdog, once a second; never for a client.
     */
    public void warnAboutStrangers() {
        long now = clock.getAsLong();
        Set<UUID> listed = new HashSet<>();
        for (Member member : hz.getCluster().getMembers()) {
            UUID id = member.getUuid();
            listed.add(id);
            if (member.localMember() || isTrusted(id)) {
                unverifiedSince.remove(id);
                continue;
            }
            long since = unverifiedSince.computeIfAbsent(id, k -> now);
            Refusal refusal = refused.get(id);
            if (now - since >= STRANGER_GRACE_MILLIS && refusal != null && warned.add(id)) {
                String address = addressOf(member);
                if (key.isSet()) {
                    LOG.warn(strangerWarning(id, address, refusal.why()));
                } else {
                    LOG.info("Member {} at {} runs no Canopy engine: no Canopy work goes to it", id, address);
                }
            }
        }
        retainOnly(listed);
    }

    /** The WARN about a member that runs no Canopy engine with this cluster's key. */
    static String strangerWarning(UUID member, String address, String why) {
        return "Member " + member + " at " + address + " runs no Canopy engine with this cluster's key (" + why
                + "): no Canopy work goes to it. Open-source Hazelcast cannot stop it from reading the grid's maps"
                + " or shutting the cluster down; keep the grid's network private (see README, Security)";
    }

    private void retainOnly(Set<UUID> listed) {
        verified.retainAll(listed);
        refused.keySet().retainAll(listed);
        unverifiedSince.keySet().retainAll(listed);
        warned.retainAll(listed);
    }

    // ---------------------------------------------------------------------------------- job ids

    /**
     * A new job id whose partition a trusted member owns: the owner of a job's partition becomes
     * its top driver, so a job whose id fell on a stranger would be refused (no engine) or given to
     * it. When the partition table is not known yet (a client that just connected), any id, as
     * before: the owner found at the submit decides.
     *
     * @throws JobRefusedException    when every owner met runs Canopy with another key than this one
     * @throws RetriableGridException when {@value #JOB_ID_TRIES} random ids all fall on members that
     *                                are not trusted, naming them and why
     */
    public JobId newJobId() {
        // a client has no watchdog: it forgets members that left here
        retainOnly(listedMembers());
        Map<UUID, String> untrusted = new LinkedHashMap<>();
        for (int i = 0; i < JOB_ID_TRIES; i++) {
            JobId id = JobId.newId();
            Member owner = hz.getPartitionService().getPartition(id.toString()).getOwner();
            // each owner found untrusted is asked once per call: a missing proof is not remembered
            if (owner == null || untrusted.containsKey(owner.getUuid())) {
                continue;
            }
            if (isTrusted(owner.getUuid())) {
                return id;
            }
            Refusal refusal = refused.get(owner.getUuid());
            untrusted.put(owner.getUuid(), addressOf(owner) + ", " + (refusal == null ? "unknown" : refusal.why()));
        }
        if (untrusted.isEmpty()) {
            return JobId.newId();
        }
        if (key.isSet() && untrusted.values().stream().allMatch(why -> why.endsWith(ANOTHER_KEY))) {
            // not a passing state of the cluster but this submitter's key: trying again cannot help
            throw new JobRefusedException("job refused: the members " + untrusted + " hold another cluster key than"
                    + " this submitter, so they would refuse its jobs as not signed with this cluster's key; give it"
                    + " the cluster's key (clusterKeyFile or CANOPY_CLUSTER_KEY)");
        }
        throw new RetriableGridException("no member that runs Canopy" + (key.isSet() ? " with this cluster's key" : "")
                + " owns the partition of any of " + JOB_ID_TRIES + " random job ids; their owners: " + untrusted
                + ". Members that are starting, or merging back after a network split, run no engine for a few"
                + " seconds: submit again. Otherwise start a GridNode" + (key.isSet() ? " with this cluster's key, or"
                + " check this one's (clusterKeyFile or CANOPY_CLUSTER_KEY)" : "") + ", then submit again", null);
    }

    private static String addressOf(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    private Set<UUID> listedMembers() {
        Set<UUID> listed = new HashSet<>();
        for (Member member : hz.getCluster().getMembers()) {
            listed.add(member.getUuid());
        }
        return listed;
    }
}
