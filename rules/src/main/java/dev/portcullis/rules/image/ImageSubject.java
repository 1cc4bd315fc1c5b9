package dev.portcullis.rules.image;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Location;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.tree.DirectoryImage;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.rules.Subject;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An image as checks see it: its config (user, env, labels, ports, healthcheck, history) and, when
 * it was read, its squashed file tree. Checks of files pass when there is no tree.
 */
public record ImageSubject(String name, ImageConfig config, @Nullable FileTree tree) implements Subject {
  public static ImageSubject of(Image image, FileTree tree) {
    return new ImageSubject(image.name(), image.config(), tree);
  }

  public static ImageSubject configOnly(String name, ImageConfig config) {
    return new ImageSubject(name, config, null);
  }

  public Optional<FileTree> treeIfAny() {
    return Optional.ofNullable(tree);
  }

  /**
   * Where a file of the tree is: its path, the layer that brought it and that layer's diffID; in a
   * directory ({@code dir:}), which has no layers, the path alone (layer -1).
   */
  public Location location(FileEntry e) {
    if (tree != null && DirectoryImage.isDirectory(tree.image())) {
      return new Location(e.path(), -1, null);
    }
    Digest diffId = e.layer() < config.diffIds().size() ? config.diffIds().get(e.layer()) : null;
    return new Location(e.path(), e.layer(), diffId);
  }
}
