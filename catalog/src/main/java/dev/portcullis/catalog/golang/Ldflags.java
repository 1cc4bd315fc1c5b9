package dev.portcullis.catalog.golang;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code -X importpath.name=value} string settings of a {@code -ldflags} build setting, and
 * the release version a build stamped into the main module's variables with them.
 */
final class Ldflags {
  /** Variable names (case ignored) that builds stamp with the release version. */
  private static final Set<String> VERSION_VARIABLES =
      Set.of("version", "gitversion", "buildversion", "releaseversion", "appversion", "gittag", "releasetag");
  /** Semantic versions only: {@code dev}, {@code unknown} or a commit hash are not release versions. */
  private static final Pattern SEMVER = Pattern.compile("v?\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

  private Ldflags() {}

  /** One {@code -X} setting: {@code main.version} set to {@code 1.2.3}. */
  record StringVar(String symbol, String value) {
    /** {@code version} of {@code example.com/app/internal/build.version}. */
    String variable() {
      return symbol.substring(symbol.lastIndexOf('.') + 1);
    }
  }

  /** A version found in the -X settings, as a Go module version, and the variable that held it. */
  record StampedVersion(String version, String symbol) {}

  /**
   * The {@code -X} settings, in order, of flags split as the go command splits them: at spaces,
   * a field wrapped in single or double quotes kept whole. {@code -X sym=v}, {@code -X=sym=v} and
   * the {@code --X} spellings count.
   */
  static List<StringVar> stringVars(String ldflags) {
    List<String> fields = split(ldflags);
    List<StringVar> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      String f = fields.get(i).startsWith("--") ? fields.get(i).substring(1) : fields.get(i);
      String setting;
      if (f.equals("-X") && i + 1 < fields.size()) {
        setting = fields.get(++i);
      } else if (f.startsWith("-X=")) {
        setting = f.substring(3);
      } else {
        continue;
      }
      int eq = setting.indexOf('=');
      if (eq > 0) {
        out.add(new StringVar(setting.substring(0, eq), setting.substring(eq + 1)));
      }
    }
    return out;
  }

  /**
   * The first {@code -X} setting of a version variable whose value is a semantic version, given
   * the {@code v} every Go module version carries.
   */
  static Optional<StampedVersion> version(String ldflags) {
    for (StringVar x : stringVars(ldflags)) {
      if (VERSION_VARIABLES.contains(x.variable().toLowerCase(Locale.ROOT)) && SEMVER.matcher(x.value()).matches()) {
        return Optional.of(new StampedVersion(x.value().startsWith("v") ? x.value() : "v" + x.value(), x.symbol()));
      }
    }
    return Optional.empty();
  }

  /** Splits at spaces; a field that starts with a quote runs to the matching quote, which is dropped. */
  static List<String> split(String s) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int close = s.indexOf(c, i + 1);
        // an unterminated quote would have failed the build; keep the rest as one field
        int end = close < 0 ? s.length() : close;
        fields.add(s.substring(i + 1, end));
        i = end + 1;
      } else {
        int end = i;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
          end++;
        }
        fields.add(s.substring(i, end));
        i = end;
      }
    }
    return fields;
  }
}
