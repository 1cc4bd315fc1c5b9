package dev.portcullis.behaviour.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProcessEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The programs each workload may execute, from its profile: every executable it ran, with the SHA-256s it had and the
 * argument patterns and users it ran with.
 *
 * @param allowlists one per workload, by name
 */
public record ProcessAllowlists(List<Allowlist> allowlists) {
  /** The {@code apiVersion} of the document. */
  public static final String API_VERSION = "portcullis.dev/process-allowlist/v1";

  public ProcessAllowlists {
    allowlists = allowlists.stream().sorted(java.util.Comparator.comparing(Allowlist::workload)).toList();
    for (int i = 1; i < allowlists.size(); i++) {
      if (allowlists.get(i).workload().equals(allowlists.get(i - 1).workload())) {
        throw new IllegalArgumentException("process allowlists: two for workload " + allowlists.get(i).workload());
      }
    }
  }

  /** The allowlist of every profile; two profiles for one workload fail. */
  public static ProcessAllowlists of(Collection<Profile> profiles) {
    ProfileSet set = ProfileSet.of(profiles, "generate process allowlists");
    return new ProcessAllowlists(set.profiles().stream().map(Allowlist::of).toList());
  }

  /** The allowlist of {@code workload}, when it has one. */
  public Optional<Allowlist> forWorkload(String workload) {
    return allowlists.stream().filter(a -> a.workload().equals(workload)).findFirst();
  }

  /** The document: JSON, {@code apiVersion} {@value #API_VERSION}, with a final newline. */
  public String json() {
    ObjectNode root = Json.object();
    root.put("apiVersion", API_VERSION);
    ArrayNode workloads = root.putArray("workloads");
    for (Allowlist a : allowlists) {
      ObjectNode w = workloads.addObject();
      w.put("workload", a.workload());
      w.put("profileRevision", a.revision());
      ArrayNode executables = w.putArray("executables");
      for (Executable e : a.executables()) {
        ObjectNode n = executables.addObject();
        n.put("path", e.path());
        e.sha256().forEach(n.putArray("sha256")::add);
        e.arguments().forEach(n.putArray("arguments")::add);
        e.users().forEach(n.putArray("users")::add);
      }
    }
    return Json.write(root, "process allowlists");
  }

  /**
   * The programs one workload may execute.
   *
   * @param workload the workload's name
   * @param revision the revision of the profile it was made from
   * @param executables by path, no two with one path
   */
  public record Allowlist(String workload, int revision, List<Executable> executables) {
    public Allowlist {
      executables = executables.stream().sorted(java.util.Comparator.comparing(Executable::path)).toList();
      for (int i = 1; i < executables.size(); i++) {
        if (executables.get(i).path().equals(executables.get(i - 1).path())) {
          throw new IllegalArgumentException("process allowlist of " + workload + ": executable "
              + executables.get(i).path() + " is listed twice");
        }
      }
    }

    /** The allowlist of one profile: its processes grouped by executable path. */
    public static Allowlist of(Profile profile) {
      Map<String, List<ProcessEntry>> byPath = new TreeMap<>();
      for (ProcessEntry p : profile.processes()) {
        byPath.computeIfAbsent(p.executable(), k -> new ArrayList<>()).add(p);
      }
      List<Executable> executables = new ArrayList<>();
      byPath.forEach((path, entries) -> {
        Set<String> hashes = new TreeSet<>();
        Set<String> arguments = new TreeSet<>();
        Set<String> users = new TreeSet<>(java.util.Comparator.comparingLong(Long::parseLong));
        for (ProcessEntry e : entries) {
          if (e.sha256() != null) {
            hashes.add(e.sha256());
          }
          arguments.add(e.arguments());
          users.add(e.user());
        }
        executables.add(new Executable(path, List.copyOf(hashes), List.copyOf(arguments), List.copyOf(users)));
      });
      return new Allowlist(profile.workload().name(), profile.revision(), executables);
    }

    /**
     * Whether the workload may execute {@code executable} whose content has {@code sha256}: the path is listed and,
     * when the list knows the path's SHA-256s, {@code sha256} is one of them. An executable whose SHA-256 could not be
     * read ({@code null}) is not allowed where the list knows them: a file that cannot be hashed cannot be shown to
     * be the one learned.
     */
    public boolean allows(String executable, @Nullable String sha256) {
      for (Executable e : executables) {
        if (e.path().equals(executable)) {
          return e.sha256().isEmpty() || sha256 != null && e.sha256().contains(sha256);
        }
      }
      return false;
    }
  }

  /**
   * One allowed program.
   *
   * @param path its absolute path inside the workload
   * @param sha256 the SHA-256s (hex) its file had when executed, sorted; empty when none could be read, and then any
   *     content is allowed at that path
   * @param arguments the argument patterns it ran with ({@link ProcessEntry#arguments()}), sorted; informative only
   * @param users the numeric UIDs it ran as, in numeric order; informative only
   */
  public record Executable(String path, List<String> sha256, List<String> arguments, List<String> users) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Executable {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("allowed executable " + path + " is not an absolute path");
      }
      for (String s : sha256) {
        if (!SHA256.matcher(s).matches()) {
          throw new IllegalArgumentException("allowed executable " + path + ": " + s + " is not a SHA-256 in hex");
        }
      }
      sha256 = List.copyOf(new TreeSet<>(sha256));
      arguments = List.copyOf(new TreeSet<>(arguments));
      for (String u : users) {
        if (!u.matches("[0-9]{1,10}")) {
          throw new IllegalArgumentException("allowed executable " + path + ": user " + u + " is not a numeric UID");
        }
      }
      users = users.stream().distinct().sorted(java.util.Comparator.comparingLong(Long::parseLong)).toList();
    }
  }
}
