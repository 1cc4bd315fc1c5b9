package dev.portcullis.oci.tree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies layer indexes in order, as a container runtime applies layers: whiteouts and opaque
 * directories delete from lower layers only, entries are placed after resolving the symlinks in
 * their parents, and replacing a directory by a file removes what was beneath it.
 */
final class Squasher {
  private final TreeMap<String, FileEntry> files = new TreeMap<>();
  private final List<DeletedEntry> deleted = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final PathResolver.Links links = p -> {
    FileEntry e = files.get(p);
    return e != null && e.type() == FileType.SYMLINK ? Optional.of(e.linkTarget()) : Optional.empty();
  };

  NavigableMap<String, FileEntry> files() {
    return files;
  }

  List<DeletedEntry> deleted() {
    return deleted;
  }

  List<String> warnings() {
    return warnings;
  }

  PathResolver.Links links() {
    return links;
  }

  /** Applies layer {@code layer}; {@code where} names it and the image for its (cached, image-free) warnings. */
  void apply(int layer, LayerIndex index, String where) throws IOException {
    index.warnings().forEach(w -> warnings.add(where + ": " + w));
    for (String dir : index.opaqueDirs()) {
      resolveParents(dir, layer).ifPresent(d -> removeBelow(d, layer, DeletedEntry.Removal.OPAQUE_DIRECTORY));
    }
    for (String path : index.whiteouts()) {
      resolveParents(path, layer).ifPresent(p -> {
        FileEntry gone = files.remove(p);
        if (gone != null) {
          deleted.add(new DeletedEntry(gone, layer, DeletedEntry.Removal.WHITEOUT));
          removeBelow(p, layer, DeletedEntry.Removal.WHITEOUT);
        }
      });
    }
    for (LayerEntry e : index.entries()) {
      add(layer, e);
    }
  }

  private Optional<String> resolveParents(String path, int layer) throws IOException {
    return switch (PathResolver.resolve(path, false, links)) {
      case PathResolver.Resolution.Resolved r -> Optional.of(r.path());
      case PathResolver.Resolution.Loop l -> {
        warnings.add("layer " + layer + ": '" + path + "' not placed: symlink loop at " + l.at());
        yield Optional.empty();
      }
    };
  }

  private void removeBelow(String dir, int layer, DeletedEntry.Removal how) {
    String from = dir.equals("/") ? "/" : dir + "/";
    NavigableMap<String, FileEntry> below = files.subMap(from, false, dir.equals("/") ? "0" : dir + "0", false);
    for (FileEntry e : below.values()) {
      deleted.add(new DeletedEntry(e, layer, how));
    }
    below.clear();
  }

  private void add(int layer, LayerEntry e) throws IOException {
    Optional<String> resolved = resolveParents(e.path(), layer);
    if (resolved.isEmpty()) {
      return;
    }
    String path = resolved.get();
    if (path.equals("/")) {
      return;
    }
    if (!ensureParents(path, layer)) {
      warnings.add("layer " + layer + ": '" + e.path() + "' not placed: a parent is not a directory");
      return;
    }
    FileEntry entry;
    if (e.type() == FileType.HARDLINK) {
      Optional<String> target = resolveParents(e.linkTarget(), layer);
      FileEntry t = target.map(files::get).orElse(null);
      if (t == null || t.type() == FileType.DIRECTORY) {
        warnings.add("layer " + layer + ": hardlink '" + e.path() + "' to '" + e.linkTarget() + "' not placed: " + (t == null ? "no such file" : "target is a directory"));
        return;
      }
      entry = new FileEntry(path, FileType.HARDLINK, t.mode(), t.uid(), t.gid(), t.size(), t.path(), t.modifiedEpochSeconds(), layer, t.content());
    } else {
      FileEntry.ContentRef content = e.type() == FileType.REGULAR ? new FileEntry.ContentRef(layer, e.ordinal()) : FileEntry.ContentRef.none(layer);
      entry = new FileEntry(path, e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.linkTarget(), e.modifiedEpochSeconds(), layer, content);
    }
    FileEntry existing = files.get(path);
    if (existing != null) {
      boolean dirOverDir = existing.type() == FileType.DIRECTORY && entry.type() == FileType.DIRECTORY;
      if (!dirOverDir) {
        deleted.add(new DeletedEntry(existing, layer, DeletedEntry.Removal.REPLACED));
        if (existing.type() == FileType.DIRECTORY) {
          removeBelow(path, layer, DeletedEntry.Removal.REPLACED);
        }
      }
    }
    files.put(path, entry);
  }

  /** Creates missing parent directories as a tar extractor would; false when a parent is a file. */
  private boolean ensureParents(String path, int layer) {
    Optional<List<String>> missing = TarPaths.missingParents(path, p -> {
      FileEntry e = files.get(p);
      return e == null ? null : e.type();
    });
    missing.ifPresent(ps -> ps.forEach(p -> files.put(p, new FileEntry(p, FileType.DIRECTORY, 0755, 0, 0, 0, "", 0, layer, FileEntry.ContentRef.none(layer)))));
    return missing.isPresent();
  }
}
