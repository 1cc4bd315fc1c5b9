package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.images.OciLayoutWriter;

import dev.portcullis.oci.tree.DeletedEntry;
import dev.portcullis.oci.tree.Exporter;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.LayerEntry;
import dev.portcullis.oci.tree.LayerIndex;
import dev.portcullis.oci.tree.LayerScanner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis image ...}: look inside images. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = "Inspect, list and export images from any source.",
    subcommands = {ImageCommand.Inspect.class, ImageCommand.Files.class, ImageCommand.Export.class, ImageCommand.Save.class},
    footer = {"", "SOURCE is oci-dir:PATH, oci-archive:PATH, docker-archive:PATH, registry:REF (or docker://REF),",
        "containers-storage:[STORE]NAME|ID (podman's store, --storage-root), docker:NAME (a Docker engine, --docker-host), or a bare path or reference",
        "(an existing path is a layout or an archive; anything else a registry reference: alpine = docker.io/library/alpine:latest).",
        "(a directory, dir:PATH, has no manifest, digest or layers: sbom, scan and gate read it, these commands do not)"})
final class ImageCommand {

  /** The parts every image subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The image to read.")
    String source;

    PrintStream stdout;
    PrintStream stderr;

    Image openImage() throws IOException {
      ImageSource s = ImageSource.parse(source);
      if (s instanceof ImageSource.Directory && !readsDirectories()) {
        throw new IllegalArgumentException(spec.qualifiedName().substring(spec.root().name().length()).strip() + " " + source + ": a directory has no manifest, digest, config or layers "
            + "to read; sbom, scan, gate, secrets and config take dir:PATH");
      }
      ReadOptions options = common.readOptions(stderr, Main.of(spec).in);
      return Images.open(s, options);
    }

    FileTree tree(Image image) throws IOException {
      return FileTree.read(image, scanner());
    }

    LayerScanner scanner() {
      return new LayerScanner(common.cache(), common.limits().maxEntries());
    }

    @Override
    public final Integer call() throws Exception {
      stdout = Main.of(spec).out;
      stderr = Main.of(spec).err;
      if (!formats().contains(common.format)) {
        throw new IllegalArgumentException("--format " + common.format.text + " is not one this command writes ("
            + formats().stream().map(f -> f.text).collect(java.util.stream.Collectors.joining(", ")) + ")");
      }
      return run();
    }

    /** Whether this command reads a {@code dir:PATH} source (a directory as a one-layer image without digest or config). */
    boolean readsDirectories() {
      return false;
    }

    /** The {@code --format}s this command writes. */
    java.util.Set<CommonOptions.Format> formats() {
      return java.util.EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON);
    }

    abstract int run() throws Exception;

    /** One line on stderr for a failure the user can act on (the stack trace with --debug); returns {@code exitCode}. */
    int failed(Exception e, int exitCode) {
      Main.printFailure(stderr, String.valueOf(e.getMessage()));
      if (common.debug) {
        e.printStackTrace(stderr);
      }
      return exitCode;
    }

    void json(Object node) throws IOException {
      stdout.println(JsonOutput.MAPPER.writer().writeValueAsString(node));
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show an image's digest, platform, config and layers.")
  static final class Inspect extends Base {
    @Override
    int run() throws IOException {
      try (Image image = openImage()) {
        if (common.format == CommonOptions.Format.JSON) {
          json(inspection(image));
        } else {
          printInspection(image);
        }
      }
      return 0;
    }

    static ObjectNode inspection(Image image) {
      ImageConfig c = image.config();
      ObjectNode root = JsonOutput.MAPPER.createObjectNode();
      root.put("name", image.name());
      root.put("digest", image.digest().toString());
      root.put("mediaType", image.manifest().mediaType());
      root.put("platform", c.platform().toString());
      root.put("created", c.created());
      ObjectNode config = root.putObject("config");
      config.put("user", c.user());
      config.set("env", strings(c.env()));
      config.set("entrypoint", strings(c.entrypoint()));
      config.set("cmd", strings(c.cmd()));
      config.put("workingDir", c.workingDir());
      config.set("exposedPorts", strings(c.exposedPorts()));
      config.set("volumes", strings(c.volumes()));
      ObjectNode labels = config.putObject("labels");
      c.labels().forEach(labels::put);
      config.put("stopSignal", c.stopSignal());
      c.healthcheckIfAny().ifPresentOrElse(h -> {
        ObjectNode hc = config.putObject("healthcheck");
        hc.set("test", strings(h.test()));
        hc.put("intervalNanos", h.intervalNanos());
        hc.put("timeoutNanos", h.timeoutNanos());
        hc.put("startPeriodNanos", h.startPeriodNanos());
        hc.put("retries", h.retries());
      }, () -> config.putNull("healthcheck"));
      ArrayNode layers = root.putArray("layers");
      for (Layer l : image.layers()) {
        ObjectNode n = layers.addObject();
        n.put("index", l.index());
        n.put("digest", l.digest().toString());
        n.put("diffId", l.diffId().toString());
        n.put("size", l.size());
        n.put("mediaType", l.mediaType());
        n.put("createdBy", l.createdBy().orElse(""));
      }
      ArrayNode skipped = root.putArray("skippedLayers");
      for (Image.SkippedLayer s : image.skippedLayers()) {
        skipped.addObject().put("digest", s.descriptor().digest().toString()).put("reason", s.reason());
      }
      return root;
    }

    private void printInspection(Image image) {
      ImageConfig c = image.config();
      Table t = new Table("FIELD", "VALUE");
      t.row("Image", image.name());
      t.row("Digest", image.digest());
      t.row("Media type", image.manifest().mediaType());
      t.row("Platform", c.platform());
      t.row("Created", c.created());
      t.row("User", c.user().isEmpty() ? "(root, not set)" : c.user());
      c.env().forEach(e -> t.row("Env", e));
      t.row("Entrypoint", c.entrypoint().isEmpty() ? "" : String.join(" ", c.entrypoint()));
      t.row("Cmd", c.cmd().isEmpty() ? "" : String.join(" ", c.cmd()));
      t.row("Working dir", c.workingDir());
      t.row("Exposed ports", String.join(", ", c.exposedPorts()));
      c.labels().forEach((k, v) -> t.row("Label", k + "=" + v));
      t.row("Healthcheck", c.healthcheckIfAny().map(h -> String.join(" ", h.test())).orElse("(none)"));
      t.print(stdout);
      stdout.println();
      Table layers = new Table("#", "DIGEST", "DIFF ID", "SIZE", "MEDIA TYPE", "CREATED BY");
      for (Layer l : image.layers()) {
        layers.row(l.index(), l.digest().shortHex(), l.diffId().shortHex(), ConsoleProgress.human(l.size()), l.mediaType(), oneLine(l.createdBy().orElse("")));
      }
      layers.print(stdout);
      for (Image.SkippedLayer s : image.skippedLayers()) {
        stdout.println(TerminalText.escape("skipped " + s.descriptor().digest() + ": " + s.reason()));
      }
    }
  }

  @Command(name = "files", mixinStandardHelpOptions = true,
      description = "List the squashed file tree (each file with the layer that brought it), one layer's entries, or what later layers deleted.")
  static final class Files extends Base {
    @Option(names = "--layer", paramLabel = "N", description = "List the entries of layer N as its tar states them (0 is the base).")
    @Nullable Integer layer;

    @Option(names = "--deleted", description = "List the files that later layers deleted or replaced (still inside the image).")
    boolean deleted;

    @Override
    int run() throws IOException {
      try (Image image = openImage()) {
        FileTree tree = tree(image);
        if (layer != null) {
          if (layer < 0 || layer >= image.layers().size()) {
            throw new IllegalArgumentException("list layer " + layer + " of " + image.name() + ": the image has layers 0 to " + (image.layers().size() - 1));
          }
          printLayer(tree.layerIndex(layer), layer);
        } else if (deleted) {
          printDeleted(tree.deleted());
        } else {
          printTree(tree);
        }
        for (String w : tree.warnings()) {
          common.listener(stderr).warn(w);
        }
      }
      return 0;
    }

    // listings stream: an image may hold millions of entries, and none is kept while printing

    private void printTree(FileTree tree) throws IOException {
      List<FileEntry> entries = tree.entries();
      if (common.format == CommonOptions.Format.JSON) {
        jsonArray(gen -> {
          for (FileEntry e : entries) {
            ObjectNode n = entryJson(JsonOutput.MAPPER.createObjectNode(), e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.linkTarget());
            n.put("layer", e.layer());
            n.put("diffId", tree.layer(e).diffId().toString());
            JsonOutput.MAPPER.writeTree(gen, n);
          }
        });
        return;
      }
      Table.print(stdout, new String[] {"MODE", "UID:GID", "SIZE", "LAYER", "PATH"}, row -> {
        for (FileEntry e : entries) {
          row.accept(new Object[] {e.type().letter() + e.permissions(), e.uid() + ":" + e.gid(), e.size(), e.layer(), display(e.path(), e.type(), e.linkTarget())});
        }
      });
    }

    /** Writes one JSON array, element by element, as one line. */
    private void jsonArray(JsonElements elements) throws IOException {
      com.fasterxml.jackson.core.JsonGenerator gen = JsonOutput.MAPPER.createGenerator(stdout);
      gen.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      gen.writeStartArray();
      elements.write(gen);
      gen.writeEndArray();
      gen.flush();
      stdout.println();
    }

    /** Writes the elements of a JSON array. */
    private interface JsonElements {
      void write(com.fasterxml.jackson.core.JsonGenerator gen) throws IOException;
    }

    private void printLayer(LayerIndex index, int n) throws IOException {
      if (common.format == CommonOptions.Format.JSON) {
        com.fasterxml.jackson.core.JsonGenerator gen = JsonOutput.MAPPER.createGenerator(stdout);
        gen.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.writeStartObject();
        gen.writeNumberField("layer", n);
        gen.writeArrayFieldStart("entries");
        for (LayerEntry e : index.entries()) {
          JsonOutput.MAPPER.writeTree(gen, entryJson(JsonOutput.MAPPER.createObjectNode(), e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.linkTarget()));
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("whiteouts");
        for (String w : index.whiteouts()) {
          gen.writeString(w);
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("opaqueDirectories");
        for (String d : index.opaqueDirs()) {
          gen.writeString(d);
        }
        gen.writeEndArray();
        gen.writeEndObject();
        gen.flush();
        stdout.println();
        return;
      }
      Table.print(stdout, new String[] {"MODE", "UID:GID", "SIZE", "PATH"}, row -> {
        for (LayerEntry e : index.entries()) {
          row.accept(new Object[] {e.type().letter() + permissions(e.mode()), e.uid() + ":" + e.gid(), e.size(), display(e.path(), e.type(), e.linkTarget())});
        }
        index.whiteouts().forEach(w -> row.accept(new Object[] {"whiteout", "", "", w}));
        index.opaqueDirs().forEach(d -> row.accept(new Object[] {"opaque", "", "", d + "/"}));
      });
    }

    private void printDeleted(List<DeletedEntry> deleted) throws IOException {
      if (common.format == CommonOptions.Format.JSON) {
        jsonArray(gen -> {
          for (DeletedEntry d : deleted) {
            FileEntry e = d.entry();
            ObjectNode n = entryJson(JsonOutput.MAPPER.createObjectNode(), e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.linkTarget());
            n.put("layer", e.layer());
            n.put("removedBy", d.removedBy());
            n.put("how", d.how().name().toLowerCase(java.util.Locale.ROOT));
            JsonOutput.MAPPER.writeTree(gen, n);
          }
        });
        return;
      }
      Table.print(stdout, new String[] {"MODE", "SIZE", "LAYER", "REMOVED BY", "HOW", "PATH"}, row -> {
        for (DeletedEntry d : deleted) {
          FileEntry e = d.entry();
          row.accept(new Object[] {e.type().letter() + e.permissions(), e.size(), e.layer(), d.removedBy(), d.how().name().toLowerCase(java.util.Locale.ROOT),
              display(e.path(), e.type(), e.linkTarget())});
        }
      });
    }

    private static ObjectNode entryJson(ObjectNode n, String path, FileType type, int mode, long uid, long gid, long size, String link) {
      n.put("path", path);
      n.put("type", type.name().toLowerCase(java.util.Locale.ROOT));
      n.put("mode", String.format("%04o", mode));
      n.put("uid", uid);
      n.put("gid", gid);
      n.put("size", size);
      if (!link.isEmpty()) {
        n.put("linkTarget", link);
      }
      return n;
    }

    private static String permissions(int mode) {
      return new FileEntry("/", FileType.REGULAR, mode, 0, 0, 0, "", 0, 0, FileEntry.ContentRef.none(0)).permissions();
    }

    private static String display(String path, FileType type, String link) {
      return switch (type) {
        case SYMLINK -> path + " -> " + link;
        case HARDLINK -> path + " => " + link;
        case DIRECTORY -> path + "/";
        default -> path;
      };
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the squashed file system to a directory (like crane export), keeping types, modes, links and, as root, owners.")
  static final class Export extends Base {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Target directory; must not exist or be empty.")
    Path output;

    @Override
    int run() throws IOException {
      try (Image image = openImage()) {
        Exporter.Result r = Exporter.export(image, output, common.listener(stderr), common.limits().maxEntries());
        if (common.format == CommonOptions.Format.JSON) {
          ObjectNode n = JsonOutput.MAPPER.createObjectNode();
          n.put("image", image.name());
          n.put("output", output.toAbsolutePath().toString());
          n.put("entries", r.entries());
          n.set("skipped", strings(r.skipped()));
          json(n);
        } else if (!common.quiet) {
          stderr.println(TerminalText.escape("exported " + r.entries() + " entries of " + image.name() + " to " + output
              + (r.skipped().isEmpty() ? "" : " (" + r.skipped().size() + " skipped)")));
        }
      }
      return 0;
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true,
      description = "Copy an image (the manifest for the chosen platform, its config and layer blobs, all verified) into an OCI image layout, like skopeo copy ... oci:DIR:NAME.")
  static final class Save extends Base {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The OCI layout to write or add to.")
    Path output;

    @Option(names = "--name", paramLabel = "NAME", description = "The org.opencontainers.image.ref.name to give it (default: the source's tag, else latest).")
    @Nullable String name;

    @Override
    int run() throws IOException {
      ImageSource s = ImageSource.parse(source);
      String refName = name != null ? name : s instanceof ImageSource.Remote r && r.ref().tag() != null ? r.ref().tag() : "latest";
      try (Image image = Images.open(s, common.readOptions(stderr, Main.of(spec).in))) {
        var digest = OciLayoutWriter.write(image, output, refName, common.listener(stderr));
        if (common.format == CommonOptions.Format.JSON) {
          ObjectNode n = JsonOutput.MAPPER.createObjectNode();
          n.put("image", image.name());
          n.put("output", output.toAbsolutePath().toString());
          n.put("name", refName);
          n.put("digest", digest.toString());
          json(n);
        } else if (!common.quiet) {
          stderr.println(TerminalText.escape("saved " + image.name() + " to oci-dir:" + output + ":" + refName));
        }
      }
      return 0;
    }
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = JsonOutput.MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  static String oneLine(String s) {
    String flat = s.replaceAll("\\s+", " ").strip();
    return flat.length() > 80 ? flat.substring(0, 77) + "..." : flat;
  }

  private ImageCommand() {}
}
