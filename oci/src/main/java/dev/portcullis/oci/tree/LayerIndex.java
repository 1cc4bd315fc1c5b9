package dev.portcullis.oci.tree;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * What one layer's tar holds, without its contents: the entries in tar order, the paths it
 * whites out and the directories it makes opaque (paths absolute and normalised, parents not yet
 * resolved through symlinks). Cached per layer diffID, so its warnings name entries only, never
 * the layer's place or the image ({@link FileTree} adds those for the image being read).
 * Immutable; the lists are views over a compact store outside the heap, so a layer of millions of
 * entries costs the heap almost nothing, and each element is made when it is asked for. Of the
 * warnings, the first {@value #MAX_WARNINGS} are kept and the rest counted in a last one.
 */
public final class LayerIndex {
  public static final int MAX_WARNINGS = 100;

  private static final int RECORD = 64;
  private static final FileType[] TYPES = FileType.values();

  private final SpillBuffer records;
  private final SpillBuffer strings;
  private final SpillBuffer whiteoutRefs;
  private final SpillBuffer opaqueRefs;
  private final int size;
  private final int whiteoutCount;
  private final int opaqueCount;
  private final List<String> warnings;

  private LayerIndex(Builder b) {
    this.records = b.records;
    this.strings = b.strings;
    this.whiteoutRefs = b.whiteoutRefs;
    this.opaqueRefs = b.opaqueRefs;
    this.size = b.size;
    this.whiteoutCount = b.whiteoutCount;
    this.opaqueCount = b.opaqueCount;
    List<String> w = new ArrayList<>(b.warnings);
    if (b.warningsDropped > 0) {
      w.add(b.warningsDropped + " more warnings like these not shown");
    }
    this.warnings = List.copyOf(w);
  }

  public LayerIndex(List<LayerEntry> entries, List<String> whiteouts, List<String> opaqueDirs, List<String> warnings) {
    this(fill(entries, whiteouts, opaqueDirs, warnings));
  }

  private static Builder fill(List<LayerEntry> entries, List<String> whiteouts, List<String> opaqueDirs, List<String> warnings) {
    Builder b = new Builder();
    entries.forEach(b::entry);
    whiteouts.forEach(b::whiteout);
    opaqueDirs.forEach(b::opaque);
    warnings.forEach(b::warning);
    return b;
  }

  /** The entries, in tar order. */
  public List<LayerEntry> entries() {
    return new View<>(size) {
      @Override
      public LayerEntry get(int i) {
        return entry(i);
      }
    };
  }

  public List<String> whiteouts() {
    return strings(whiteoutRefs, whiteoutCount);
  }

  public List<String> opaqueDirs() {
    return strings(opaqueRefs, opaqueCount);
  }

  public List<String> warnings() {
    return warnings;
  }

  /** How many entries there are. */
  public int size() {
    return size;
  }

  /** Entry {@code i} in tar order. */
  public LayerEntry entry(int i) {
    long at = record(i);
    long link = records.getLong(at + 48);
    return new LayerEntry(records.getInt(at), strings.getString(records.getLong(at + 40)), TYPES[records.getByte(at + 4)],
        records.getShort(at + 6), records.getLong(at + 8), records.getLong(at + 16), records.getLong(at + 24),
        link < 0 ? "" : strings.getString(link), records.getLong(at + 32), records.getInt(at + 56), records.getInt(at + 60));
  }

  FileType type(int i) {
    return TYPES[records.getByte(record(i) + 4)];
  }

  String linkTarget(int i) {
    long link = records.getLong(record(i) + 48);
    return link < 0 ? "" : strings.getString(link);
  }

  private long record(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return (long) i * RECORD;
  }

  private List<String> strings(SpillBuffer refs, int count) {
    return new View<>(count) {
      @Override
      public String get(int i) {
        java.util.Objects.checkIndex(i, count);
        return strings.getString(refs.getLong((long) i * 8));
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerIndex other && entries().equals(other.entries()) && whiteouts().equals(other.whiteouts())
        && opaqueDirs().equals(other.opaqueDirs()) && warnings.equals(other.warnings);
  }

  @Override
  public int hashCode() {
    return size * 31 + whiteoutCount * 7 + opaqueCount + warnings.hashCode();
  }

  @Override
  public String toString() {
    return "LayerIndex[" + size + " entries, " + whiteoutCount + " whiteouts, " + opaqueCount + " opaque directories, "
        + warnings.size() + " warnings]";
  }

  /** A read-only list over the store. */
  private abstract static class View<T> extends AbstractList<T> implements RandomAccess {
    private final int size;

    View(int size) {
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }
  }

  /** Collects a layer's index entry by entry, as the tar is read. */
  public static final class Builder {
    private final SpillBuffer records = new SpillBuffer();
    private final SpillBuffer strings = new SpillBuffer();
    private final SpillBuffer whiteoutRefs = new SpillBuffer();
    private final SpillBuffer opaqueRefs = new SpillBuffer();
    private final List<String> warnings = new ArrayList<>();
    private int size;
    private int whiteoutCount;
    private int opaqueCount;
    private long warningsDropped;
    private boolean built;

    public Builder entry(LayerEntry e) {
      check();
      if (e.mode() < 0 || e.mode() > 07777) {
        throw new IllegalArgumentException("mode " + Integer.toOctalString(e.mode()) + " of " + e.path() + " is not a permission mode");
      }
      long at = records.append(RECORD);
      records.putInt(at, e.ordinal());
      records.putByte(at + 4, (byte) e.type().ordinal());
      records.putShort(at + 6, (short) e.mode());
      records.putLong(at + 8, e.uid());
      records.putLong(at + 16, e.gid());
      records.putLong(at + 24, e.size());
      records.putLong(at + 32, e.modifiedEpochSeconds());
      records.putLong(at + 40, strings.appendString(e.path()));
      records.putLong(at + 48, e.linkTarget().isEmpty() ? -1 : strings.appendString(e.linkTarget()));
      records.putInt(at + 56, e.devMajor());
      records.putInt(at + 60, e.devMinor());
      size++;
      return this;
    }

    public Builder whiteout(String path) {
      check();
      whiteoutRefs.putLong(whiteoutRefs.append(8), strings.appendString(path));
      whiteoutCount++;
      return this;
    }

    public Builder opaque(String dir) {
      check();
      opaqueRefs.putLong(opaqueRefs.append(8), strings.appendString(dir));
      opaqueCount++;
      return this;
    }

    public Builder warning(String message) {
      check();
      if (warnings.size() < MAX_WARNINGS) {
        warnings.add(message);
      } else {
        warningsDropped++;
      }
      return this;
    }

    /** A warning read back from a cache, kept whatever the count (it was capped when first made). */
    Builder warningAsIs(String message) {
      check();
      warnings.add(message);
      return this;
    }

    public LayerIndex build() {
      check();
      built = true;
      return new LayerIndex(this);
    }

    private void check() {
      if (built) {
        throw new IllegalStateException("the layer index is built already");
      }
      if (size == Integer.MAX_VALUE || whiteoutCount == Integer.MAX_VALUE || opaqueCount == Integer.MAX_VALUE) {
        throw new IllegalStateException("a layer index holds fewer than 2^31 entries");
      }
    }
  }
}
