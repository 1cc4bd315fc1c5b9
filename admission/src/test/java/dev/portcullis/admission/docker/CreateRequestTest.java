package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CreateRequestTest {
  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(CreateRequestTest.class.getResourceAsStream(name), name)) {
      return in.readAllBytes();
    }
  }

  private static CreateRequest parse(String json) throws GoJson.Malformed {
    return CreateRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsWhatTheDocker28ClientSendsForDangerousFlags() throws Exception {
    // docker run --privileged --pid=host -v /:/host --cap-add SYS_ADMIN --security-opt seccomp=unconfined --read-only -u 1000
    CreateRequest r = CreateRequest.parse(fixture("create-docker28-privileged-hostpid-root-bind.json"));
    assertEquals("scratchtrue:1", r.image());
    assertTrue(r.privileged());
    assertTrue(r.hostPid());
    assertFalse(r.hostIpc());
    assertFalse(r.hostNetwork());
    assertEquals(List.of("/"), r.hostPaths());
    assertEquals(List.of("SYS_ADMIN"), r.addedCapabilities());
    assertTrue(r.seccompUnconfined());
    assertTrue(r.readOnlyRoot());
    assertEquals(Optional.of("1000"), r.user());
    assertTrue(r.access(false).hostUser());
  }

  @Test
  void aPlainRunAsksForNothing() throws Exception {
    CreateRequest r = CreateRequest.parse(fixture("create-docker28-plain.json"));
    assertFalse(r.privileged() || r.hostPid() || r.hostIpc() || r.hostNetwork() || r.seccompUnconfined() || r.apparmorUnconfined()
        || r.procUnmasked() || r.readOnlyRoot());
    assertEquals(List.of(), r.hostPaths());
    assertEquals(List.of(), r.addedCapabilities());
    assertEquals(Optional.empty(), r.user());
  }

  @Test
  void bindMountsAndLocalVolumesThatBindADeviceAreHostPaths() throws Exception {
    CreateRequest r = CreateRequest.parse(fixture("create-docker28-mounts-bind-and-device-volume.json"));
    assertEquals(List.of("/etc", "/var/run"), r.hostPaths());
  }

  @Test
  void hostSettingsAtTheTopLevelCountWhenNoHostConfigIsGiven() throws Exception {
    // the engine's compatibility path: HostConfig fields beside Image
    CreateRequest r = parse("{\"Image\":\"a\",\"Privileged\":true,\"Binds\":[\"/etc:/x\"],\"NetworkMode\":\"host\"}");
    assertTrue(r.privileged());
    assertTrue(r.hostNetwork());
    assertEquals(List.of("/etc"), r.hostPaths());
  }

  @ParameterizedTest
  @ValueSource(strings = {"hostconfig", "HOSTCONFIG", "Ho\u017ftConfig"})
  void keysMatchAsGoMatchesThem(String key) throws Exception {
    CreateRequest r = parse("{\"image\":\"a\",\"" + key + "\":{\"privileged\":true,\"PIDMODE\":\"host\",\"capadd\":[\"net_admin\"]}}");
    assertEquals("a", r.image());
    assertTrue(r.privileged());
    assertTrue(r.hostPid());
    assertEquals(List.of("NET_ADMIN"), r.addedCapabilities());
  }

  @Test
  void twoKeysForOneFieldAreRefusedNotGuessed() {
    assertThrows(GoJson.Malformed.class, () -> parse("{\"Image\":\"a\",\"HostConfig\":{},\"hostconfig\":{\"Privileged\":true}}"));
    assertThrows(GoJson.Malformed.class, () -> parse("{\"Image\":\"a\",\"HostConfig\":{\"Privileged\":false,\"Privileged\":true}}"));
  }

  @Test
  void securityOptionsInBothSyntaxes() throws Exception {
    CreateRequest r = parse("{\"Image\":\"a\",\"HostConfig\":{\"SecurityOpt\":[\"seccomp:unconfined\",\"apparmor=unconfined\","
        + "\"systempaths=unconfined\"]}}");
    assertTrue(r.seccompUnconfined());
    assertTrue(r.apparmorUnconfined());
    assertTrue(r.procUnmasked());
  }

  @Test
  void namedVolumesAreNotHostPaths() throws Exception {
    assertEquals(List.of(), parse("{\"Image\":\"a\",\"HostConfig\":{\"Binds\":[\"data:/data:ro\"]}}").hostPaths());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{}", "{\"Image\":\"\"}", "{\"Image\":1}", "{\"Image\":\"a\",\"HostConfig\":{\"Privileged\":\"true\"}}",
      "{\"Image\":\"a\",\"HostConfig\":{\"Binds\":\"/:/x\"}}", "{\"Image\":\"a\"} trailing", "{\"Image\":\"a\""})
  void whatTheEngineWouldNotDecodeTheSameWayIsMalformed(String json) {
    assertThrows(GoJson.Malformed.class, () -> parse(json));
  }
}
