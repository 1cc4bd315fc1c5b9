package dev.portcullis.admission.hook;

import java.util.List;

/** What the hook tells the runtime: start the container (exit 0), or not (non-zero, one line on stderr). */
public sealed interface HookAnswer {
  /** The process exit code: 0 admitted, {@link #REFUSED} refused by the policy, {@link #UNDECIDED} refused for want of a decision. */
  int exitCode();

  /** The line for standard error; empty for an admission without warnings. */
  String message();

  int REFUSED = 1;
  int UNDECIDED = 2;

  /** Admitted; {@code warnings} are printed on stderr, which podman shows only when the hook fails. */
  record Admit(List<String> warnings) implements HookAnswer {
    public Admit {
      warnings = List.copyOf(warnings);
    }

    @Override
    public int exitCode() {
      return 0;
    }

    @Override
    public String message() {
      return warnings.isEmpty() ? "" : "portcullis: admitted with warnings: " + String.join("; ", warnings);
    }
  }

  /** Refused; {@code message} names the container, the image and every rule broken, on one line. */
  record Refuse(int exitCode, String message) implements HookAnswer {
    public Refuse {
      if (exitCode != REFUSED && exitCode != UNDECIDED) {
        throw new IllegalArgumentException("a refusal exits " + REFUSED + " or " + UNDECIDED + ", not " + exitCode);
      }
      message = oneLine(message);
    }
  }

  /**
   * Line breaks and control characters would split the runtime's error: they become spaces. Podman
   * reads "no such file or directory" and "executable file not found" in a runtime's error as a
   * missing command (exit 127, not 126): those words are said otherwise.
   */
  static String oneLine(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? ' ' : c));
    return MISLEADING.matcher(b.toString().strip()).replaceAll("(missing)");
  }

  /** What podman takes for a missing command in a hook's error. */
  java.util.regex.Pattern MISLEADING = java.util.regex.Pattern.compile("(?i)no such file or directory|executable file not found");
}
