package dev.portcullis.cli;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.cosign.CosignStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis sign SOURCE --key FILE}: a cosign signature of the image's digest, stored beside it. */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign an image in a registry as cosign does: the simple-signing payload of its digest, signed with your key, added to "
        + "REPO:sha256-<hex>.sig (signatures by other keys stay). A tag is resolved to its digest first; only that digest is signed.",
    footer = {"", "The key's passphrase comes from $" + PassphraseOptions.ENV + " (or $" + PassphraseOptions.COSIGN_ENV
        + "), --passphrase-stdin, or the terminal; never from an argument.", "Exit codes: 0 signed, 2 errors."})
final class SignCommand extends SigningBase {
  @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key (portcullis key generate, or a cosign key).")
  Path key;

  @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "A claim for the payload's optional section (repeatable).")
  Map<String, String> annotations = new LinkedHashMap<>();

  @Mixin PassphraseOptions passphrase = new PassphraseOptions();

  @Override
  int sign() throws IOException {
    ImageRef image = ref();
    Signer signer = signer(key, passphrase);
    try (RegistryClient client = client()) {
      CosignStore.Appended done = new ImageSigner(new CosignStore(client)).sign(image, signer, new TreeMap<>(annotations));
      printAppended(this, "signed", done, signer.keyId());
    }
    return 0;
  }

}
