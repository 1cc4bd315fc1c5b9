package dev.portcullis.oci.tree;

import java.util.List;

/**
 * What one layer's tar holds, without its contents: the entries in tar order, the paths it
 * whites out and the directories it makes opaque (paths absolute and normalised, parents not yet
 * resolved through symlinks). Cached per layer diffID, so its warnings name entries only, never
 * the layer's place or the image ({@link FileTree} adds those for the image being read).
 */
public record LayerIndex(List<LayerEntry> entries, List<String> whiteouts, List<String> opaqueDirs, List<String> warnings) {
  public LayerIndex {
    entries = List.copyOf(entries);
    whiteouts = List.copyOf(whiteouts);
    opaqueDirs = List.copyOf(opaqueDirs);
    warnings = List.copyOf(warnings);
  }
}
