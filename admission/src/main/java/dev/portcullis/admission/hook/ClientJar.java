package dev.portcullis.admission.hook;

import dev.portcullis.admission.hook.client.HookClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The hook client alone in a jar of its own: the JVM a {@code hooks.d} entry starts on every container
 * start opens one small jar and loads one class of ours. Deterministic: the same bytes for the same
 * class.
 */
public final class ClientJar {
  /** The jar's file name. */
  public static final String FILE = "portcullis-hook-client.jar";
  /** The client's main class. */
  public static final String MAIN_CLASS = HookClient.class.getName();

  private static final FileTime EPOCH = FileTime.fromMillis(315_532_800_000L);

  private ClientJar() {}

  /** Writes the jar to {@code file}, replacing it atomically. */
  public static void write(Path file) throws IOException {
    List<Class<?>> classes = new ArrayList<>(List.of(HookClient.class));
    classes.addAll(List.of(HookClient.class.getDeclaredClasses()));
    Map<String, byte[]> entries = new TreeMap<>();
    for (Class<?> c : classes) {
      String entry = c.getName().replace('.', '/') + ".class";
      try (InputStream in = HookClient.class.getClassLoader().getResourceAsStream(entry)) {
        if (in == null) {
          throw new IOException("write " + file + ": the class " + entry + " is not on the class path");
        }
        entries.put(entry, in.readAllBytes());
      }
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, FILE, ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp); JarOutputStream jar = new JarOutputStream(out)) {
        JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
        m.setLastModifiedTime(EPOCH);
        jar.putNextEntry(m);
        manifest.write(jar);
        jar.closeEntry();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          JarEntry c = new JarEntry(e.getKey());
          c.setLastModifiedTime(EPOCH);
          jar.putNextEntry(c);
          jar.write(e.getValue());
          jar.closeEntry();
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
