package dev.portcullis.catalog.catalogers;

import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.alpm.AlpmCataloger;
import dev.portcullis.catalog.apk.ApkCataloger;
import dev.portcullis.catalog.conan.ConanCataloger;
import dev.portcullis.catalog.dart.PubspecLockCataloger;
import dev.portcullis.catalog.elixir.MixLockCataloger;
import dev.portcullis.catalog.erlang.RebarLockCataloger;
import dev.portcullis.catalog.binary.BinaryClassifierCataloger;
import dev.portcullis.catalog.dotnet.DotnetDepsCataloger;
import dev.portcullis.catalog.dpkg.DpkgCataloger;
import dev.portcullis.catalog.golang.GoBinaryCataloger;
import dev.portcullis.catalog.haskell.HaskellCataloger;
import dev.portcullis.catalog.homebrew.HomebrewCataloger;
import dev.portcullis.catalog.java.JavaArchiveCataloger;
import dev.portcullis.catalog.lua.LuaRocksCataloger;
import dev.portcullis.catalog.npm.NodePackageCataloger;
import dev.portcullis.catalog.nix.NixStoreCataloger;
import dev.portcullis.catalog.npm.NpmLockCataloger;
import dev.portcullis.catalog.php.ComposerInstalledCataloger;
import dev.portcullis.catalog.php.PearCataloger;
import dev.portcullis.catalog.portage.PortageCataloger;
import dev.portcullis.catalog.python.PythonPackageCataloger;
import dev.portcullis.catalog.r.RPackageCataloger;
import dev.portcullis.catalog.rpm.RpmCataloger;
import dev.portcullis.catalog.ruby.GemspecCataloger;
import dev.portcullis.catalog.rust.CargoAuditableBinaryCataloger;
import dev.portcullis.catalog.rust.CargoLockCataloger;
import dev.portcullis.catalog.sbom.EmbeddedSbomCataloger;
import dev.portcullis.catalog.swift.PackageResolvedCataloger;
import dev.portcullis.catalog.swift.PodfileLockCataloger;
import dev.portcullis.catalog.wordpress.WordpressPluginCataloger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** The built-in catalogers, listed once, plus those {@link ServiceLoader} finds. */
public final class Catalogers {
  private Catalogers() {}

  /** The built-ins, in the order they run: made once per process (catalogers hold no state; a scanner shares them across its scans). */
  public static List<Cataloger> defaults() {
    return Builtin.CATALOGERS;
  }

  /** Holds the built-ins, made at the first {@link #defaults()}. */
  private static final class Builtin {
    static final List<Cataloger> CATALOGERS = List.of(
        new DpkgCataloger(),
        new ApkCataloger(),
        new RpmCataloger(),
        new AlpmCataloger(),
        new PortageCataloger(),
        new JavaArchiveCataloger(),
        new NodePackageCataloger(),
        new NpmLockCataloger(),
        new PythonPackageCataloger(),
        new GemspecCataloger(),
        new DotnetDepsCataloger(),
        new ComposerInstalledCataloger(),
        new PearCataloger(),
        new WordpressPluginCataloger(),
        new NixStoreCataloger(),
        new HomebrewCataloger(),
        new EmbeddedSbomCataloger(),
        new CargoLockCataloger(),
        new PubspecLockCataloger(),
        new MixLockCataloger(),
        new RebarLockCataloger(),
        new PackageResolvedCataloger(),
        new PodfileLockCataloger(),
        new ConanCataloger(),
        new HaskellCataloger(),
        new RPackageCataloger(),
        new LuaRocksCataloger(),
        new CargoAuditableBinaryCataloger(),
        new GoBinaryCataloger(),
        new BinaryClassifierCataloger());
  }

  /** The built-ins and the extensions on the class path; two with one name fail at start. */
  public static List<Cataloger> all() {
    List<Cataloger> all = new ArrayList<>(defaults());
    ServiceLoader.load(Cataloger.class).forEach(all::add);
    Set<String> names = new HashSet<>();
    for (Cataloger c : all) {
      if (!names.add(c.name())) {
        throw new IllegalStateException("two catalogers are named '" + c.name() + "'");
      }
    }
    return List.copyOf(all);
  }
}
