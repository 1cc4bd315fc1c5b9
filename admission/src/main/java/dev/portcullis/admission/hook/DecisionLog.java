package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The hook's local decision log: one JSON object per line, appended under a lock so that the lines
 * of hooks running at once never interleave.
 */
public final class DecisionLog {
  private final Path file;

  public DecisionLog(Path file) {
    this.file = file;
  }

  public void append(DecisionRecord record) throws IOException {
    append(record.logEntry());
  }

  /** A line saying the server's audit trail did not take {@code record}. */
  public void auditFailed(DecisionRecord record, String why) throws IOException {
    ObjectNode o = HookJson.MAPPER.createObjectNode();
    o.put("time", record.time().toString());
    o.put("source", "oci-hook");
    o.put("containerId", record.containerId());
    o.put("auditFailed", why);
    append(o);
  }

  private void append(ObjectNode line) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] bytes = (HookJson.MAPPER.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        FileLock lock = ch.lock()) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
    }
  }
}
