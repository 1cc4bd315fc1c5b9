package dev.portcullis.vuln.osv;

import dev.portcullis.vuln.version.VersionScheme;
import java.util.List;

/**
 * Whether one {@code affected[]} entry covers an installed version. Every outcome carries notes:
 * what was left out of the decision (a GIT range, a range whose versions the scheme rejects).
 */
public sealed interface Evaluation {
  List<String> notes();

  /** The outcome for a package whose installed version {@code scheme} rejects: nothing can be decided. */
  static Evaluation unparseable(VersionScheme scheme, String installed) {
    return new Undecidable("'" + installed + "' is not a " + scheme.name() + " version", List.of());
  }

  /** The version is covered; {@code because} says by which range or list, in one line. */
  record Affected(String because, List<String> notes) implements Evaluation {
    public Affected {
      notes = List.copyOf(notes);
    }
  }

  /** No range and no listed version covers it. */
  record NotAffected(List<String> notes) implements Evaluation {
    public NotAffected {
      notes = List.copyOf(notes);
    }
  }

  /** The installed version is not a version of the scheme, so nothing can be decided. */
  record Undecidable(String reason, List<String> notes) implements Evaluation {
    public Undecidable {
      notes = List.copyOf(notes);
    }
  }
}
