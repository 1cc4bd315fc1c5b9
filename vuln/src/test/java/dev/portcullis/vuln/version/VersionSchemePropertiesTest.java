package dev.portcullis.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.vuln.testing.DottedNumbers;
import dev.portcullis.vuln.version.builtin.VersionSchemes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ordering laws on seeded random versions in each ecosystem's shapes: every version equals itself, reversing a comparison negates it, a sorted sample is consistent between all
 * pairs (transitivity), a parsed version prints as written and reads back the same, versions of two schemes do not
 * compare, and junk (seeded random strings) only ever raises {@link InvalidVersionException}. Transitivity is checked on published shapes only: Maven's and rpm's own
 * algorithms are not transitive on some nonsense strings, and these schemes copy them faithfully.
 */
class VersionSchemePropertiesTest {
  private static final long SEED = 20260440L;
  private static final Map<String, String> ALPHABETS = Map.ofEntries(
      Map.entry("dpkg", "0123456789..~~+-:abz"),
      Map.entry("rpm", "0123456789..~^-:_abZ"),
      Map.entry("apk", "0123456789..-r_alphabetrcgitp~"),
      Map.entry("semver", "0123456789..-+alphabetrcv"),
      Map.entry("maven", "0123456789..--alphabetrcsnapshotspjre"),
      Map.entry("pep440", "0123456789..!+-abrcpostdevv"),
      Map.entry("go", "v0123456789..-+incompatible"),
      Map.entry("rubygems", "0123456789...-abrcpre"),
      Map.entry("nuget", "0123456789..-+AlphaBETArc"),
      Map.entry("cargo", "0123456789..-+alphabetrc"),
      Map.entry("composer", "0123456789..-_vbetaRCalphapatchdev"));

  static Stream<Arguments> schemes() {
    return VersionSchemes.all().stream().map(s -> Arguments.of(s.name(), s));
  }

  private static List<String> randomStrings(String scheme, int count) {
    Random random = new Random(SEED ^ scheme.hashCode());
    String alphabet = ALPHABETS.get(scheme);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder s = new StringBuilder();
      if (random.nextBoolean()) {
        s.append(random.nextInt(10));
      }
      int length = random.nextInt(14);
      for (int j = 0; j < length; j++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      out.add(s.toString());
    }
    return out;
  }

  /** Seeded random versions in the shapes the ecosystem publishes, all valid, parsed. */
  private static List<Version> validSample(VersionScheme scheme) {
    Random r = new Random(SEED ^ scheme.name().hashCode());
    List<Version> out = new ArrayList<>();
    while (out.size() < 120) {
      String v = shaped(scheme.name(), r);
      assertThat(scheme.tryParse(v)).as("generated " + scheme.name() + " version " + v).isPresent();
      out.add(scheme.tryParse(v).orElseThrow());
    }
    return out;
  }

  private static String shaped(String scheme, Random r) {
    String release = numbers(r, 1 + r.nextInt(4));
    String n = String.valueOf(r.nextInt(12));
    return switch (scheme) {
      case "dpkg" -> pick(r, "", "1:", "2:") + release + pick(r, "", "~rc" + n, "+dfsg", "a", "~beta" + n)
          + pick(r, "", "-" + n, "-" + n + "+deb12u" + n, "-" + n + "ubuntu" + n, "-" + n + "~bpo12+1");
      case "rpm" -> pick(r, "", "1:", "3:") + release + pick(r, "", "~rc" + n, "^git" + n, "a", "p" + n)
          + pick(r, "", "-" + n + ".el9", "-" + n + ".el9_" + n, "-" + n + ".fc" + n);
      case "apk" -> release + pick(r, "", "a", "b") + pick(r, "", "_alpha" + n, "_rc" + n, "_git" + n, "_p" + n, "_pre")
          + pick(r, "", "-r" + n);
      case "semver", "cargo" -> numbers(r, 3) + pick(r, "", "-alpha", "-alpha." + n, "-beta." + n, "-rc." + n, "-" + n, "-next.0")
          + pick(r, "", "+build." + n);
      case "go" -> "v" + numbers(r, 3) + pick(r, "", "-rc." + n, "-0.2019110902193" + n + "-daa7c04131f5", "-pre")
          + pick(r, "", "+incompatible");
      case "maven" -> release + pick(r, "", "-SNAPSHOT", "-alpha-" + n, "-beta" + n, ".RC" + n, "-rc" + n, ".M" + n,
          ".RELEASE", ".Final", "-jre", "-android", "-sp" + n, "." + n);
      case "pep440" -> pick(r, "", "1!") + release + pick(r, "", "a" + n, "b" + n, "rc" + n)
          + pick(r, "", ".post" + n) + pick(r, "", ".dev" + n) + pick(r, "", "+local." + n, "+" + n);
      case "rubygems" -> release + pick(r, "", ".pre", ".rc" + n, ".beta" + n, ".a", "." + n);
      case "nuget" -> release + pick(r, "", "-alpha", "-Beta." + n, "-rc." + n, "-preview." + n + "." + n);
      case "composer" -> pick(r, "", "v") + release + pick(r, "", "-dev", "-alpha" + n, "-beta" + n, "-RC" + n, "-patch" + n, "-p" + n);
      default -> throw new IllegalArgumentException(scheme);
    };
  }

  private static String numbers(Random r, int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count; i++) {
      s.append(i == 0 ? "" : ".").append(r.nextInt(4) == 0 ? r.nextInt(30) : r.nextInt(3));
    }
    return s.toString();
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void everyVersionEqualsItself(String name, VersionScheme scheme) {
    for (Version v : validSample(scheme)) {
      assertThat(v.compareTo(v)).as(v.toString()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void reversingAComparisonNegatesIt(String name, VersionScheme scheme) {
    List<Version> sample = validSample(scheme);
    for (Version a : sample) {
      for (Version b : sample) {
        assertThat(a.compareTo(b)).as(a + " vs " + b).isEqualTo(-b.compareTo(a));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void aSortedSampleIsOrderedBetweenEveryPair(String name, VersionScheme scheme) {
    List<Version> sorted = new ArrayList<>(validSample(scheme));
    sorted.sort(null);
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        assertThat(sorted.get(i).compareTo(sorted.get(j))).as(sorted.get(i) + " vs " + sorted.get(j)).isLessThanOrEqualTo(0);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void aVersionPrintsAsWrittenAndReadsBackTheSame(String name, VersionScheme scheme) throws Exception {
    Random r = new Random(SEED ^ scheme.name().hashCode());
    for (int i = 0; i < 120; i++) {
      String written = shaped(name, r);
      Version v = scheme.parse(written);
      assertThat(v.toString()).isEqualTo(written);
      assertThat(v.scheme()).isSameAs(scheme);
      Version again = scheme.parse(v.toString());
      assertThat(again).as(written).isEqualTo(v).hasSameHashCodeAs(v);
      assertThat(again.compareTo(v)).as(written).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void versionsOfTwoSchemesDoNotCompare(String name, VersionScheme scheme) {
    Version ours = validSample(scheme).get(0);
    Version other = DottedNumbers.version("1.0");
    assertThatThrownBy(() -> ours.compareTo(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name).hasMessageContaining("dotted-numbers");
    assertThatThrownBy(() -> other.compareTo(ours)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ours).isNotEqualTo(other);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void junkRaisesOnlyInvalidVersionException(String name, VersionScheme scheme) {
    Random random = new Random(SEED);
    List<String> junk = new ArrayList<>(randomStrings(name, 2_000));
    for (int i = 0; i < 2_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(20);
      for (int j = 0; j < length; j++) {
        s.append((char) random.nextInt(0x250));
      }
      junk.add(s.toString());
    }
    junk.addAll(List.of("", " ", "-", ".", ":", "~", "+", "v", "1:", ":1", "1-", "-1", "1..", "99999999999999999999999999.0"));
    for (String v : junk) {
      try {
        scheme.parse(v);
      } catch (InvalidVersionException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      } catch (RuntimeException e) {
        throw new AssertionError(name + " threw " + e + " for \"" + v + "\"", e);
      }
    }
  }
}
