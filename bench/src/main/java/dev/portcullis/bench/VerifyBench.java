package dev.portcullis.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying one cosign signature and one verdict attestation of an image in a warm local registry
 * (a real docker-registry on loopback, the client's connections kept), each as {@code verify} and
 * {@code verify-attestation} do: resolve the tag, read the {@code .sig} or {@code .att} manifest,
 * fetch and check the payload. {@code bench/run --only verify} runs it beside {@code openssl dgst
 * -verify} of the same signature ({@code prepare DIR} writes the files openssl reads).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VerifyBench {
  /** A registry holding one signed and attested image, and a verifier whose client is warm. */
  @State(Scope.Benchmark)
  public static class Signed {
    RegistryProcess registry;
    RegistryClient client;
    CosignVerifier verifier;
    ImageRef image;
    Requirement.Signed signature;
    Requirement.Attested attestation;
    Path work;
    PublicKey key;
    byte[] payload;
    byte[] payloadSignature;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
      work = Files.createTempDirectory("portcullis-verify-bench");
      registry = RegistryProcess.start();
      Path layout = work.resolve("image");
      new OciLayoutBuilder().layer(new LayerBuilder().file("etc/app", "bench\n")).refName("1").write(layout);
      Skopeo.copy("oci:" + layout + ":1", "docker://" + registry.host() + "/bench/app:1", Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
      client = RegistryClient.create(new RegistryOptions(true, null, null, null, 2), ProgressListener.NONE);
      CosignStore store = new CosignStore(client);
      LocalSigner signer = LocalSigner.of(PrivateKeys.generateP256().getPrivate());
      image = ImageRef.parse(registry.host() + "/bench/app:1");
      ImageSigner signing = new ImageSigner(store);
      signing.sign(image, signer);
      ObjectNode verdict = SignedJson.MAPPER.createObjectNode().put("stage", "prod").put("score", 81).put("decision", "allow")
          .put("time", Instant.now().toString());
      signing.attest(image, PredicateTypes.VERDICT, verdict, signer);
      verifier = new CosignVerifier(store, Clock.systemUTC());
      key = signer.publicKey();
      payload = new SimpleSigningPayload(image.registry() + "/" + image.repository(), Digest.sha256(payload("bench")), Map.of()).toBytes();
      payloadSignature = signer.sign(payload);
      List<PublicKey> keys = List.of(signer.publicKey());
      signature = new Requirement.Signed(keys);
      attestation = new Requirement.Attested(keys, PredicateTypes.VERDICT, Optional.of(Duration.ofDays(1)));
      // a benchmark of a "no" would measure nothing useful
      if (!(verifier.verify(image, signature) instanceof Verification.Verified) || !(verifier.verify(image, attestation) instanceof Verification.Verified)) {
        throw new IllegalStateException("the benchmark image should verify");
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      client.close();
      registry.close();
    }
  }

  @Benchmark
  public Verification signature(Signed s) throws IOException {
    return s.verifier.verify(s.image, s.signature);
  }

  @Benchmark
  public Verification attestation(Signed s) throws IOException {
    return s.verifier.verify(s.image, s.attestation);
  }

  /** The signature check alone, on bytes in memory: what is left of {@link #signature} without the registry. */
  @Benchmark
  public boolean checkOnly(Signed s) {
    return PublicKeys.verify(s.key, s.payload, s.payloadSignature);
  }

  private static byte[] payload(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code prepare DIR}: a fresh P-256 key's public half ({@code key.pub}), a simple-signing payload
   * ({@code payload.json}) and our signature over it ({@code payload.sig}, DER): what openssl verifies.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("prepare")) {
      System.err.println("usage: VerifyBench prepare DIR");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[1]));
    LocalSigner signer = LocalSigner.of(PrivateKeys.generateP256().getPrivate());
    byte[] payload = new SimpleSigningPayload("127.0.0.1:5000/bench/app", Digest.sha256("bench".getBytes(StandardCharsets.UTF_8)), Map.of()).toBytes();
    Files.writeString(dir.resolve("key.pub"), PublicKeys.toPem(signer.publicKey()));
    Files.write(dir.resolve("payload.json"), payload);
    Files.write(dir.resolve("payload.sig"), signer.sign(payload));
  }
}
