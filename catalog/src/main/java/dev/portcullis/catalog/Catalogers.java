package dev.portcullis.catalog;

import dev.portcullis.catalog.java.JavaArchiveCataloger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** The built-in catalogers, listed once, plus those {@link ServiceLoader} finds. */
public final class Catalogers {
  private Catalogers() {}

  /** The built-ins, in the order they run. */
  public static List<Cataloger> defaults() {
    return List.of(new JavaArchiveCataloger());
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
