package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.golang.GoElf;
import dev.portcullis.catalog.java.Jar;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Catalog#read} catalogs an image in the pass that indexes its layers: it finds what
 * cataloguing the squashed tree afterwards finds, opens each layer once, and none at all when the
 * layer cache holds both the index and the captures.
 */
class CatalogReadTest {
  @TempDir Path tmp;
  private Path layout;

  @BeforeEach
  void image() throws IOException {
    layout = tmp.resolve("layout");
    byte[] goBinary = ElfFixtures.elf(GoElf.buildInfo("go1.22.5", "path\texample.com/app\nmod\texample.com/app\tv1.2.3\t\n", 2), ".go.buildinfo", true);
    new OciLayoutBuilder()
        .layer(FixtureTrees.layerOf(FixtureTrees.resource("/dev/portcullis/catalog/dpkg/status"), ""))
        .layer(FixtureTrees.layerOf(FixtureTrees.resource("/dev/portcullis/catalog/npm/installed"), ""))
        .layer(new LayerBuilder().file("usr/local/bin/app", goBinary, 0755)
            .file("app/app.jar", new Jar().pom("com.acme", "app", "1.0.0")
                .entry("BOOT-INF/lib/log4j-core-2.14.1.jar", new Jar().pom("org.apache.logging.log4j", "log4j-core", "2.14.1").bytes()).bytes(), 0644).file("usr/local/bin/script", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755)
            .whiteout("usr/src/app/node_modules/lodash"))
        .write(layout);
  }

  @Test
  void findsWhatCataloguingTheTreeFinds() throws IOException {
    try (Image image = open()) {
      Catalog afterwards = Catalog.of(FileTree.read(image, new LayerScanner(null, 100_000)), Catalogers.defaults(), tmp);
      Catalog inPass = Catalog.read(image, new LayerScanner(null, 100_000), Catalogers.defaults(), tmp);
      assertThat(inPass).isEqualTo(afterwards);
      assertThat(inPass.distro()).isPresent();
      assertThat(inPass.packages()).extracting(Package::foundBy).contains("dpkg-db-cataloger", "node-package-cataloger", "go-module-binary-cataloger", "java-archive-cataloger");
      assertThat(inPass.packages()).extracting(Package::name).doesNotContain("lodash").contains("example.com/app", "axios", "log4j-core");
      assertThat(inPass.packages()).filteredOn(p -> p.name().equals("log4j-core")).singleElement()
          .satisfies(p -> assertThat(p.location()).isEqualTo(new Location("/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", 2,
              image.layers().get(2).diffId())));
    }
  }

  @Test
  void readsEachLayerOnceAndNoneWhenCached() throws IOException {
    LayerCache cache = new LayerCache(tmp.resolve("cache"));
    try (Image image = open()) {
      AtomicInteger opens = new AtomicInteger();
      Catalog cold = Catalog.read(counting(image, opens), new LayerScanner(cache, 100_000), Catalogers.defaults(), tmp);
      assertThat(opens).hasValue(image.layers().size());

      opens.set(0);
      Catalog warm = Catalog.read(counting(image, opens), new LayerScanner(cache, 100_000), Catalogers.defaults(), tmp);
      assertThat(opens).hasValue(0);
      assertThat(warm).isEqualTo(cold);
    }
  }

  @Test
  void aTreeIndexedWithoutCapturesIsCataloguedFromItsLayers() throws IOException {
    LayerCache cache = new LayerCache(tmp.resolve("cache"));
    try (Image image = open()) {
      FileTree.read(image, new LayerScanner(cache, 100_000));
      AtomicInteger opens = new AtomicInteger();
      Catalog catalog = Catalog.read(counting(image, opens), new LayerScanner(cache, 100_000), Catalogers.defaults(), tmp);
      // the index is cached, the captures are not: one pass per layer takes them
      assertThat(opens).hasValue(image.layers().size());
      assertThat(catalog).isEqualTo(Catalog.of(FileTree.read(image, new LayerScanner(null, 100_000)), Catalogers.defaults(), tmp));
    }
  }

  @Test
  void capturesOverTheMemoryBudgetAreReadFromTheLayersInstead() throws IOException {
    try (Image image = open()) {
      AtomicInteger opens = new AtomicInteger();
      Catalog lean = Catalog.read(counting(image, opens), new LayerScanner(null, 100_000), Catalogers.defaults(), tmp, 0);
      assertThat(opens).as("layers read again for what was not captured").hasValueGreaterThan(image.layers().size());
      assertThat(lean).isEqualTo(Catalog.read(image, new LayerScanner(null, 100_000), Catalogers.defaults(), tmp));
    }
  }

  private Image open() throws IOException {
    return Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults());
  }

  /** {@code image} with every {@link Layer#open()} counted. */
  private static Image counting(Image image, AtomicInteger opens) {
    List<Layer> layers = image.layers().stream().map(l -> proxy(Layer.class, l, "open", opens)).toList();
    return (Image) Proxy.newProxyInstance(Image.class.getClassLoader(), new Class<?>[] {Image.class}, (p, m, args) -> {
      if (m.getName().equals("layers")) {
        return layers;
      }
      return invoke(image, m, args);
    });
  }

  private static <T> T proxy(Class<T> type, T target, String counted, AtomicInteger count) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
      if (m.getName().equals(counted)) {
        count.incrementAndGet();
      }
      return invoke(target, m, args);
    }));
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
