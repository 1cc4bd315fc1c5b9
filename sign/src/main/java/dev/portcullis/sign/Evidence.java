package dev.portcullis.sign;

import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One stored signature or attestation that passed every check, and what it says. */
public sealed interface Evidence {
  /** The layer of the {@code .sig} or {@code .att} manifest it was found in. */
  Descriptor layer();

  /** The IDs ({@link KeyIds}) of the trusted keys whose signature verifies, sorted; never empty. */
  List<String> keyIds();

  /** A cosign signature and its payload. */
  record Signature(Descriptor layer, List<String> keyIds, SimpleSigningPayload payload) implements Evidence {
    public Signature {
      keyIds = List.copyOf(keyIds);
    }
  }

  /** An attestation, its statement, and the time its predicate gives, when it gives one. */
  record Attestation(Descriptor layer, List<String> keyIds, Statement statement, Optional<Instant> time) implements Evidence {
    public Attestation {
      keyIds = List.copyOf(keyIds);
    }
  }
}
