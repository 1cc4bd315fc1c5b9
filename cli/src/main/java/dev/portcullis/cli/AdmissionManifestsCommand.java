package dev.portcullis.cli;

import dev.portcullis.admission.StagePolicy.PodSecurity;
import dev.portcullis.admission.cluster.ClusterManifests;
import dev.portcullis.admission.cluster.ClusterSpec;
import dev.portcullis.admission.cluster.PolicyExport;
import dev.portcullis.admission.cluster.YamlDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis admission manifests}: what a cluster needs for the admission webhooks, as one
 * YAML stream; registered under the {@code admission} command group.
 */
@Command(name = "manifests", mixinStandardHelpOptions = true,
    description = "Write the Kubernetes manifests of the admission webhooks: the server's Namespace, ServiceAccount, TLS material, "
        + "Service, NetworkPolicy, Deployment and PodDisruptionBudget, one mutating and one validating webhook per stage, and on request "
        + "the Pod Security and registry checks as ValidatingAdmissionPolicy objects (Kubernetes 1.30 and later).",
    footer = {"", "Exit codes: 0 written, 2 errors (the reason on stderr)."})
final class AdmissionManifestsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "portcullis", description = "Namespace the server runs in (default portcullis).")
  String namespace = "portcullis";

  @Option(names = "--image", paramLabel = "REF@sha256:DIGEST", required = true, description = "The server's image, by digest.")
  String image = "";

  @Option(names = "--service", paramLabel = "NAME", defaultValue = "portcullis-admission",
      description = "Service and Deployment name (default portcullis-admission).")
  String service = "portcullis-admission";

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "443", description = "Service port the API server calls (default 443).")
  int port = 443;

  @Option(names = "--stage", paramLabel = "STAGE", required = true,
      description = "A stage: its webhooks apply to namespaces labelled portcullis.dev/stage=STAGE. Repeat for several.")
  List<String> stages = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + ClusterSpec.DEFAULT_TIMEOUT_SECONDS,
      description = "Webhook timeoutSeconds, 1 to 30 (default 5).")
  int timeout = ClusterSpec.DEFAULT_TIMEOUT_SECONDS;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Tls tls = new Tls();

  static final class Tls {
    @Option(names = "--cert-manager", paramLabel = "ISSUER", description = "Let cert-manager issue the certificate: writes a self-signed Issuer "
        + "of this name and a Certificate, and asks its CA injector to fill the webhooks' caBundle.")
    @Nullable String issuer;

    @ArgGroup(exclusive = false)
    @Nullable TlsFiles files;
  }

  static final class TlsFiles {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true, description = "The serving certificate (PEM); must name SERVICE.NAMESPACE.svc.")
    Path cert = Path.of("");

    @Option(names = "--tls-key", paramLabel = "FILE", required = true, description = "Its private key (PEM), written into a Secret.")
    Path key = Path.of("");

    @Option(names = "--ca", paramLabel = "FILE", required = true, description = "The CA that signed it (PEM), the webhooks' caBundle.")
    Path ca = Path.of("");
  }

  @Option(names = "--validating-admission-policy", paramLabel = "LEVEL",
      description = "Also export the Pod Security checks at LEVEL (baseline or restricted) as ValidatingAdmissionPolicy objects.")
  @Nullable String level;

  @Option(names = "--allowed-registry", paramLabel = "GLOB",
      description = "A registry images may come from (registry.example:5000, *.corp), exported with --validating-admission-policy. Repeat for several.")
  List<String> registries = new ArrayList<>();

  @Option(names = "--no-pod-disruption-budget", negatable = false,
      description = "Leave out the PodDisruptionBudget (policy/v1 needs Kubernetes 1.21 or later).")
  boolean noPodDisruptionBudget;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (replaced atomically, readable by its owner only) instead of stdout.")
  @Nullable Path output;

  @Override
  public Integer call() {
    Main main = Main.of(spec);
    try {
      String yaml = render();
      if (output == null) {
        main.out.print(yaml);
        main.out.flush();
      } else {
        write(output, yaml);
        main.err.println("manifests  " + output);
      }
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      Main.printFailure(main.err, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
  }

  private String render() throws IOException {
    ClusterSpec.Tls material;
    if (tls.issuer != null) {
      material = new ClusterSpec.CertManager(tls.issuer);
    } else {
      TlsFiles f = java.util.Objects.requireNonNull(tls.files, "picocli gives one of the TLS choices");
      material = new ClusterSpec.Provided(read("--ca", f.ca), read("--tls-cert", f.cert), read("--tls-key", f.key));
    }
    ClusterSpec cluster = new ClusterSpec(namespace, image, service, port, stages, timeout, material, ClusterSpec.DEFAULT_ARGS, !noPodDisruptionBudget);
    List<YamlDocument> docs = new ArrayList<>(ClusterManifests.documents(cluster));
    if (level != null) {
      docs.addAll(PolicyExport.documents(cluster, level(level), registries));
    } else if (!registries.isEmpty()) {
      throw new IllegalArgumentException("--allowed-registry is exported as a ValidatingAdmissionPolicy: give --validating-admission-policy too");
    }
    return YamlDocument.write(docs);
  }

  private static PodSecurity level(String text) {
    return switch (text) {
      case "baseline" -> PodSecurity.BASELINE;
      case "restricted" -> PodSecurity.RESTRICTED;
      default -> throw new IllegalArgumentException("--validating-admission-policy takes baseline or restricted, not '" + text + "'");
    };
  }

  private static String read(String option, Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException("read " + option + " " + file + ": no such file", e);
    } catch (IOException e) {
      throw new IOException("read " + option + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** Beside the target, owner-only (it may hold the TLS key), then moved into place: a failure leaves no half-written file. */
  private static void write(Path target, String yaml) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, ".portcullis-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      tmp = Files.createTempFile(dir, ".portcullis-", ".tmp");
    } catch (IOException e) {
      throw new IOException("write " + target + ": " + e.getMessage(), e);
    }
    try {
      Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IOException("write " + target + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
