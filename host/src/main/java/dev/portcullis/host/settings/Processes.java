package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.SystemdUnit.Word;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The running processes of a live host, from {@code /proc/PID/cmdline}. */
public final class Processes {
  private static final int MAX_CMDLINE = 64 << 10;

  private Processes() {}

  /**
   * The command line of the first running process (lowest PID) whose program's file name is
   * {@code program}; empty when none runs. Only a live root has processes.
   */
  public static Optional<List<Word>> commandLine(Root root, String program) throws RootProblem {
    if (!root.isLive()) {
      return Optional.empty();
    }
    List<Integer> pids = new ArrayList<>();
    for (String name : root.list("/proc")) {
      if (name.matches("[0-9]{1,9}")) {
        pids.add(Integer.parseInt(name));
      }
    }
    pids.sort(null);
    for (int pid : pids) {
      String file = "/proc/" + pid + "/cmdline";
      Optional<byte[]> bytes = root.readBytes(file, MAX_CMDLINE);
      if (bytes.isEmpty() || bytes.get().length == 0) {
        continue;
      }
      String[] argv = new String(bytes.get(), StandardCharsets.UTF_8).split("\0");
      String first = argv[0];
      String base = first.substring(first.lastIndexOf('/') + 1);
      if (base.equals(program)) {
        List<Word> out = new ArrayList<>();
        for (String a : argv) {
          out.add(new Word(a, file));
        }
        return Optional.of(out);
      }
    }
    return Optional.empty();
  }
}
