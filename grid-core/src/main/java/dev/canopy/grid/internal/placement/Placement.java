package dev.canopy.grid.internal.placement;

import dev.canopy.grid.internal.store.GridMaps;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.canopy.grid.MemberInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Where work goes, as seen from one member: which cluster members run Canopy and are live, how
 * loaded each one is (from the {@link MemberInfo} every engine publishes), and which member owns
 * each partition.
 *
 * <p>A member gets work only when it is trusted: its engine proved that it runs Canopy with this
 * cluster's key (the predicate given, {@code access.TrustedMembers}). Anyone who knows the cluster's
 * name can join it and write a {@link MemberInfo}; such a stranger gets no leaves, no sub-jobs to
 * drive, no stolen leaves and no roles handed over, since all of them are chosen here.
 *
 * <p>What it owns: the cache of members' {@link MemberInfo}s, the set of members known to be gone,
 * and the partition table and one key per partition, both cached on first use. It writes this
 * member's own {@link MemberInfo} to the grid, once a second.
 *
 * <p>Threads: driver-pool, control-executor and worker threads read it when they split, re-delegate
 * or steal work; the watchdog timer publishes and refreshes the member infos; membership-listener
 * and control threads mark members gone. All state is in concurrent collections or volatile
 * caches, so nothing is locked.
 */
public final class Placement {

    private final HazelcastInstance hz;
    private final GridMaps maps;
    private final UUID localId;
    /** This member's worker threads, and the fan-out of jobs that set none. */
    private final int workerThreads;
    private final int defaultFanOut;
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();
    private final Map<UUID, MemberInfo> memberInfos = new ConcurrentHashMap<>();
    /** Whether a member proved that it runs Canopy with this cluster's key; cached by its owner. */
    private final Predicate<UUID> trusted;
    private volatile Object[] partitionKeys;
    private volatile Partition[] partitions;

    public Placement(HazelcastInstance hz, GridMaps maps, UUID localId, int workerThreads, int defaultFanOut,
                     Predicate<UUID> trusted) {
        this.hz = hz;
        this.trusted = trusted;
        this.maps = maps;
        this.localId = localId;
        this.workerThreads = workerThreads;
        this.defaultFanOut = defaultFanOut;
    }

    /** How to split a sub-job of a job with fan-out {@code jobFanOut} (0: the member's default). */
    public Splitter splitter(int jobFanOut, int leafSize) {
        int fanOut = jobFanOut > 0 ? jobFanOut : defaultFanOut;
        return new Splitter(fanOut, leafSize, this::workerThreadsOf, this::partitionOwner,
                key -> hz.getPartitionService().getPartition(key).getPartitionId());
    }

    /**
     * The live Canopy members of {@code group} with this member first; all live members when the
     * group is empty or has no live member but this one.
     */
    public List<UUID> liveGroup(List<UUID> group) {
        List<UUID> live = canopyMembers();
        List<UUID> result = new ArrayList<>();
        result.add(localId);
        for (UUID member : group.isEmpty() ? live : group) {
            if (!member.equals(localId) && live.contains(member)) {
                result.add(member);
            }
        }
        return result;
    }

    /** A live member for re-delegated work: from the child's group, else the driver's, else any; preferring untried ones. */
    public UUID pickMember(List<UUID> preferred, List<UUID> fallback, Set<UUID> avoid) {
        List<UUID> live = canopyMembers();
        for (List<UUID> candidates : List.of(preferred, fallback, live)) {
            List<UUID> fresh = new ArrayList<>();
            for (UUID member : candidates) {
                if (live.contains(member) && (avoid == null || !avoid.contains(member))) {
                    fresh.add(member);
                }
            }
            if (!fresh.isEmpty()) {
                return leastLoaded(fresh);
            }
        }
        return live.isEmpty() ? localId : leastLoaded(live);
    }

    private UUID leastLoaded(List<UUID> candidates) {
        return candidates.stream().min(Comparator.comparingDouble(this::load)).orElse(localId);
    }

    private double load(UUID member) {
        MemberInfo info = memberInfos.get(member);
        if (info == null || info.workerThreads() == 0) {
            return 0;
        }
        return (double) (info.busy() + info.queuedLeaves()) / info.workerThreads();
    }

    /**
     * Whether {@code member} may hold this member's work or take it: listed, its engine running,
     * and trusted. A child whose assignee is not is re-delegated, and no steal is asked of it or
     * granted to it.
     */
    public boolean isLive(UUID member) {
        return isListed(member) && (member.equals(localId) || trusted.test(member));
    }

    /**
     * Whether {@code member} is in the cluster and its engine, if it runs one, has not stopped; says
     * nothing of trust. A job's top driver that is listed keeps its job: taking jobs away from
     * members that are merely not trusted here would have two engines with different keys take
     * each other's jobs, for ever.
     */
    public boolean isListed(UUID member) {
        return member != null && !gone.contains(member) && member(member) != null;
    }

    /** Whether {@code member} left, or its engine stopped, while its Hazelcast member may still be listed. */
    public boolean isGone(UUID member) {
        return gone.contains(member);
    }

    /** {@code member} left the cluster or its engine stopped: place nothing there any more. */
    public void markGone(UUID member) {
        if (member(member) != null) {
            gone.add(member);
        }
        memberInfos.remove(member);
    }

    /** Cluster members running Canopy with this cluster's key, oldest first. */
    List<UUID> canopyMembers() {
        List<UUID> result = new ArrayList<>();
        List<UUID> unknown = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            UUID id = m.getUuid();
            if (m.isLiteMember() || gone.contains(id)) {
                continue;
            }
            if (!memberInfos.containsKey(id) && !id.equals(localId)) {
                unknown.add(id);
            }
            result.add(id);
        }
        if (!unknown.isEmpty()) {
            memberInfos.putAll(maps.members.getAll(new HashSet<>(unknown)));
        }
        // anyone can write a MemberInfo; only a holder of the key can prove it. Checked second, so
        // that only engines' proofs are read (a plain member has no MemberInfo)
        result.removeIf(id -> !id.equals(localId) && (!memberInfos.containsKey(id) || !trusted.test(id)));
        return result;
    }

    /**
     * One key in each partition that this member looks after besides its own: those owned by a
     * member that is not a live Canopy member here (a stranger, or a member whose engine stopped),
     * when this member is the oldest live Canopy member; none otherwise. Jobs whose records lie there
     * would otherwise have no member to take them over when their top driver leaves.
     */
    public Set<Object> partitionKeysOfStrangers() {
        List<UUID> live = canopyMembers();
        if (live.isEmpty() || !live.get(0).equals(localId)) {
            return Set.of();
        }
        Set<UUID> canopy = new HashSet<>(live);
        Set<Object> keys = new HashSet<>();
        Partition[] all = partitions();
        for (int p = 0; p < all.length; p++) {
            Member owner = all[p].getOwner();
            if (owner != null && !canopy.contains(owner.getUuid())) {
                keys.add(partitionKey(p));
            }
        }
        return keys;
    }

    public int workerThreadsOf(UUID member) {
        if (member.equals(localId)) {
            return workerThreads;
        }
        MemberInfo info = memberInfos.get(member);
        return info == null ? 1 : info.workerThreads();
    }

    /** The last {@link MemberInfo} known of each member, this one included. */
    public Collection<MemberInfo> memberInfos() {
        return memberInfos.values();
    }

    private UUID partitionOwner(int partition) {
        Member owner = partitions()[partition].getOwner();
        return owner == null ? null : owner.getUuid();
    }

    public int partitionCount() {
        return partitions().length;
    }

    private Partition[] partitions() {
        Partition[] known = partitions;
        if (known == null) {
            Set<Partition> all = hz.getPartitionService().getPartitions();
            known = new Partition[all.size()];
            for (Partition p : all) {
                known[p.getPartitionId()] = p;
            }
            partitions = known;
        }
        return known;
    }

    /** A key that falls into {@code partition}, for partition-scoped queries. */
    public Object partitionKey(int partition) {
        Object[] keys = partitionKeys;
        if (keys == null) {
            keys = new Object[partitions().length];
            int found = 0;
            for (int candidate = 0; found < keys.length; candidate++) {
                int p = hz.getPartitionService().getPartition(candidate).getPartitionId();
                if (keys[p] == null) {
                    keys[p] = candidate;
                    found++;
                }
            }
            partitionKeys = keys;
        }
        return keys[partition];
    }

    /** Writes this member's {@link MemberInfo}: its workers' load and the roles it holds. */
    public void publishMemberInfo(int threads, int busy, int queued, Set<String> roles) {
        Member local = hz.getCluster().getLocalMember();
        MemberInfo info = new MemberInfo(localId, local.getAddress().getHost() + ":" + local.getAddress().getPort(),
                threads, busy, queued, Set.copyOf(roles));
        maps.members.set(localId, info);
        memberInfos.put(localId, info);
    }

    public void refreshMemberInfos() {
        Set<UUID> ids = new HashSet<>();
        for (Member m : hz.getCluster().getMembers()) {
            ids.add(m.getUuid());
        }
        Map<UUID, MemberInfo> fresh = maps.members.getAll(ids);
        memberInfos.keySet().retainAll(ids);
        memberInfos.putAll(fresh);
    }

    public Member member(UUID uuid) {
        for (Member m : hz.getCluster().getMembers()) {
            if (m.getUuid().equals(uuid)) {
                return m;
            }
        }
        return null;
    }

    public Collection<Member> others() {
        List<Member> result = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            if (!m.localMember()) {
                result.add(m);
            }
        }
        return result;
    }
}
