package dev.portcullis.cli;

import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.behaviour.generate.Drift;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the behaviour commands share: reading profiles, writing output, a drift report, durations. */
final class BehaviourFiles {
  private BehaviourFiles() {}

  /** Every profile of the given files and directories, each read strictly. */
  static List<Profile> read(List<Path> paths) throws IOException {
    List<Profile> profiles = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(p, "*.json")) {
          dir.forEach(files::add);
        } catch (IOException e) {
          throw new IOException("read profiles in " + p + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
          throw new IOException("read profiles in " + p + ": no *.json file in it");
        }
        files.sort(null);
        for (Path f : files) {
          profiles.add(ProfileJson.read(f));
        }
      } else {
        profiles.add(ProfileJson.read(p));
      }
    }
    return profiles;
  }

  /** Writes {@code text} to {@code output} atomically, or to standard output. */
  static void emit(Main main, @Nullable Path output, String text) throws IOException {
    if (output == null) {
      main.out.print(text);
    } else {
      AtomicWrite.write(output, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Exit code of {@code drift} when something drifted. */
  static final int DRIFTED = 1;

  /** Writes a drift report as a table or JSON and returns whether anything drifted. */
  static boolean report(Main main, List<Drift> drifts, String format, @Nullable Path output) throws IOException {
    StringBuilder text = new StringBuilder();
    if (format.equals("json")) {
      text.append(drifts.size() == 1 ? drifts.getFirst().json() : "[\n" + String.join(",\n", drifts.stream()
          .map(d -> d.json().strip()).toList()) + "\n]\n");
    } else {
      drifts.forEach(d -> text.append(d.table()));
    }
    emit(main, output, text.toString());
    return drifts.stream().anyMatch(d -> !d.none());
  }

  /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 500ms}, or an ISO-8601 duration. */
  static Duration duration(String option, String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)").matcher(text);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        d = Duration.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(option + " " + text + ": a duration such as 30s, 10m or 2h");
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + " " + text + ": a duration above zero");
    }
    return d;
  }
}
