package dev.portcullis.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HostIsolationTest {
  private static final HostProfile BASELINE = new HostProfile(StagePolicy.PodSecurity.BASELINE, Set.of("NET_BIND_SERVICE"), false, false);
  private static final HostProfile RESTRICTED = new HostProfile(StagePolicy.PodSecurity.RESTRICTED, Set.of("NET_BIND_SERVICE"), false, false);
  private static final HostProfile PRIVILEGED = new HostProfile(StagePolicy.PodSecurity.PRIVILEGED, Set.of(), false, false);

  private static HostAccess access(boolean privileged, boolean hostPid, List<String> paths, List<String> caps) {
    return new HostAccess(privileged, hostPid, false, false, false, paths, caps, false, false, Optional.of("1000"));
  }

  private static Set<String> rules(List<Violation> violations) {
    Set<String> out = new TreeSet<>();
    violations.forEach(v -> out.add(v.rule()));
    return out;
  }

  @Test
  void aPlainContainerPassesBaselineAndRestricted() {
    HostAccess plain = access(false, false, List.of(), List.of());
    assertEquals(List.of(), Admission.hostIsolation("app", plain, BASELINE));
    assertEquals(List.of(), Admission.hostIsolation("app", plain, RESTRICTED));
  }

  @Test
  void privilegedIsPcsK8s001() {
    List<Violation> v = Admission.hostIsolation("app", access(true, false, List.of(), List.of()), BASELINE);
    assertEquals(Set.of("PCS-K8S-001"), rules(v));
    assertEquals("app", v.getFirst().container());
    assertTrue(v.getFirst().message().startsWith("container app is privileged"), v.getFirst().message());
  }

  @Test
  void hostPidIsPcsK8s002() {
    List<Violation> v = Admission.hostIsolation("app", access(false, true, List.of(), List.of()), BASELINE);
    assertEquals(Set.of("PCS-K8S-002"), rules(v));
    assertTrue(v.getFirst().message().startsWith("container app sets hostPID"), v.getFirst().message());
  }

  @Test
  void rootMountIsAHostPathAndASensitiveOne() {
    assertEquals(Set.of("PCS-K8S-006", "PCS-K8S-007"), rules(Admission.hostIsolation("app", access(false, false, List.of("/"), List.of()), BASELINE)));
    assertEquals(Set.of("PCS-K8S-006", "PCS-K8S-007", "PCS-K8S-021"),
        rules(Admission.hostIsolation("app", access(false, false, List.of("//etc/../"), List.of()), RESTRICTED)));
  }

  @Test
  void aSensitiveMountIsRefusedEvenAtThePrivilegedLevel() {
    assertEquals(Set.of("PCS-K8S-007"), rules(Admission.hostIsolation("app", access(false, false, List.of("/var/run/docker.sock", "/data"), List.of()), PRIVILEGED)));
    assertEquals(List.of(), Admission.hostIsolation("app", access(true, true, List.of("/data"), List.of()), PRIVILEGED));
  }

  @Test
  void sysAdminIsPcsK8s005And042() {
    List<Violation> v = Admission.hostIsolation("app", access(false, false, List.of(), List.of("CAP_SYS_ADMIN")), BASELINE);
    assertEquals(Set.of("PCS-K8S-005", "PCS-K8S-042"), rules(v));
    assertEquals(2, v.size(), v.toString());
  }

  @Test
  void theProfilesCapabilitySetNarrowsTheBaselineSet() {
    assertEquals(List.of(), Admission.hostIsolation("app", access(false, false, List.of(), List.of("NET_BIND_SERVICE")), BASELINE));
    List<Violation> chown = Admission.hostIsolation("app", access(false, false, List.of(), List.of("CHOWN")), BASELINE);
    assertEquals(Set.of("PCS-K8S-005"), rules(chown));
    assertTrue(chown.getFirst().message().contains("this host does not allow"), chown.getFirst().message());
    assertEquals(Set.of("PCS-K8S-042"), rules(Admission.hostIsolation("app", access(false, false, List.of(), List.of("SYS_PTRACE")), PRIVILEGED)));
    assertEquals(List.of(), Admission.hostIsolation("app", access(false, false, List.of(), List.of("SYS_PTRACE")),
        new HostProfile(StagePolicy.PodSecurity.PRIVILEGED, Set.of("sys_ptrace"), false, false)));
  }

  @Test
  void restrictedAddsRootSeccompAndCapabilityRules() {
    HostAccess root = new HostAccess(false, false, false, false, false, List.of(), List.of("CHOWN"), true, false, Optional.of("0:0"));
    assertEquals(Set.of("PCS-K8S-012", "PCS-K8S-016", "PCS-K8S-017", "PCS-K8S-020", "PCS-K8S-034"),
        rules(Admission.hostIsolation("app", root, new HostProfile(StagePolicy.PodSecurity.RESTRICTED, Set.of("CHOWN"), false, false))));
    HostAccess unknownUser = new HostAccess(false, false, false, false, false, List.of(), List.of(), false, false, Optional.empty());
    assertEquals(Set.of("PCS-K8S-016"), rules(Admission.hostIsolation("app", unknownUser, RESTRICTED)));
    assertEquals(List.of(), Admission.hostIsolation("app", unknownUser, BASELINE));
  }

  @Test
  void theProfilesOwnRules() {
    HostAccess hostUser = new HostAccess(false, false, false, false, true, List.of(), List.of(), false, false, Optional.of("1000"));
    HostProfile strict = new HostProfile(StagePolicy.PodSecurity.BASELINE, Set.of(), true, true);
    assertEquals(Set.of("PCS-ADM-009", "PCS-K8S-022"), rules(Admission.hostIsolation("app", hostUser, strict)));
    assertEquals(List.of(), Admission.hostIsolation("app", hostUser, BASELINE));
    HostAccess readOnly = new HostAccess(false, false, false, false, false, List.of(), List.of(), false, true, Optional.of("1000"));
    assertEquals(List.of(), Admission.hostIsolation("app", readOnly, strict));
  }

  @Test
  void hostNamespacesAreEachTheirOwnRule() {
    HostAccess all = new HostAccess(false, true, true, true, false, List.of(), List.of(), false, false, Optional.of("1000"));
    assertEquals(Set.of("PCS-K8S-002", "PCS-K8S-003", "PCS-K8S-004"), rules(Admission.hostIsolation("web.1", all, BASELINE)));
  }
}
