package dev.portcullis.catalog.golang;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LdflagsTest {
  @Test
  void stringVarsInEverySpelling() {
    assertThat(Ldflags.stringVars("-s -w -X 'main.greeting=hello world' -X=main.pair=a=b --X \"x.y/z.Commit=abc\" -X=a.b=c=d -X"))
        .containsExactly(
            new Ldflags.StringVar("main.greeting", "hello world"),
            new Ldflags.StringVar("main.pair", "a=b"),
            new Ldflags.StringVar("x.y/z.Commit", "abc"),
            new Ldflags.StringVar("a.b", "c=d"));
  }

  @Test
  void quotesKeepAFieldWhole() {
    assertThat(Ldflags.split("  -extldflags '-static -lm'  -X \"a.b=c d\" 'unterminated x")).containsExactly(
        "-extldflags", "-static -lm", "-X", "a.b=c d", "unterminated x");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-X main.version=1.2.3                                         | v1.2.3       | main.version",
      "-s -w -X 'main.version=1.2.3'                                 | v1.2.3       | main.version",
      "-X=main.Version=v0.9.0                                        | v0.9.0       | main.Version",
      "--X example.com/app/internal/build.GitVersion=2.0.0-rc.1      | v2.0.0-rc.1  | example.com/app/internal/build.GitVersion",
      "-X main.commit=abc123 -X main.version=dev -X main.buildVersion=1.4.0+meta | v1.4.0+meta | main.buildVersion",
      "-X main.releaseVersion=3.1.4 -X main.version=9.9.9            | v3.1.4       | main.releaseVersion",
      "-X main.version=dev                                           | ''           | ''",
      "-X main.version=1.2                                           | ''           | ''",
      "-X main.name=1.2.3                                            | ''           | ''",
      "-s -w                                                         | ''           | ''"})
  void releaseVersionOfAVersionVariable(String ldflags, String version, String symbol) {
    assertThat(Ldflags.version(ldflags).map(v -> v.version() + " " + v.symbol()).orElse(""))
        .isEqualTo(version.isEmpty() ? "" : version + " " + symbol);
  }
}
