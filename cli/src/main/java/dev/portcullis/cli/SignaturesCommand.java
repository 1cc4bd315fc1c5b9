package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.cosign.SignatureManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis signatures SOURCE [--key FILE]}: every signature and attestation stored for an image. */
@Command(name = "signatures", mixinStandardHelpOptions = true,
    description = "List the signatures (REPO:sha256-<hex>.sig) and attestations (.att) stored for an image, each checked against the --key "
        + "public keys: verified by which, or why not.", footer = {"", "Exit codes: 0 listed (whatever they say), 2 errors."})
final class SignaturesCommand extends SigningBase {
  @Option(names = "--key", paramLabel = "FILE", description = "A public key to check with (repeatable).")
  List<Path> keys = new ArrayList<>();

  @Override
  int sign() throws IOException {
    try (RegistryClient client = client()) {
      Listing listing = verifier(client).list(ref(), publicKeys(keys));
      if (common.format == CommonOptions.Format.JSON) {
        ObjectNode o = JsonOutput.MAPPER.createObjectNode();
        o.put("image", listing.image().toString());
        ArrayNode entries = o.putArray("entries");
        for (Listing.Entry e : listing.entries()) {
          ObjectNode n = entries.addObject().put("kind", e.kind().noun()).put("layer", e.layer().digest().toString())
              .put("mediaType", e.layer().mediaType());
          String type = e.layer().annotations().get(SignatureManifest.PREDICATE_TYPE_ANNOTATION);
          if (type != null) {
            n.put("predicateType", type);
          }
          switch (e.check()) {
            case Listing.LayerCheck.Accepted a -> evidence(n.putObject("verified"), a.evidence());
            case Listing.LayerCheck.Refused r -> n.put("refused", r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-')).put("message", r.message());
          }
        }
        listing.unreadable().forEach(o.putArray("unreadable")::add);
        json(o);
      } else {
        Table t = new Table("KIND", "LAYER", "TYPE", "CHECK");
        for (Listing.Entry e : listing.entries()) {
          String check = switch (e.check()) {
            case Listing.LayerCheck.Accepted a -> "verified by " + String.join(", ", a.evidence().keyIds())
                + (a.evidence() instanceof Evidence.Attestation at ? at.time().map(x -> " (made " + x + ")").orElse("") : "");
            case Listing.LayerCheck.Refused r -> r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
          };
          t.row(e.kind().noun(), e.layer().digest().shortHex(), e.layer().annotations().getOrDefault(SignatureManifest.PREDICATE_TYPE_ANNOTATION, "-"), check);
        }
        stdout.println(listing.image());
        if (listing.entries().isEmpty()) {
          stdout.println("no signatures or attestations stored");
        } else {
          t.print(stdout);
        }
        listing.unreadable().forEach(u -> Main.printFailure(stderr, "unreadable: " + u));
      }
    }
    return 0;
  }
}
