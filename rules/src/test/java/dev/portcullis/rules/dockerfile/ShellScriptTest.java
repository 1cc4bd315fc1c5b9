package dev.portcullis.rules.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How every Dockerfile check reads a command: the spellings shells and option parsers accept for the same thing. */
class ShellScriptTest {
  private static ShellScript.Command only(String script) {
    List<ShellScript.Command> commands = ShellScript.parse(script).commands();
    assertThat(commands).as(script).hasSize(1);
    return commands.get(0);
  }

  @ParameterizedTest(name = "{0} has {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      curl -Lkv https://x               | -k                | true
      curl -Lkv https://x               | -v                | true
      curl -fsSL https://x/-k           | -k                | false
      curl -fsSL -o k https://x         | -k                | false
      curl --insecure https://x         | --insecure        | true
      curl --insecure=yes https://x     | --insecure        | true
      curl --insecurely https://x       | --insecure        | false
      curl -fsSL -- -k                  | -k                | false
      apt-get -qq install x             | -qq               | true
      apt-get -q install x              | -qq               | false
      apt-get -qy install x             | -y                | true
      """)
  void optionsAloneCombinedOrWithAValue(String script, String option, boolean expected) {
    assertThat(only(script).has(option)).isEqualTo(expected);
  }

  @Test
  void anOptionsValueIsReadInEverySpelling() {
    assertThat(only("yum-config-manager --setopt=sslverify=false --setopt sslverify=0 --save").values("--setopt"))
        .containsExactly("sslverify=false", "sslverify=0");
    assertThat(only("git -c http.sslVerify=false -chttp.proxy=x clone y").values("-c")).containsExactly("http.sslVerify=false", "http.proxy=x");
    assertThat(only("apt-get -o APT::Get::AllowUnauthenticated=true install x").values("-o")).containsExactly("APT::Get::AllowUnauthenticated=true");
  }

  @Test
  void assignmentsWrappersAndExportsSetVariables() {
    ShellScript.Command prefixed = only("sudo -E NODE_TLS_REJECT_UNAUTHORIZED=0 /usr/bin/npm ci");
    assertThat(prefixed.program()).isEqualTo("npm");
    assertThat(prefixed.variables()).isEqualTo(Map.of("NODE_TLS_REJECT_UNAUTHORIZED", "0"));
    assertThat(only("env A=1 B='two words' python3 app.py").variables()).containsEntry("A", "1").containsEntry("B", "two words");
    ShellScript script = ShellScript.parse("export GIT_SSL_NO_VERIFY=1 PATH=/x && git clone y");
    assertThat(script.variables()).containsEntry("GIT_SSL_NO_VERIFY", "1").containsEntry("PATH", "/x");
    assertThat(script.commands()).extracting(ShellScript.Command::program).containsExactly("export", "git");
  }

  @Test
  void chainsAndContinuationsMakeCommands() {
    ShellScript s = ShellScript.parse("set -eux; \\\n  apt-get update \\\n  && apt-get install -y x || exit 1 # done\ncurl -fsS https://x | sh");
    assertThat(s.commands()).extracting(ShellScript.Command::program).containsExactly("set", "apt-get", "apt-get", "exit", "curl", "sh");
    assertThat(s.pipelines()).hasSize(5);
    assertThat(s.commands().get(2).operands()).containsExactly("x");
  }
}
