package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetnsLabIT {
  @Test
  void namespacesReachEachOtherAndNothingIsLeftAfterClose() throws Exception {
    String hostLinks = Tools.run(Duration.ofSeconds(10), "ip", "-o", "link").stdoutText();
    NetnsLab lab = NetnsLab.create("a", "b");
    List<String> names = List.of(lab.namespace("a"), lab.namespace("b"));
    try (lab) {
      assertThat(lab.address("a")).matches("10\\.[0-9]+\\.[0-9]+\\.2");
      lab.start("b", "server", List.of("socat", "TCP-LISTEN:7000,reuseaddr", "EXEC:/bin/cat"));
      lab.resolvConf("a", lab.address("b"));
      Tools.Result echo = null;
      for (int i = 0; i < 50 && (echo == null || !echo.stdoutText().equals("hi\n")); i++) {
        Thread.sleep(100);
        echo = lab.exec("a", Duration.ofSeconds(10), "sh", "-c", "echo hi | socat -t 2 - TCP:" + lab.address("b")
            + ":7000");
      }
      assertThat(echo.stdoutText()).isEqualTo("hi\n");
      assertThat(lab.exec("a", Duration.ofSeconds(10), "cat", "/etc/resolv.conf").stdoutText())
          .startsWith("nameserver " + lab.address("b"));
      assertThat(lab.identify(ProcessHandle.current().pid())).isEmpty();
      assertThat(Tools.run(Duration.ofSeconds(10), "ip", "-o", "link").stdoutText()).as("the host gets no link")
          .isEqualTo(hostLinks);
    }
    String left = Tools.run(Duration.ofSeconds(10), "ip", "netns", "list").stdoutText();
    assertThat(names).allMatch(n -> !left.contains(n));
    assertThat(Files.exists(java.nio.file.Path.of("/etc/netns", names.get(0)))).isFalse();
  }
}
