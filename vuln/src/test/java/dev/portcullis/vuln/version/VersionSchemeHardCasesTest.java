package dev.portcullis.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.vuln.version.builtin.VersionSchemes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known hard cases of every scheme, one table per scheme under {@code hard-cases/}, each row citing
 * where its verdict comes from (a spec section, a documented example, a real release series).
 */
class VersionSchemeHardCasesTest {

  static Stream<Arguments> orderings() throws IOException {
    List<Arguments> rows = new ArrayList<>();
    for (VersionScheme scheme : VersionSchemes.all()) {
      for (String[] row : table(scheme.name())) {
        rows.add(Arguments.of(scheme.name(), row[0], row[1], row[2], row[3]));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1} {2} {3} ({4})")
  @MethodSource("orderings")
  void ordersAsTheSourceSays(String schemeName, String a, String op, String b, String source) throws Exception {
    VersionScheme scheme = scheme(schemeName);
    int expected = switch (op) {
      case "<" -> -1;
      case "=" -> 0;
      case ">" -> 1;
      default -> throw new IllegalArgumentException("unknown operator " + op);
    };
    assertThat(scheme.parse(a).compareTo(scheme.parse(b))).as(source).isEqualTo(expected);
    assertThat(scheme.parse(b).compareTo(scheme.parse(a))).as("reversed: " + source).isEqualTo(-expected);
  }

  static Stream<Arguments> invalid() throws IOException {
    return table("invalid").stream().map(r -> Arguments.of(r[0], r[1], r[2]));
  }

  @ParameterizedTest(name = "{0}: \"{1}\" is refused ({2})")
  @MethodSource("invalid")
  void refusesWhatTheEcosystemRefuses(String schemeName, String version, String source) {
    VersionScheme scheme = scheme(schemeName);
    assertThat(scheme.isValid(version)).as(source).isFalse();
    assertThatThrownBy(() -> scheme.parse(version))
        .isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining(version)
        .hasMessageContaining(schemeName)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static VersionScheme scheme(String name) {
    return VersionSchemes.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<String[]> table(String name) throws IOException {
    try (InputStream in = VersionSchemeHardCasesTest.class.getResourceAsStream("hard-cases/" + name + ".txt")) {
      assertThat(in).as("hard-cases/" + name + ".txt").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split("\\s*\\|\\s*", -1))
          .map(cells -> {
            for (int i = 0; i < cells.length; i++) {
              cells[i] = cells[i].strip();
            }
            return cells;
          })
          .toList();
    }
  }
}
