package dev.portcullis.cli;

import dev.portcullis.oci.tree.LayerCache;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis cache ...}: the per-layer analysis cache. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Manage the per-layer analysis cache.",
    subcommands = {CacheCommand.Clean.class})
final class CacheCommand {
  private CacheCommand() {}

  @Command(name = "clean", mixinStandardHelpOptions = true, description = "Delete every cached layer result.")
  static final class Clean implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "The cache to clean (default: ~/.cache/portcullis/layers).")
    @Nullable Path cacheDir;

    @Override
    public Integer call() throws Exception {
      LayerCache cache = new LayerCache(cacheDir != null ? cacheDir : LayerCache.defaultDir());
      long n = cache.clean();
      Main.of(spec).err.println("removed " + n + " cached layer results from " + cache.dir());
      return 0;
    }
  }
}
