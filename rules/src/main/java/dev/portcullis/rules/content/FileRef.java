package dev.portcullis.rules.content;

import dev.portcullis.core.FindingLocation;
import dev.portcullis.oci.tree.FileType;

/**
 * A file, directory or link of the input, whatever its content and whether or not its text was
 * kept: for checks about what is there (an installed debugger, a {@code .git} directory) rather
 * than what a file says. {@code path} is as in {@link Text#path}.
 */
public record FileRef(String path, FileType type, Text.Origin origin) {
  /** The last part of the path. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether a later layer deleted it (its bytes still ship in the layer that added it). */
  public boolean deleted() {
    return origin instanceof Text.Origin.InLayer l && l.deletedBy() >= 0;
  }

  /** Where a finding about it is: the layer that added it, or the file on disk. */
  public FindingLocation at() {
    return switch (origin) {
      case Text.Origin.OnDisk d -> FindingLocation.InFile.line(d.file(), 1);
      case Text.Origin.InConfig c -> new FindingLocation.InConfig(c.image(), c.field());
      case Text.Origin.InLayer l -> new FindingLocation.InLayer(l.image(), l.location());
    };
  }

  /** {@code " (deleted by layer 4, still in the image)"} for a deleted one, else nothing. */
  public String deletedNote() {
    return origin instanceof Text.Origin.InLayer l && l.deletedBy() >= 0 ? " (deleted by layer " + l.deletedBy() + ", still in the image)" : "";
  }
}
