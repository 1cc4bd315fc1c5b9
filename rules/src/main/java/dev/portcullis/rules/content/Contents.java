package dev.portcullis.rules.content;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.tree.DeletedEntry;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.LayerAnalyzer;
import dev.portcullis.oci.tree.LayerIndex;
import dev.portcullis.oci.tree.LayerIndexer;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.image.ImageSubject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The texts of one input that content checks (secrets, debug leftovers) search: for an image, its
 * env, labels, entrypoint, cmd, exposed ports and history commands, and every text file of every
 * layer (including files a later layer deleted: they still ship); for paths, the text files under
 * them. Binary files (a NUL byte near the start) and files over the size bound are skipped, each
 * skip reported as a {@link Problem} naming the file and why (an image's binaries in one problem).
 * Checks may share work through {@link #derived}; the texts never change.
 */
public final class Contents implements Subject {
  /** How many skipped binary files the note names; the rest are counted. */
  static final int NAMED_BINARIES = 20;

  private final String name;
  private final List<Text> texts;
  private final List<Problem> problems;
  private final List<FileRef> files;
  private final Map<Object, Object> derived = new ConcurrentHashMap<>();
  private final TextMemo.@Nullable Session memo;

  public Contents(String name, List<Text> texts, List<Problem> problems) {
    this(name, texts, problems, List.of());
  }

  public Contents(String name, List<Text> texts, List<Problem> problems, List<FileRef> files) {
    this(name, texts, problems, files, null);
  }

  private Contents(String name, List<Text> texts, List<Problem> problems, List<FileRef> files, TextMemo.@Nullable Session memo) {
    this.name = name;
    this.texts = List.copyOf(texts);
    this.problems = List.copyOf(problems);
    this.files = List.copyOf(files);
    this.memo = memo;
  }

  /** These contents, with searches of layer files kept in the memo of {@code session}, and in its layer cache when it has one. */
  public Contents withMemo(TextMemo.Session session) {
    return new Contents(name, texts, problems, files, session);
  }

  /** What {@code searcher} finds in {@code text} (one of these texts): from the memo when one is shared and holds it. */
  public <T> T searched(Object searcher, Text text, Supplier<T> search) {
    return memo == null ? search.get() : memo.get(searcher, text, search);
  }

  @Override
  public String name() {
    return name;
  }

  public List<Text> texts() {
    return texts;
  }

  /** Every file, directory and link of the input, text or not, sorted by path: for an image also those a later layer deleted. */
  public List<FileRef> files() {
    return files;
  }

  @Override
  public List<Problem> problems() {
    return problems;
  }

  /** A value computed once from these texts and shared by the checks that ask with the same key. */
  @SuppressWarnings("unchecked")
  public <T> T derived(Object key, Supplier<T> compute) {
    return (T) derived.computeIfAbsent(key, k -> compute.get());
  }

  /** The values of an image config as texts, each at its field. */
  public static List<Text> configTexts(String image, ImageConfig config) {
    List<Text> out = new ArrayList<>();
    for (int i = 0; i < config.env().size(); i++) {
      out.add(Text.config(Text.Kind.ENV, image, "config.Env[" + i + "]", config.env().get(i)));
    }
    new TreeMap<>(config.labels()).forEach((k, v) -> out.add(Text.config(Text.Kind.LABEL, image, "config.Labels[\"" + k + "\"]", k + "=" + v)));
    if (!config.entrypoint().isEmpty()) {
      out.add(Text.config(Text.Kind.ENTRYPOINT, image, "config.Entrypoint", String.join(" ", config.entrypoint())));
    }
    if (!config.cmd().isEmpty()) {
      out.add(Text.config(Text.Kind.CMD, image, "config.Cmd", String.join(" ", config.cmd())));
    }
    for (String p : config.exposedPorts()) {
      out.add(Text.config(Text.Kind.EXPOSED_PORT, image, "config.ExposedPorts[\"" + p + "\"]", p));
    }
    for (int i = 0; i < config.history().size(); i++) {
      out.add(Text.config(Text.Kind.HISTORY, image, "history[" + i + "].created_by", config.history().get(i).createdBy()));
    }
    return out;
  }

  /**
   * An image read for its checks: the squashed tree and, from the same pass over each layer, the
   * texts {@code interest} wants (one {@link LayerTexts} per layer, base first).
   */
  public record ImageRead(FileTree tree, Interest interest, ReadLimits limits, List<LayerTexts> texts) {
    public ImageRead {
      texts = List.copyOf(texts);
    }
  }

  /** Reads every layer of {@code image} once (none whose results {@code scanner}'s cache holds): its index and the texts {@code interest} wants. */
  public static ImageRead read(Image image, LayerScanner scanner, Interest interest, ReadLimits limits) throws IOException {
    LayerAnalyzer<LayerTexts> capture = capture(interest, limits);
    List<LayerIndex> indexes = new ArrayList<>();
    List<LayerScanner.Results> layers = scanner.scan(image, List.of(LayerIndexer.INSTANCE, capture));
    for (LayerScanner.Results r : layers) {
      indexes.add(r.get(LayerIndexer.INSTANCE));
    }
    return read(FileTree.squash(image, indexes), interest, limits, capture, layers);
  }

  /** The analyser that keeps, while each layer streams, the texts {@code interest} wants: for a layer pass that others share. */
  public static LayerAnalyzer<LayerTexts> capture(Interest interest, ReadLimits limits) {
    return new TextCapture(interest, limits);
  }

  /** The image read from a shared layer pass that ran {@code capture} (made by {@link #capture} with the same interest and limits). */
  public static ImageRead read(FileTree tree, Interest interest, ReadLimits limits, LayerAnalyzer<LayerTexts> capture,
      List<LayerScanner.Results> layers) {
    List<LayerTexts> texts = new ArrayList<>();
    for (LayerScanner.Results r : layers) {
      texts.add(r.get(capture));
    }
    return new ImageRead(tree, interest, limits, texts);
  }

  /** The config texts of an image and the text files of all its layers that the read wanted, taken from what {@link #read} kept. */
  public static Contents ofImage(ImageSubject image, ImageRead read) throws IOException {
    if (image.tree() != read.tree()) {
      throw new IllegalArgumentException("the image subject's tree is not the one read");
    }
    return ofImage(image, read.interest(), read.limits(), read.texts());
  }

  /** The config texts of an image and the text files of all its layers that {@code interest} wants, each read again from its layer. */
  public static Contents ofImage(ImageSubject image, Interest interest, ReadLimits limits) throws IOException {
    return ofImage(image, interest, limits, List.of());
  }

  /** A file's text, or that it is binary, in the order files were read: layer, then tar order. */
  private record Candidate(FileEntry entry, @Nullable String text) {}

  private static final Comparator<Candidate> READ_ORDER = Comparator.comparingInt((Candidate c) -> c.entry().content().layer())
      .thenComparingInt(c -> c.entry().content().ordinal()).thenComparing(c -> c.entry().path());

  private static Contents ofImage(ImageSubject image, Interest interest, ReadLimits limits, List<LayerTexts> captured) throws IOException {
    List<Text> texts = new ArrayList<>(configTexts(image.name(), image.config()));
    List<Problem> problems = new ArrayList<>();
    List<FileRef> files = new ArrayList<>();
    FileTree tree = image.tree();
    if (tree != null) {
      files.addAll(fileRefs(image, tree));
      Map<FileEntry, Integer> wanted = new HashMap<>();
      problems.addAll(sizeUp(image, tree, limits, wanted));
      List<Candidate> candidates = candidates(tree, interest, captured, wanted.keySet());
      keep(image, interest, limits, candidates, wanted, texts, problems);
    }
    texts.sort(ORDER);
    files.sort(Comparator.comparing(FileRef::path));
    return new Contents(image.name(), texts, problems, files);
  }

  /** Every entry of the tree, and every one a later layer deleted, as a file reference. */
  private static List<FileRef> fileRefs(ImageSubject image, FileTree tree) {
    List<FileRef> files = new ArrayList<>();
    for (FileEntry e : tree.entries()) {
      files.add(new FileRef(e.path(), e.type(), new Text.Origin.InLayer(image.name(), image.location(e), -1)));
    }
    for (DeletedEntry d : tree.deleted()) {
      files.add(new FileRef(d.entry().path(), d.entry().type(), new Text.Origin.InLayer(image.name(), image.location(d.entry()), d.removedBy())));
    }
    return files;
  }

  /**
   * Puts every regular file within the size bound into {@code wanted}, with the layer that deleted
   * it (-1 for none); returns a problem for each file over the bound.
   */
  private static List<Problem> sizeUp(ImageSubject image, FileTree tree, ReadLimits limits, Map<FileEntry, Integer> wanted) {
    List<FileEntry> tooLarge = new ArrayList<>();
    Map<FileEntry, Integer> all = new java.util.LinkedHashMap<>();
    tree.entries().forEach(e -> all.put(e, -1));
    tree.deleted().forEach(d -> all.put(d.entry(), d.removedBy()));
    for (Map.Entry<FileEntry, Integer> m : all.entrySet()) {
      FileEntry e = m.getKey();
      if (e.type() == FileType.REGULAR && e.size() > 0) {
        if (e.size() <= limits.maxFileBytes()) {
          wanted.put(e, m.getValue());
        } else {
          tooLarge.add(e);
        }
      }
    }
    List<Problem> problems = new ArrayList<>();
    for (FileEntry e : tooLarge) {
      problems.add(new Problem(image.name(), 0, 0, "skipped " + e.path() + " (layer " + e.layer() + "): " + tooLarge(e.size(), limits)));
    }
    return problems;
  }

  /**
   * The text (or binary verdict) of each wanted file, in read order: what the layer pass captured is
   * used as it is; the rest (a layer whose capture stopped at its memory bound, a file a check wants
   * by its path) is read from the layers now.
   */
  private static List<Candidate> candidates(FileTree tree, Interest interest, List<LayerTexts> captured, Collection<FileEntry> wanted)
      throws IOException {
    List<Candidate> candidates = new ArrayList<>();
    List<FileEntry> toRead = new ArrayList<>();
    for (FileEntry e : wanted) {
      int layer = e.content().layer();
      int ordinal = e.content().ordinal();
      LayerTexts taken = layer >= 0 && layer < captured.size() ? captured.get(layer) : LayerTexts.NONE;
      if (taken.binaries().contains(ordinal)) {
        candidates.add(new Candidate(e, null));
      } else if (taken.texts().containsKey(ordinal)) {
        candidates.add(new Candidate(e, taken.texts().get(ordinal)));
      } else if (!taken.complete() || interest.paths().test(e.path())) {
        // not looked at, or a text without any keyword that a check wants by its path in the tree
        toRead.add(e);
      }
    }
    tree.contents(toRead, (e, in) -> {
      byte[] bytes = in.readNBytes((int) e.size());
      candidates.add(new Candidate(e, ReadLimits.isBinary(bytes) ? null : new String(bytes, StandardCharsets.UTF_8)));
    });
    candidates.sort(READ_ORDER);
    return candidates;
  }

  /** Adds the candidate texts {@code interest} wants to {@code texts}, up to the memory bound, and one note of the binaries skipped. */
  private static void keep(ImageSubject image, Interest interest, ReadLimits limits, List<Candidate> candidates, Map<FileEntry, Integer> wanted,
      List<Text> texts, List<Problem> problems) {
    long kept = 0;
    List<String> binaries = new ArrayList<>();
    for (Candidate c : candidates) {
      FileEntry e = c.entry();
      if (c.text() == null) {
        binaries.add(e.path() + " (layer " + e.layer() + ")");
      } else if (interest.wants(e.path(), c.text())) {
        long size = c.text().length();
        if (kept + size > limits.maxKeptBytes()) {
          problems.add(new Problem(image.name(), 0, 0, "content checks stopped at " + e.path() + " (layer " + e.layer() + "): more than "
              + (limits.maxKeptBytes() >> 20) + " MiB of candidate text"));
          break;
        }
        kept += size;
        texts.add(new Text(Text.Kind.FILE, e.path(), new Text.Origin.InLayer(image.name(), image.location(e), wanted.get(e)), c.text()));
      }
    }
    if (!binaries.isEmpty()) {
      // an image holds thousands of executables: one note, naming the first few, keeps the report readable
      binaries.sort(null);
      String named = String.join(", ", binaries.subList(0, Math.min(NAMED_BINARIES, binaries.size())));
      String more = binaries.size() > NAMED_BINARIES ? " and " + (binaries.size() - NAMED_BINARIES) + " more" : "";
      problems.add(new Problem(image.name(), 0, 0, "skipped " + binaries.size() + " binary file" + (binaries.size() == 1 ? "" : "s")
          + " (a NUL byte in the first " + (ReadLimits.SNIFF_BYTES >> 10) + " KiB): " + named + more));
    }
  }

  private static final Comparator<Text> ORDER = Comparator.comparing((Text t) -> t.kind() == Text.Kind.FILE ? 1 : 0)
      .thenComparing(t -> t.kind() == Text.Kind.FILE ? t.path() : "")
      .thenComparing(t -> t.origin() instanceof Text.Origin.InLayer l ? l.location().layerIndex() : 0);

  /** The text files {@code interest} wants among {@code paths} (files, or directories walked without following links). */
  public static Contents ofPaths(String name, List<Path> paths, Interest interest, ReadLimits limits) throws IOException {
    List<Text> texts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<FileRef> refs = new ArrayList<>();
    for (Path root : paths) {
      if (!Files.exists(root)) {
        throw new java.nio.file.NoSuchFileException(root.toString(), null, "no such file or directory");
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        List<Path> all = s.sorted().toList();
        for (Path p : all) {
          FileType type = Files.isSymbolicLink(p) ? FileType.SYMLINK : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? FileType.DIRECTORY : FileType.REGULAR;
          refs.add(new FileRef(p.toString().replace('\\', '/'), type, new Text.Origin.OnDisk(p.toString())));
        }
        // a link is not followed: in an extracted image root an absolute one names a file of this machine
        files = all.stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
      } catch (UncheckedIOException e) {
        throw new IOException("walk " + root + ": " + e.getCause().getMessage(), e.getCause());
      }
      for (Path f : files) {
        String display = f.toString();
        try {
          long size = Files.size(f);
          if (size == 0) {
            continue;
          }
          if (size > limits.maxFileBytes()) {
            problems.add(new Problem(display, 0, 0, "skipped: " + tooLarge(size, limits)));
            continue;
          }
          byte[] bytes;
          try (java.io.InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            // the start tells a binary, whose rest is then never read
            byte[] head = in.readNBytes(ReadLimits.SNIFF_BYTES);
            if (ReadLimits.isBinary(head)) {
              problems.add(new Problem(display, 0, 0, "skipped: binary (a NUL byte in the first " + (ReadLimits.SNIFF_BYTES >> 10) + " KiB)"));
              continue;
            }
            byte[] rest = in.readAllBytes();
            bytes = java.util.Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, bytes, head.length, rest.length);
          }
          String text = new String(bytes, StandardCharsets.UTF_8);
          String path = f.toString().replace('\\', '/');
          if (interest.wants(path, text)) {
            texts.add(new Text(Text.Kind.FILE, path, new Text.Origin.OnDisk(display), text));
          }
        } catch (IOException e) {
          problems.add(new Problem(display, 0, 0, "not read: " + e.getClass().getSimpleName()));
        }
      }
    }
    return new Contents(name, texts, problems, refs);
  }

  private static String tooLarge(long size, ReadLimits limits) {
    return size + " bytes, over the " + (limits.maxFileBytes() >> 20) + " MiB limit for content checks";
  }
}
