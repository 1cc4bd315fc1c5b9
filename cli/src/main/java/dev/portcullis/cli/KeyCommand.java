package dev.portcullis.cli;

import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis key ...}: signing keys. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Make signing keys.", subcommands = KeyCommand.Generate.class)
final class KeyCommand {
  private KeyCommand() {}

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Make an ECDSA P-256 key pair: PREFIX.key (the private key, encrypted with a passphrase, readable only by you) "
          + "and PREFIX.pub (the public key, for verifiers). Neither file is overwritten.",
      footer = {"", "The default format is cosign's (ENCRYPTED SIGSTORE PRIVATE KEY: scrypt and NaCl secretbox), which cosign sign --key "
          + "reads too; pkcs8 writes an encrypted PKCS#8 key (PBKDF2 and AES-256-CBC) that openssl reads."})
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PassphraseOptions passphrase = new PassphraseOptions();

    @Option(names = "--output-prefix", paramLabel = "PREFIX", defaultValue = "portcullis", description = "Where the keys go (default portcullis: portcullis.key and portcullis.pub).")
    String prefix = "portcullis";

    @Option(names = "--key-format", paramLabel = "FORMAT", defaultValue = "cosign", description = "cosign or pkcs8 (default cosign).")
    String format = "cosign";

    @Override
    public Integer call() throws Exception {
      Main main = Main.of(spec);
      KeyFormat f = switch (format.toLowerCase(Locale.ROOT)) {
        case "cosign" -> KeyFormat.COSIGN;
        case "pkcs8" -> KeyFormat.PKCS8;
        default -> throw new IllegalArgumentException("--key-format " + format + ": not cosign or pkcs8");
      };
      Path key = Path.of(prefix + ".key");
      Path pub = Path.of(prefix + ".pub");
      try (Passphrase p = passphrase.read(main.env, main.in, "the new key " + key, true)) {
        String keyId = PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), p, f, key, pub);
        main.out.println("private key " + key + " (" + f.name().toLowerCase(Locale.ROOT) + ", encrypted)");
        main.out.println("public key  " + pub);
        main.out.println("key ID      " + keyId);
      }
      return 0;
    }
  }
}
