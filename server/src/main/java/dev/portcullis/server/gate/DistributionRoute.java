package dev.portcullis.server.gate;

import dev.portcullis.core.Digest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a request path means in the Distribution API, decided on the raw (still percent-encoded)
 * path before anything is forwarded. Only the shapes the API defines, with valid names, tags,
 * digests and upload ids, are forwarded; everything else is refused, so a path the gate reads one
 * way can never mean another thing to the upstream (no percent-encoding, no dot segments, no empty
 * segments ever pass).
 */
sealed interface DistributionRoute {
  /** Repository names as Distribution defines them, at most this long in total. */
  int MAX_NAME_LENGTH = 255;

  /** Forward unchanged: ping, catalog, tags, blobs, uploads, referrers. */
  record Forward() implements DistributionRoute {}

  /** {@code /v2/<name>/manifests/<reference>}: reads are gated, writes and deletes forwarded. */
  record Manifest(String name, String reference) implements DistributionRoute {
    /** The digest the reference names, or null for a tag. */
    @Nullable Digest referenceDigest() {
      return reference.indexOf(':') >= 0 ? Digest.parse(reference) : null;
    }
  }

  /** Refused before the upstream sees it: {@code status} with a Distribution error {@code code}. */
  record Refused(int status, String code, String message) implements DistributionRoute {}

  Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  Pattern NAME = Pattern.compile(COMPONENT.pattern() + "(?:/" + COMPONENT.pattern() + ")*");
  Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}");
  Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._=-]{0,255}");
  /** Every character any valid path can hold; anything else (%, \, spaces, controls) is refused at once. */
  Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._/:=+-]*");

  Pattern TAGS_LIST = Pattern.compile("(.+)/tags/list");
  Pattern MANIFEST = Pattern.compile("(.+)/manifests/([^/]+)");
  Pattern UPLOAD_START = Pattern.compile("(.+)/blobs/uploads/?");
  Pattern UPLOAD = Pattern.compile("(.+)/blobs/uploads/([^/]+)");
  Pattern BLOB = Pattern.compile("(.+)/blobs/([^/]+)");
  Pattern REFERRERS = Pattern.compile("(.+)/referrers/([^/]+)");

  /** Reads the raw path of a request ({@code /v2/...}, without the query). */
  static DistributionRoute of(String rawPath) {
    if (rawPath.equals("/v2/") || rawPath.equals("/v2") || rawPath.equals("/v2/_catalog")) {
      return new Forward();
    }
    if (!rawPath.startsWith("/v2/")) {
      return new Refused(404, "UNSUPPORTED", "not a Distribution API path: " + shown(rawPath));
    }
    String rest = rawPath.substring("/v2/".length());
    if (!PATH_CHARS.matcher(rest).matches()) {
      return new Refused(400, "NAME_INVALID", "invalid characters in the path: " + shown(rawPath));
    }
    Matcher m;
    if ((m = TAGS_LIST.matcher(rest)).matches() || (m = UPLOAD_START.matcher(rest)).matches()) {
      return named(m.group(1), new Forward());
    }
    if ((m = MANIFEST.matcher(rest)).matches()) {
      String reference = m.group(2);
      if (reference.indexOf(':') >= 0) {
        try {
          Digest.parse(reference);
        } catch (IllegalArgumentException e) {
          return new Refused(400, "DIGEST_INVALID", "invalid manifest digest: " + shown(reference));
        }
      } else if (!TAG.matcher(reference).matches()) {
        return new Refused(400, "TAG_INVALID", "invalid tag: " + shown(reference));
      }
      return named(m.group(1), new Manifest(m.group(1), reference));
    }
    if ((m = UPLOAD.matcher(rest)).matches()) {
      if (!UPLOAD_ID.matcher(m.group(2)).matches()) {
        return new Refused(400, "BLOB_UPLOAD_INVALID", "invalid upload id: " + shown(m.group(2)));
      }
      return named(m.group(1), new Forward());
    }
    if ((m = BLOB.matcher(rest)).matches() || (m = REFERRERS.matcher(rest)).matches()) {
      if (!DIGEST.matcher(m.group(2)).matches()) {
        return new Refused(400, "DIGEST_INVALID", "invalid digest: " + shown(m.group(2)));
      }
      return named(m.group(1), new Forward());
    }
    return new Refused(404, "UNSUPPORTED", "not a Distribution API path: " + shown(rawPath));
  }

  private static DistributionRoute named(String name, DistributionRoute route) {
    if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      return new Refused(400, "NAME_INVALID", "invalid repository name: " + shown(name));
    }
    return route;
  }

  /** Hostile text cut short for messages (the JSON writer escapes the rest). */
  static String shown(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }
}
