package dev.portcullis.behaviour;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The learned behaviour of one workload: a versioned document that grows by one {@link #revision()} with every
 * learning run merged into it.
 *
 * @param revision 1 for the first run, one more for each run merged since
 * @param workload the workload, as the latest run saw it
 * @param learning how it was learned and whether learning is complete
 * @param flows every kind of connection seen, sorted ({@link Flow#ORDER}), no two the same
 * @param processes every program executed, sorted ({@link ProcessEntry#ORDER}), no two the same
 */
public record Profile(
    int revision, Workload workload, Learning learning, List<Flow> flows, List<ProcessEntry> processes) {
  /** The {@code apiVersion} of the profile document. */
  public static final String API_VERSION = "portcullis.dev/behaviour-profile/v1";

  public Profile {
    if (revision < 1) {
      throw new IllegalArgumentException("a profile's revision is 1 or more, not " + revision);
    }
    flows = flows.stream().sorted(Flow.ORDER).toList();
    processes = processes.stream().sorted(ProcessEntry.ORDER).toList();
    for (int i = 1; i < flows.size(); i++) {
      if (flows.get(i).sameAs(flows.get(i - 1))) {
        throw new IllegalArgumentException("flow " + flows.get(i).describe() + " is listed twice");
      }
    }
    for (int i = 1; i < processes.size(); i++) {
      if (processes.get(i).sameAs(processes.get(i - 1))) {
        throw new IllegalArgumentException("process " + processes.get(i).executable() + " is listed twice");
      }
    }
  }

  /** The profile of a first learning run. */
  public static Profile of(Observation run, Learning.Condition completeWhen) {
    Instant lastNew = min(latestFirstSeen(run.flows(), run.processes(), run.started()), run.ended());
    boolean quiet = run.flows().isEmpty() && run.processes().isEmpty();
    return new Profile(1, run.workload(), new Learning(run.started(), run.ended(), 1, lastNew, quiet ? 1 : 0,
        completeWhen), run.flows(), run.processes());
  }

  /** This profile with one more learning run merged in: seen entries counted, new ones added. */
  public Profile merge(Observation run) {
    if (!run.workload().name().equals(workload.name())) {
      throw new IllegalArgumentException("a run of workload " + run.workload().name()
          + " cannot be merged into the profile of " + workload.name());
    }
    List<Flow> mergedFlows = new ArrayList<>(flows);
    List<Flow> newFlows = new ArrayList<>();
    for (Flow seen : run.flows()) {
      int at = indexOf(mergedFlows, seen);
      if (at < 0) {
        newFlows.add(seen);
      } else {
        Flow known = mergedFlows.get(at);
        mergedFlows.set(at, new Flow(known.direction(), known.peer(), known.protocol(), known.port(),
            min(known.firstSeen(), seen.firstSeen()), max(known.lastSeen(), seen.lastSeen()),
            known.count() + seen.count(), known.runs() + 1));
      }
    }
    mergedFlows.addAll(newFlows);
    List<ProcessEntry> mergedProcesses = new ArrayList<>(processes);
    List<ProcessEntry> newProcesses = new ArrayList<>();
    for (ProcessEntry seen : run.processes()) {
      int at = -1;
      for (int i = 0; i < mergedProcesses.size() && at < 0; i++) {
        at = mergedProcesses.get(i).sameAs(seen) ? i : -1;
      }
      if (at < 0) {
        newProcesses.add(seen);
      } else {
        ProcessEntry known = mergedProcesses.get(at);
        mergedProcesses.set(at, new ProcessEntry(known.executable(), known.sha256(), known.arguments(),
            known.user(), known.parent(), min(known.firstSeen(), seen.firstSeen()),
            max(known.lastSeen(), seen.lastSeen()), known.count() + seen.count(), known.runs() + 1));
      }
    }
    mergedProcesses.addAll(newProcesses);
    boolean quiet = newFlows.isEmpty() && newProcesses.isEmpty();
    Instant ended = max(learning.ended(), run.ended());
    Instant lastNew = quiet ? learning.lastNewEntry()
        : min(latestFirstSeen(newFlows, newProcesses, run.started()), run.ended());
    Learning merged = new Learning(min(learning.started(), run.started()), ended, learning.runs() + 1,
        max(learning.lastNewEntry(), lastNew), quiet ? learning.quietRuns() + 1 : 0, learning.completeWhen());
    return new Profile(revision + 1, run.workload(), merged, mergedFlows, mergedProcesses);
  }

  private static int indexOf(List<Flow> flows, Flow flow) {
    for (int i = 0; i < flows.size(); i++) {
      if (flows.get(i).sameAs(flow)) {
        return i;
      }
    }
    return -1;
  }

  private static Instant latestFirstSeen(List<Flow> flows, List<ProcessEntry> processes, Instant otherwise) {
    Instant latest = otherwise;
    for (Flow f : flows) {
      latest = max(latest, f.firstSeen());
    }
    for (ProcessEntry p : processes) {
      latest = max(latest, p.firstSeen());
    }
    return latest;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
