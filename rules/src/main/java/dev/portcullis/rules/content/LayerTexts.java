package dev.portcullis.rules.content;

import java.util.Map;
import java.util.Set;

/**
 * What the content checks want of one layer, taken while the layer is indexed: the text files an
 * {@link Interest} wanted by their path in the layer's tar or by a keyword, by their ordinal in the
 * tar; the ordinals of the binary files; and whether every file was looked at ({@code complete}
 * is false once a scan's memory bound stopped the capture: the files after that are unknown).
 * Files over the size bound and empty ones are never looked at.
 */
public record LayerTexts(Map<Integer, String> texts, Set<Integer> binaries, boolean complete) {
  public static final LayerTexts NONE = new LayerTexts(Map.of(), Set.of(), false);

  public LayerTexts {
    texts = Map.copyOf(texts);
    binaries = Set.copyOf(binaries);
  }
}
