package dev.portcullis.core;

/**
 * Where a check comes from in published guidance: {@code CIS_DOCKER "4.1"}, {@code PSS_BASELINE
 * "Privileged Containers"}. The item is the guidance's own numbering or heading, never its text.
 */
public record Reference(Standard standard, String item) implements Comparable<Reference> {
  /** The guidance documents a check can cite. */
  public enum Standard {
    /** CIS Docker Benchmark. */
    CIS_DOCKER("CIS Docker Benchmark"),
    /** CIS Kubernetes Benchmark. */
    CIS_KUBERNETES("CIS Kubernetes Benchmark"),
    /** Kubernetes Pod Security Standards, baseline profile. */
    PSS_BASELINE("Pod Security Standards (baseline)"),
    /** Kubernetes Pod Security Standards, restricted profile. */
    PSS_RESTRICTED("Pod Security Standards (restricted)"),
    /** NSA/CISA Kubernetes Hardening Guidance. */
    NSA_CISA("NSA/CISA Kubernetes Hardening Guidance"),
    /** Dockerfile reference and build best practices of the Docker documentation. */
    DOCKER_DOCS("Docker documentation"),
    /** MITRE Common Weakness Enumeration. */
    CWE("CWE");

    private final String title;

    Standard(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  public Reference {
    if (item.isBlank()) {
      throw new IllegalArgumentException("a reference needs an item");
    }
  }

  public static Reference cisDocker(String item) {
    return new Reference(Standard.CIS_DOCKER, item);
  }

  public static Reference cisKubernetes(String item) {
    return new Reference(Standard.CIS_KUBERNETES, item);
  }

  public static Reference pssBaseline(String control) {
    return new Reference(Standard.PSS_BASELINE, control);
  }

  public static Reference pssRestricted(String control) {
    return new Reference(Standard.PSS_RESTRICTED, control);
  }

  public static Reference nsa(String section) {
    return new Reference(Standard.NSA_CISA, section);
  }

  public static Reference docker(String topic) {
    return new Reference(Standard.DOCKER_DOCS, topic);
  }

  public static Reference cwe(int id) {
    return new Reference(Standard.CWE, "CWE-" + id);
  }

  /** {@code CIS Docker Benchmark 4.1}. */
  @Override
  public String toString() {
    return standard.title() + " " + item;
  }

  @Override
  public int compareTo(Reference o) {
    int c = standard.compareTo(o.standard);
    return c != 0 ? c : item.compareTo(o.item);
  }
}
