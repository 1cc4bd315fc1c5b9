package dev.portcullis.behaviour.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * How one workload's live behaviour (an {@link Observation}, or the profile of a second learning run) differs from
 * its baseline profile.
 *
 * <ul>
 *   <li><b>New</b>: seen live, not in the baseline. A flow is new when no baseline flow has its direction, peer,
 *       protocol and port ({@link Flow#sameAs}); a process is new when no baseline process is the same program run the
 *       same way: executable, SHA-256, arguments pattern, user and parent ({@link ProcessEntry#sameAs}), so a changed
 *       binary or a new way of running it is drift.
 *   <li><b>Vanished</b>: in the baseline, not seen live. This is not by itself a problem: the live run may just not
 *       have exercised that path (a nightly job, an error handler). It is worth a look when the baseline saw it in many
 *       runs.
 * </ul>
 *
 * @param workload the workload's name
 * @param baselineRevision the revision of the baseline profile
 * @param live what was compared: {@code observation} or {@code profile revision N}
 * @param newFlows flows seen live only, sorted ({@link Flow#ORDER})
 * @param vanishedFlows flows of the baseline not seen live, sorted
 * @param newProcesses processes seen live only, sorted ({@link ProcessEntry#ORDER})
 * @param vanishedProcesses processes of the baseline not seen live, sorted
 */
public record Drift(
    String workload, int baselineRevision, String live, List<Flow> newFlows, List<Flow> vanishedFlows,
    List<ProcessEntry> newProcesses, List<ProcessEntry> vanishedProcesses) {
  /** The {@code apiVersion} of the JSON document. */
  public static final String API_VERSION = "portcullis.dev/behaviour-drift/v1";

  public Drift {
    newFlows = newFlows.stream().sorted(Flow.ORDER).toList();
    vanishedFlows = vanishedFlows.stream().sorted(Flow.ORDER).toList();
    newProcesses = newProcesses.stream().sorted(ProcessEntry.ORDER).toList();
    vanishedProcesses = vanishedProcesses.stream().sorted(ProcessEntry.ORDER).toList();
  }

  /** The drift of a live run from the baseline; a run of another workload fails. */
  public static Drift between(Profile baseline, Observation live) {
    sameWorkload(baseline, live.workload(), "a live run");
    return of(baseline, "observation", live.flows(), live.processes());
  }

  /** The drift of a second learning run's profile from the baseline; a profile of another workload fails. */
  public static Drift between(Profile baseline, Profile live) {
    sameWorkload(baseline, live.workload(), "a profile");
    return of(baseline, "profile revision " + live.revision(), live.flows(), live.processes());
  }

  private static void sameWorkload(Profile baseline, Workload live, String what) {
    if (!baseline.workload().name().equals(live.name())) {
      throw new IllegalArgumentException("drift of workload " + baseline.workload().name() + ": " + what
          + " of workload " + live.name() + " is not of the same workload");
    }
  }

  private static Drift of(Profile baseline, String live, List<Flow> flows, List<ProcessEntry> processes) {
    return new Drift(baseline.workload().name(), baseline.revision(), live,
        missing(flows, baseline.flows(), Flow::sameAs), missing(baseline.flows(), flows, Flow::sameAs),
        missing(processes, baseline.processes(), ProcessEntry::sameAs),
        missing(baseline.processes(), processes, ProcessEntry::sameAs));
  }

  /** Those of {@code these} that {@code others} does not hold. */
  private static <T> List<T> missing(List<T> these, List<T> others, BiPredicate<T, T> same) {
    List<T> out = new ArrayList<>();
    for (T t : these) {
      if (others.stream().noneMatch(o -> same.test(t, o))) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether nothing is new and nothing vanished. */
  public boolean none() {
    return newFlows.isEmpty() && vanishedFlows.isEmpty() && newProcesses.isEmpty() && vanishedProcesses.isEmpty();
  }

  /** The drift as one JSON document, with a final newline. */
  public String json() {
    ObjectNode root = Json.object();
    root.put("apiVersion", API_VERSION);
    root.put("workload", workload);
    root.put("baselineRevision", baselineRevision);
    root.put("live", live);
    root.put("drift", !none());
    root.put("summary", summary());
    flows(root.putArray("newFlows"), newFlows);
    flows(root.putArray("vanishedFlows"), vanishedFlows);
    processes(root.putArray("newProcesses"), newProcesses);
    processes(root.putArray("vanishedProcesses"), vanishedProcesses);
    return Json.write(root, "drift of " + workload);
  }

  private void flows(ArrayNode array, List<Flow> flows) {
    for (Flow f : flows) {
      ObjectNode n = array.addObject();
      n.put("workload", workload);
      n.put("direction", f.direction().word());
      ObjectNode peer = n.putObject("peer");
      switch (f.peer()) {
        case Peer.OfWorkload w -> peer.put("workload", w.name());
        case Peer.OfAddress a -> peer.put("address", a.cidr());
        case Peer.OfName d -> peer.put("dns", d.dns());
      }
      n.put("protocol", f.protocol().word());
      n.put("port", f.port());
      n.put("firstSeen", f.firstSeen().toString());
      n.put("lastSeen", f.lastSeen().toString());
      n.put("count", f.count());
      n.put("runs", f.runs());
    }
  }

  private void processes(ArrayNode array, List<ProcessEntry> processes) {
    for (ProcessEntry p : processes) {
      ObjectNode n = array.addObject();
      n.put("workload", workload);
      n.put("executable", p.executable());
      n.put("sha256", p.sha256());
      n.put("arguments", p.arguments());
      n.put("user", p.user());
      n.put("parent", p.parent());
      n.put("firstSeen", p.firstSeen().toString());
      n.put("lastSeen", p.lastSeen().toString());
      n.put("count", p.count());
      n.put("runs", p.runs());
    }
  }

  /** {@code web: 1 new, 2 vanished (baseline profile revision 3, live observation)} or that there is no drift. */
  public String summary() {
    int added = newFlows.size() + newProcesses.size();
    int gone = vanishedFlows.size() + vanishedProcesses.size();
    String against = " (baseline profile revision " + baselineRevision + ", live " + live + ")";
    return none() ? workload + ": no drift: nothing new, nothing vanished" + against
        : workload + ": " + added + " new, " + gone + " vanished" + against;
  }

  /**
   * The summary, then one row per entry under {@code CHANGE WORKLOAD KIND ENTRY}: new before vanished, flows before
   * processes. Control characters in hand-edited profiles are shown as {@code ?}.
   */
  public String table() {
    List<String[]> rows = new ArrayList<>();
    newFlows.forEach(f -> rows.add(new String[] {"new", workload, "flow", f.describe()}));
    newProcesses.forEach(p -> rows.add(new String[] {"new", workload, "process", describe(p)}));
    vanishedFlows.forEach(f -> rows.add(new String[] {"vanished", workload, "flow", f.describe()}));
    vanishedProcesses.forEach(p -> rows.add(new String[] {"vanished", workload, "process", describe(p)}));
    StringBuilder out = new StringBuilder(summary()).append('\n');
    if (rows.isEmpty()) {
      return out.toString();
    }
    String[] header = {"CHANGE", "WORKLOAD", "KIND", "ENTRY"};
    int[] widths = new int[3];
    for (int i = 0; i < 3; i++) {
      widths[i] = header[i].length();
      for (String[] r : rows) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    rows.addFirst(header);
    for (String[] r : rows) {
      for (int i = 0; i < 3; i++) {
        out.append(r[i]).append(" ".repeat(widths[i] - r[i].length() + 2));
      }
      out.append(r[3].replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?")).append('\n');
    }
    return out.toString();
  }

  /** {@code /usr/bin/psql -p <n> (uid 0, sha256 0123456789ab)}. */
  private static String describe(ProcessEntry p) {
    return p.executable() + (p.arguments().isEmpty() ? "" : " " + p.arguments()) + " (uid " + p.user()
        + (p.sha256() == null ? "" : ", sha256 " + p.sha256().substring(0, 12)) + ")";
  }
}
