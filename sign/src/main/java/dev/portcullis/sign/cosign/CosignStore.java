package dev.portcullis.sign.cosign;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.oci.registry.RegistryClient.ManifestBytes;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.dsse.FormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Signatures and attestations stored beside an image in its registry, as cosign stores them: for the
 * image {@code REPO@sha256:HEX}, one manifest under {@code REPO:sha256-HEX.sig} and one under {@code
 * REPO:sha256-HEX.att} ({@link Attachment}), in {@link SignatureManifest}'s format.
 *
 * <p>Adding reads the manifest there, appends one layer and pushes the manifest again; two writers
 * adding at the same moment can lose one addition, as with cosign. Reading is bounded by {@link
 * StoreLimits}. Nothing here judges a signature: {@code dev.portcullis.sign.CosignVerifier} does.
 */
public final class CosignStore {
  private final RegistryClient client;
  private final StoreLimits limits;

  public CosignStore(RegistryClient client, StoreLimits limits) {
    this.client = client;
    this.limits = limits;
  }

  public CosignStore(RegistryClient client) {
    this(client, StoreLimits.DEFAULTS);
  }

  public StoreLimits limits() {
    return limits;
  }

  /**
   * {@code image} pinned to the digest of what it names: its own digest when it has one (the manifest
   * must exist), else the digest its tag resolves to. For a multi-platform image that is the index's
   * digest, which is what cosign signs.
   */
  public ImageRef resolve(ImageRef image) throws IOException {
    ManifestBytes m = client.manifest(image, limits.maxManifestBytes());
    return image.withDigest(m.digest());
  }

  /** A {@code .sig} or {@code .att} manifest as the registry holds it. */
  public record Stored(ImageRef tag, ManifestBytes raw, Descriptor config, SignatureManifest manifest) {
    public Digest digest() {
      return raw.digest();
    }
  }

  /**
   * The {@code kind} manifest of {@code image} (which must carry a digest), or empty when there is
   * none. A manifest that cannot be read, or is beyond the limits, is a {@link FormatException};
   * other exceptions mean the registry gave no answer.
   */
  public Optional<Stored> read(ImageRef image, Attachment kind) throws IOException {
    ImageRef tag = kind.in(image, pinned(image));
    Optional<ManifestBytes> raw = client.findManifest(tag, limits.maxManifestBytes());
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    SignatureManifest.Read read;
    try {
      read = SignatureManifest.read(raw.get().bytes(), limits);
    } catch (FormatException e) {
      throw new FormatException(tag + ": " + e.getMessage(), e);
    }
    return Optional.of(new Stored(tag, raw.get(), read.config(), read.manifest()));
  }

  /** A layer's content as fetched: what the descriptor names, or why not. */
  public sealed interface Payload {
    /** Exactly the bytes the descriptor names. */
    record Intact(byte[] bytes) implements Payload {
      public Intact {
        bytes = bytes.clone();
      }

      @Override
      public byte[] bytes() {
        return bytes.clone();
      }
    }

    /** The registry served other bytes than the descriptor's digest and size name: changed after it was stored. */
    record Changed(String message) implements Payload {}

    /** The descriptor declares more bytes than {@link StoreLimits#maxPayloadBytes()}; nothing was fetched. */
    record TooLarge(String message) implements Payload {}
  }

  /** The content of {@code layer} from the repository of {@code repository}, verified against the descriptor. */
  public Payload payload(ImageRef repository, Descriptor layer) throws IOException {
    if (layer.size() > limits.maxPayloadBytes()) {
      return new Payload.TooLarge("layer " + layer.digest() + " declares " + layer.size() + " bytes, more than the " + limits.maxPayloadBytes() + " read");
    }
    InputStream in = client.blob(repository, layer);
    try (in) {
      // the stream fails past the declared size, and at its end unless size and digest are the declared ones
      return new Payload.Intact(in.readAllBytes());
    } catch (ImageReadException e) {
      return new Payload.Changed(e.getMessage());
    }
  }

  /** What {@link #append} did: the manifest now under {@code tag}, and the layer (new, or the equivalent one already there). */
  public record Appended(ImageRef image, ImageRef tag, Digest manifest, Descriptor layer, boolean added) {}

  /**
   * Adds one layer holding {@code payload}, with {@code annotations}, to the {@code kind} manifest of
   * {@code image} (which must carry a digest), creating the manifest when there is none.
   *
   * <p>Nothing is pushed when an equivalent layer is there already: the same payload, media type and
   * annotations other than the signature, and either the same signature or one that {@code signer}
   * verifies over the payload (cosign's rule: signing twice with one key adds one signature).
   */
  public Appended append(ImageRef image, Attachment kind, byte[] payload, Map<String, String> annotations, @Nullable PublicKey signer)
      throws IOException {
    Digest imageDigest = pinned(image);
    ImageRef tag = kind.in(image, imageDigest);
    String what = "attach " + kind.noun() + " to " + image;
    if (payload.length > limits.maxPayloadBytes()) {
      throw new StoreException(what + ": the payload is " + payload.length + " bytes, more than the " + limits.maxPayloadBytes() + " allowed");
    }
    Descriptor layer = new Descriptor(kind.layerMediaType(), Digest.sha256(payload), payload.length, List.of(), annotations, null);
    try {
      Optional<Stored> existing = read(image, kind);
      SignatureManifest base = existing.map(Stored::manifest).orElse(SignatureManifest.EMPTY);
      for (Descriptor d : base.layers()) {
        if (equivalent(d, layer, payload, signer)) {
          return new Appended(image, tag, existing.orElseThrow().digest(), d, false);
        }
      }
      if (base.layers().size() >= limits.maxLayers()) {
        throw new StoreException(what + ": " + tag + " holds " + base.layers().size() + " layers already, the most that are read");
      }
      SignatureManifest next = base.append(layer);
      Digest manifest = push(image, tag, next, List.of(new Blob(layer, payload)));
      return new Appended(image, tag, manifest, layer, true);
    } catch (StoreException e) {
      throw e;
    } catch (IOException e) {
      throw new StoreException(what + ": " + e.getMessage(), e);
    }
  }

  private static boolean equivalent(Descriptor existing, Descriptor added, byte[] payload, @Nullable PublicKey signer) {
    if (!existing.digest().equals(added.digest()) || !existing.mediaType().equals(added.mediaType())) {
      return false;
    }
    Map<String, String> a = new HashMap<>(existing.annotations());
    Map<String, String> b = new HashMap<>(added.annotations());
    String sigA = a.remove(SignatureManifest.SIGNATURE_ANNOTATION);
    String sigB = b.remove(SignatureManifest.SIGNATURE_ANNOTATION);
    if (!a.equals(b)) {
      return false;
    }
    if (Objects.equals(sigA, sigB)) {
      return true;
    }
    if (signer == null || sigA == null || sigA.isEmpty()) {
      return false;
    }
    try {
      return PublicKeys.verify(signer, payload, Base64.getDecoder().decode(sigA));
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private record Blob(Descriptor descriptor, byte[] content) {}

  /** Uploads {@code blobs} and the manifest's config, then the manifest itself; returns its digest. */
  private Digest push(ImageRef repository, ImageRef tag, SignatureManifest manifest, List<Blob> blobs) throws IOException {
    byte[] bytes = manifest.toBytes();
    if (bytes.length > limits.maxManifestBytes()) {
      throw new StoreException("push " + tag + ": the manifest would be " + bytes.length + " bytes, more than the " + limits.maxManifestBytes() + " allowed");
    }
    List<Blob> all = new ArrayList<>(blobs);
    byte[] config = manifest.config();
    all.add(new Blob(manifest.configDescriptor(), config));
    for (Blob b : all) {
      client.putBlob(repository, new ByteArrayInputStream(b.content()), b.content().length, b.descriptor().digest());
    }
    return client.putManifest(tag, bytes, MediaTypes.OCI_MANIFEST);
  }

  /** What {@link #copy} did for one kind: the manifest now under {@code tag}, and how many layers it brought. */
  public record Copied(Attachment kind, ImageRef tag, Digest manifest, int layersAdded) {}

  /**
   * Copies the signatures and attestations of the image {@code digest} from the repository of {@code
   * from} to that of {@code to}, with their blobs: mounted when both are on one registry, else
   * streamed through (verified against their digests). Where {@code to} has no such manifest yet,
   * the source's is stored byte for byte (same digest); where it has one, the source's layers it
   * lacks are appended to it. Kinds the source has none of are left out of the result.
   */
  public List<Copied> copy(ImageRef from, ImageRef to, Digest digest) throws IOException {
    return copy(this, from, to, digest);
  }

  /**
   * As {@link #copy(ImageRef, ImageRef, Digest)}, reading the source through {@code sourceStore} (a
   * client of its own, with its own credentials): for copies between registries that each need theirs.
   * Blobs still go through this store's client only as a mount or an upload; nothing is held whole.
   */
  public List<Copied> copy(CosignStore sourceStore, ImageRef from, ImageRef to, Digest digest) throws IOException {
    ImageRef source = new ImageRef(from.registry(), from.repository(), null, digest);
    ImageRef target = new ImageRef(to.registry(), to.repository(), null, digest);
    String what = "copy signatures of " + digest + " from " + from.registry() + "/" + from.repository() + " to " + to.registry() + "/" + to.repository();
    List<Copied> result = new ArrayList<>();
    try {
      for (Attachment kind : Attachment.values()) {
        Optional<Stored> src = sourceStore.read(source, kind);
        if (src.isEmpty()) {
          continue;
        }
        ImageRef tag = kind.in(target, digest);
        Optional<Stored> dst = read(target, kind);
        if (dst.isEmpty()) {
          copyBlob(sourceStore, source, target, src.get().config(), limits.maxManifestBytes());
          for (Descriptor layer : src.get().manifest().layers()) {
            copyBlob(sourceStore, source, target, layer, limits.maxPayloadBytes());
          }
          ManifestBytes raw = src.get().raw();
          Digest manifest = client.putManifest(tag, raw.bytes(), raw.mediaType());
          result.add(new Copied(kind, tag, manifest, src.get().manifest().layers().size()));
          continue;
        }
        SignatureManifest merged = dst.get().manifest();
        int added = 0;
        for (Descriptor layer : src.get().manifest().layers()) {
          if (!merged.layers().contains(layer)) {
            copyBlob(sourceStore, source, target, layer, limits.maxPayloadBytes());
            merged = merged.append(layer);
            added++;
          }
        }
        if (added == 0) {
          result.add(new Copied(kind, tag, dst.get().digest(), 0));
          continue;
        }
        if (merged.layers().size() > limits.maxLayers()) {
          throw new StoreException(what + ": " + tag + " would hold " + merged.layers().size() + " layers, more than the " + limits.maxLayers() + " read");
        }
        result.add(new Copied(kind, tag, push(target, tag, merged, List.of()), added));
      }
    } catch (StoreException e) {
      throw e;
    } catch (IOException e) {
      throw new StoreException(what + ": " + e.getMessage(), e);
    }
    return result;
  }

  private void copyBlob(CosignStore sourceStore, ImageRef from, ImageRef to, Descriptor blob, long max) throws IOException {
    if (blob.size() > max) {
      throw new StoreException("copy blob " + blob.digest() + ": it declares " + blob.size() + " bytes, more than the " + max + " copied");
    }
    if (client.blobExists(to, blob.digest()) || client.mountBlob(to, blob.digest(), from)) {
      return;
    }
    try (InputStream in = sourceStore.client.blob(from, blob)) {
      client.putBlob(to, in, blob.size(), blob.digest());
    }
  }

  private static Digest pinned(ImageRef image) {
    Digest d = image.digest();
    if (d == null) {
      throw new IllegalArgumentException(image + " names no digest; resolve it first");
    }
    return d;
  }
}
