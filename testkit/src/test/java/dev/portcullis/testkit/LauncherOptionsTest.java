package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherOptionsTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void aPushedImageByDigestKeepsTheRegistryPortAndDropsTheTag() {
    BusyboxImage.Pushed pushed = new BusyboxImage.Pushed("127.0.0.1:5000/team/busybox:1", DIGEST);

    assertThat(pushed.digestReference()).isEqualTo("127.0.0.1:5000/team/busybox@" + DIGEST);
  }

  @Test
  void aPushedImageNeedsASha256Digest() {
    assertThatThrownBy(() -> new BusyboxImage.Pushed("127.0.0.1:5000/busybox:1", "latest"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("not a sha256 digest: latest");
  }

  @Test
  void podmanRefusesAnInsecureRegistryThatIsNotAHost() {
    assertThatThrownBy(() -> new Podman.Options(null, null, List.of("127.0.0.1:5000\"\n[x]")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("podman: an insecure registry is HOST or HOST:PORT");
  }

  @Test
  void dockerdRefusesAPluginNameThatIsNotAFileName() {
    assertThatThrownBy(() -> Dockerd.Options.defaults().withAuthorizationPlugin("../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dockerd: a plugin name is");
  }

  @Test
  void aBusyboxVariantIsABoundedName() {
    assertThatThrownBy(() -> BusyboxImage.writeLayout(java.nio.file.Path.of("/nonexistent"), "1", "a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a b");
  }
}
