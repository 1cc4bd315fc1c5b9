package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineCallTest {
  @ParameterizedTest
  @ValueSource(strings = {"/v1.41/containers/create", "/containers/create", "/v1.41/containers%2Fcreate", "/v1.41//containers/./create",
      "/v1.41/images/../containers/create", "/v1.41/containers/create/"})
  void everySpellingOfContainerCreateIsOne(String path) throws Exception {
    assertEquals(new EngineCall.ContainerCreate(Optional.empty()), EngineCall.of("POST", path));
  }

  @Test
  void theContainerNameComesFromTheQuery() throws Exception {
    assertEquals(new EngineCall.ContainerCreate(Optional.of("web 1")), EngineCall.of("POST", "/v1.41/containers/create?name=web%201"));
  }

  @Test
  void execAndStartAreToldApart() throws Exception {
    assertEquals(new EngineCall.ExecCreate("abc"), EngineCall.of("POST", "/v1.41/containers/abc/exec"));
    assertEquals(new EngineCall.ExecStart("e1"), EngineCall.of("POST", "/v1.41/exec/e1/start"));
    assertEquals(new EngineCall.ContainerStart("abc", false), EngineCall.of("POST", "/v1.41/containers/abc/start"));
    assertEquals(new EngineCall.ContainerStart("abc", true), EngineCall.of("POST", "/v1.23/containers/abc/start"));
    assertEquals(new EngineCall.VolumeCreate(), EngineCall.of("POST", "/v1.41/volumes/create"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1.41/services/create", "/v1.41/services/web/update", "/v1.41/plugins/pull", "/v1.41/plugins/create",
      "/v1.41/plugins/vieux/sshfs:latest/upgrade", "/v1.41/plugins/sshfs/set"})
  void servicesAndManagedPluginsAreUnchecked(String path) throws Exception {
    assertEquals(EngineCall.Unchecked.class, EngineCall.of("POST", path).getClass());
  }

  @Test
  void readsAreOther() throws Exception {
    assertEquals(new EngineCall.Other(), EngineCall.of("GET", "/v1.41/containers/json"));
    assertEquals(new EngineCall.Other(), EngineCall.of("HEAD", "/_ping"));
    assertEquals(new EngineCall.Other(), EngineCall.of("POST", "/v1.41/containers/abc/wait"));
  }

  @Test
  void aBadEscapeIsMalformed() {
    assertThrows(GoJson.Malformed.class, () -> EngineCall.of("POST", "/v1.41/containers%2/create"));
  }
}
