package dev.portcullis.server;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Many small images on one shared base layer, pushed straight to a registry with the registry client (faster than skopeo). */
final class SyntheticImages {
  private SyntheticImages() {}

  /** Pushes {@code count} images {@code REPO:0..count-1} (each with {@code files} text files of its own); returns their digests in order. */
  static List<String> push(String registryHost, String repository, int count, int files) throws IOException {
    byte[] baseTar = new LayerBuilder().dir("etc")
        .file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
        .dir("var").dir("var/lib").dir("var/lib/dpkg")
        .file("var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n")
        .build();
    byte[] baseGz = OciLayoutBuilder.compress(baseTar, OciLayoutBuilder.Compression.GZIP);
    List<String> digests = new ArrayList<>();
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), new ProgressListener() {})) {
      ImageRef repo = ImageRef.parse(registryHost + "/" + repository);
      put(client, repo, baseGz);
      for (int i = 0; i < count; i++) {
        LayerBuilder app = new LayerBuilder().dir("app");
        for (int f = 0; f < files; f++) {
          app.file("app/file-" + f + ".txt", ("image " + i + " file " + f + "\n").repeat(40));
        }
        byte[] appTar = app.build();
        byte[] appGz = OciLayoutBuilder.compress(appTar, OciLayoutBuilder.Compression.GZIP);
        put(client, repo, appGz);
        String config = """
            {"architecture":"amd64","os":"linux","config":{"User":"1000","Env":["PATH=/usr/bin"],"Cmd":["/app/run"]},
            "rootfs":{"type":"layers","diff_ids":["%s","%s"]},
            "history":[{"created_by":"ADD rootfs.tar /"},{"created_by":"COPY app /app #%d"}]}"""
            .formatted(Digest.sha256(baseTar), Digest.sha256(appTar), i);
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        put(client, repo, configBytes);
        String manifest = """
            {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},
            "layers":[{"mediaType":"%s","digest":"%s","size":%d},{"mediaType":"%s","digest":"%s","size":%d}]}"""
            .formatted(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG, Digest.sha256(configBytes), configBytes.length,
                MediaTypes.OCI_LAYER_GZIP, Digest.sha256(baseGz), baseGz.length, MediaTypes.OCI_LAYER_GZIP, Digest.sha256(appGz), appGz.length);
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        client.putManifest(ImageRef.parse(registryHost + "/" + repository + ":" + i), manifestBytes, MediaTypes.OCI_MANIFEST);
        digests.add(Digest.sha256(manifestBytes).toString());
      }
    }
    return digests;
  }

  private static void put(RegistryClient client, ImageRef repo, byte[] blob) throws IOException {
    Digest d = Digest.sha256(blob);
    if (!client.blobExists(repo, d)) {
      client.putBlob(repo, new ByteArrayInputStream(blob), blob.length, d);
    }
  }
}
