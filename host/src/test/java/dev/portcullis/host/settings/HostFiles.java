package dev.portcullis.host.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes files of a host root in a test. */
record HostFiles(Path dir) {
  HostFiles put(String path, String text) throws IOException {
    Path p = dir.resolve(path.startsWith("/") ? path.substring(1) : path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return this;
  }

  HostFiles cmdline(int pid, String... argv) throws IOException {
    Path p = dir.resolve("proc/" + pid + "/cmdline");
    Files.createDirectories(p.getParent());
    Files.writeString(p, String.join("\0", argv) + "\0", StandardCharsets.UTF_8);
    return this;
  }
}
