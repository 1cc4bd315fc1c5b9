package dev.portcullis.behaviour;

import java.time.Instant;
import java.util.List;

/**
 * What one learning run saw of one workload: each flow and process once, with its count in this run.
 *
 * @param workload the workload, with the addresses it had during the run
 * @param started when the run began
 * @param ended when it ended
 * @param flows the flows seen (runs = 1), one per kind
 * @param processes the processes seen (runs = 1), one per kind
 */
public record Observation(
    Workload workload, Instant started, Instant ended, List<Flow> flows, List<ProcessEntry> processes) {
  public Observation {
    if (ended.isBefore(started)) {
      throw new IllegalArgumentException("workload " + workload.name() + ": a run that ends before it starts");
    }
    flows = flows.stream().sorted(Flow.ORDER).toList();
    processes = processes.stream().sorted(ProcessEntry.ORDER).toList();
  }
}
