package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The facts last read for each image digest, kept in one file ({@code approvals.json} in {@code dir}),
 * so that a hook whose source of facts cannot be reached can still decide on an image it saw recently:
 * facts count only while they are not older than {@code maxAge}. The file is replaced atomically under
 * a lock (several hooks run at once); it holds at most {@code maxEntries} digests, the most recently
 * fetched; an unreadable file counts as empty and is rewritten.
 */
public final class ApprovalCache {
  /** The file in the cache directory. */
  public static final String FILE = "approvals.json";
  /** How far in the future a cached time may be, for clocks that disagree. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final long MAX_FILE_BYTES = 64L << 20;

  private final Path dir;
  private final Duration maxAge;
  private final int maxEntries;
  /** What this instance last wrote per digest, so that facts reused in memory are not written again and again. */
  private final java.util.concurrent.ConcurrentHashMap<Digest, Instant> written = new java.util.concurrent.ConcurrentHashMap<>();

  public ApprovalCache(Path dir, Duration maxAge, int maxEntries) {
    if (maxAge.isNegative() || maxAge.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("an approval cache needs a positive maximum age and room for one entry");
    }
    this.dir = dir;
    this.maxAge = maxAge;
    this.maxEntries = maxEntries;
  }

  public static ApprovalCache of(HookConfig.Cache c) {
    return new ApprovalCache(c.dir(), c.maxAge(), c.maxEntries());
  }

  /** The facts cached for {@code digest} when they were fetched no longer than the maximum age before {@code now}. */
  public Optional<ImageFacts> fresh(Digest digest, Instant now) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    ImageFacts facts = read(file).get(digest.toString());
    if (facts == null || facts.fetchedAt().isAfter(now.plus(CLOCK_SKEW)) || Duration.between(facts.fetchedAt(), now).compareTo(maxAge) > 0) {
      return Optional.empty();
    }
    return Optional.of(facts);
  }

  /** Records {@code facts}, replacing older ones for the same digest; the oldest entries go when the cache is full. */
  public void put(ImageFacts facts) throws IOException {
    Instant last = written.get(facts.digest());
    if (last != null && !last.isBefore(facts.fetchedAt())) {
      return;
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(FILE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      Map<String, ImageFacts> entries = Files.isRegularFile(file) ? read(file) : new TreeMap<>();
      ImageFacts old = entries.get(facts.digest().toString());
      if (old != null && !old.fetchedAt().isBefore(facts.fetchedAt())) {
        written.put(facts.digest(), old.fetchedAt());
        return;
      }
      entries.put(facts.digest().toString(), facts);
      List<ImageFacts> kept = new ArrayList<>(entries.values());
      kept.sort(Comparator.comparing(ImageFacts::fetchedAt).reversed().thenComparing(f -> f.digest().toString()));
      if (kept.size() > maxEntries) {
        kept = kept.subList(0, maxEntries);
      }
      ObjectNode root = HookJson.MAPPER.createObjectNode();
      root.put("version", 1);
      ArrayNode array = root.putArray("entries");
      kept.stream().sorted(Comparator.comparing(f -> f.digest().toString())).forEach(f -> write(array.addObject(), f));
      Path temp = Files.createTempFile(dir, FILE, ".tmp");
      try {
        Files.write(temp, HookJson.MAPPER.writeValueAsBytes(root));
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      written.put(facts.digest(), facts.fetchedAt());
    }
  }

  private static Map<String, ImageFacts> read(Path file) throws IOException {
    Map<String, ImageFacts> out = new TreeMap<>();
    ObjectNode root;
    try {
      root = HookJson.object(HookJson.readFile(file, MAX_FILE_BYTES, "approval cache"), "approval cache " + file);
    } catch (HookInputException e) {
      return out;
    }
    for (JsonNode e : root.path("entries")) {
      try {
        ImageFacts f = facts(e);
        out.put(f.digest().toString(), f);
      } catch (RuntimeException bad) {
        // an entry that does not read is dropped: the cache only ever lets through what it can read whole
      }
    }
    return out;
  }

  static void write(ObjectNode o, ImageFacts f) {
    o.put("digest", f.digest().toString());
    if (f.standing().isPresent()) {
      o.put("standing", f.standing().get().name().toLowerCase(Locale.ROOT));
    } else {
      o.putNull("standing");
    }
    o.put("summary", f.summary());
    f.signatureKeys().forEach(o.putArray("signatureKeys")::add);
    ArrayNode verdicts = o.putArray("verdicts");
    for (VerdictEvidence v : f.verdicts()) {
      verdicts.addObject().put("stage", v.stage()).put("decision", v.decision()).put("score", v.score()).put("issuedAt", v.issuedAt().toString())
          .put("keyId", v.keyId());
    }
    o.put("fetchedAt", f.fetchedAt().toString());
  }

  static ImageFacts facts(JsonNode o) {
    Optional<Standing> standing = o.path("standing").isTextual()
        ? Optional.of(Standing.valueOf(o.get("standing").asText().toUpperCase(Locale.ROOT))) : Optional.empty();
    List<String> keys = new ArrayList<>();
    o.path("signatureKeys").forEach(k -> keys.add(k.asText()));
    List<VerdictEvidence> verdicts = new ArrayList<>();
    for (JsonNode v : o.path("verdicts")) {
      verdicts.add(new VerdictEvidence(req(v, "stage"), req(v, "decision"), v.path("score").asInt(), Instant.parse(req(v, "issuedAt")), req(v, "keyId")));
    }
    return new ImageFacts(Digest.parse(req(o, "digest")), standing, o.path("summary").asText(""), keys, verdicts, Instant.parse(req(o, "fetchedAt")));
  }

  private static String req(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return v.asText();
  }
}
