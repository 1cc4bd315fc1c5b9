package dev.portcullis.catalog.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

/** The one YAML mapper of the catalogers (lock files written as YAML), made when first used. */
public final class CatalogYaml {
  public static final ObjectMapper MAPPER = mapper();

  private CatalogYaml() {}

  private static ObjectMapper mapper() {
    LoaderOptions options = new LoaderOptions();
    // FileParsing bounds the file size already; a monorepo's lock passes SnakeYAML's 3 MB default
    options.setCodePointLimit(Integer.MAX_VALUE);
    return new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
  }
}
