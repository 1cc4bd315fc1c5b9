package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The mount at a mount point and its options: live, from {@code /proc/self/mountinfo} (the
 * mount's own options and its file system's, the last mount on that point); offline, from
 * {@code /etc/fstab} (what the host mounts at boot).
 */
public final class Mounts {
  private Mounts() {}

  /** The options of the file system mounted exactly at {@code mountPoint}, joined by {@code ,}; empty when none is. */
  public static Optional<Setting> at(Root root, String mountPoint) throws RootProblem {
    String file = root.isLive() ? "/proc/self/mountinfo" : "/etc/fstab";
    String text = root.readText(file, 4 << 20).orElse("");
    Setting found = null;
    for (String line : text.lines().toList()) {
      String[] f = line.strip().split("\\s+");
      if (line.strip().startsWith("#")) {
        continue;
      }
      if (root.isLive()) {
        int dash = java.util.Arrays.asList(f).indexOf("-");
        if (f.length < 6 || dash < 0 || !unescape(f[4]).equals(mountPoint)) {
          continue;
        }
        Set<String> options = new LinkedHashSet<>(java.util.List.of(f[5].split(",")));
        if (dash + 3 < f.length) {
          options.addAll(java.util.List.of(f[dash + 3].split(",")));
        }
        found = new Setting(mountPoint, String.join(",", options), Origin.LIVE, file + " (" + (dash + 1 < f.length ? f[dash + 1] : "?") + ")");
      } else {
        if (f.length < 4 || !unescape(f[1]).equals(mountPoint)) {
          continue;
        }
        found = new Setting(mountPoint, f[3], Origin.FILE, file + " (" + f[2] + " " + f[0] + ")");
      }
    }
    return Optional.ofNullable(found);
  }

  /** Undoes the octal escapes ({@code \040} for a space) of mount tables. */
  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(s.charAt(i));
      }
    }
    return sb.toString();
  }
}
