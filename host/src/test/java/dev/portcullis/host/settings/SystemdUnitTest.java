package dev.portcullis.host.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.SystemdUnit.Word;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unit's ExecStart as systemd would run it: continuations, quotes, prefixes, $VAR and ${VAR}, environment files. */
class SystemdUnitTest {
  @TempDir Path dir;

  @Test
  void execStartExpandsVariablesFromEnvironmentAndEnvironmentFiles() throws IOException {
    new HostFiles(dir).put("/usr/lib/systemd/system/kubelet.service", "[Unit]\nDescription=x\nExecStart=/not/in/service/section\n\n[Service]\n"
            + "Environment=\"A=--one --two=\\\"2 2\\\"\" B=3\n# ExecStart=/commented/out\n"
            + "EnvironmentFile=/etc/default/kubelet\nExecStart=-/usr/bin/kubelet $A \\\n  --three=${B}0 $MISSING \"--four=a b\"\n")
        .put("/etc/default/kubelet", "# comment\nexport B='9'\n");
    SystemdUnit u = SystemdUnit.load(Root.offline(dir), "kubelet.service").orElseThrow();
    assertThat(u.file()).isEqualTo("/usr/lib/systemd/system/kubelet.service");
    assertThat(u.execStart()).extracting(Word::text).containsExactly("/usr/bin/kubelet", "--one", "--two=2 2", "--three=90", "--four=a b");
    assertThat(u.execStart().get(3).source()).isEqualTo("B in /etc/default/kubelet");
    assertThat(u.execStart().get(1).source()).isEqualTo("A in Environment= in /usr/lib/systemd/system/kubelet.service");
  }

  @Test
  void aMissingEnvironmentFileIsAProblemUnlessOptional() throws IOException {
    new HostFiles(dir).put("/lib/systemd/system/x.service", "[Service]\nEnvironmentFile=/etc/default/x\nExecStart=/usr/bin/x\n");
    assertThatThrownBy(() -> SystemdUnit.load(Root.offline(dir), "x.service")).isInstanceOf(RootProblem.class)
        .hasMessage("x.service: EnvironmentFile /etc/default/x does not exist (systemd would not start the unit)");
    new HostFiles(dir).put("/lib/systemd/system/x.service", "[Service]\nEnvironmentFile=-/etc/default/x\nExecStart=/usr/bin/x\n");
    assertThat(SystemdUnit.load(Root.offline(dir), "x.service").orElseThrow().execStart()).extracting(Word::text).containsExactly("/usr/bin/x");
    assertThat(SystemdUnit.load(Root.offline(dir), "y.service")).isEmpty();
  }
}
