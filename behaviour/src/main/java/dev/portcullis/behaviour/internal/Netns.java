package dev.portcullis.behaviour.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What is done inside a network namespace, named by a path to it ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}).
 */
public final class Netns {
  /** Our own nftables table in every workload's namespace; nothing else is ever changed there. */
  public static final String TABLE = "inet portcullis";
  private static final Duration COMMAND = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Netns() {}

  /** The namespace's inode (its identity), or empty when the path no longer leads to a namespace. */
  public static OptionalLong inode(Path netns) {
    try {
      Object ino = Files.getAttribute(netns, "unix:ino");
      Object dev = Files.getAttribute(netns, "unix:dev");
      // a namespace file is on nsfs; a leftover plain file under /run/netns is not one
      return ino instanceof Long l && dev instanceof Long ? OptionalLong.of(l) : OptionalLong.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }

  /** The inode of the network namespace of process {@code pid}, or empty when it has gone. */
  public static OptionalLong inodeOf(long pid) {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
      return link.startsWith("net:[") && link.endsWith("]")
          ? OptionalLong.of(Long.parseLong(link.substring(5, link.length() - 1))) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The global-scope addresses of the namespace's interfaces other than loopback. */
  public static List<String> addresses(OwnProcesses own, Path netns) throws IOException {
    String out = Commands.check(own, COMMAND, List.of("nsenter", "--net=" + netns, "ip", "-j", "addr"), null);
    List<String> addresses = new ArrayList<>();
    JsonNode root = JSON.readTree(out);
    for (JsonNode link : root) {
      if (link.path("ifname").asText().equals("lo")) {
        continue;
      }
      for (JsonNode info : link.path("addr_info")) {
        if (info.path("scope").asText().equals("global") && info.hasNonNull("local")) {
          addresses.add(info.get("local").asText());
        }
      }
    }
    return addresses;
  }

  /** Applies {@code ruleset} ({@code nft -f} text, one transaction) inside the namespace. */
  public static void apply(OwnProcesses own, Path netns, String ruleset) throws IOException {
    Commands.Result r = Commands.run(own, COMMAND, List.of("nsenter", "--net=" + netns, "nft", "-f", "-"), ruleset);
    if (r.exitCode() != 0) {
      throw new IOException("install table " + TABLE + " in network namespace " + netns + ": nft: " + r.stderrLine());
    }
  }

  /** Checks {@code ruleset} with {@code nft -c} inside the namespace, changing nothing. */
  public static void check(OwnProcesses own, Path netns, String ruleset) throws IOException {
    Commands.Result r = Commands.run(own, COMMAND, List.of("nsenter", "--net=" + netns, "nft", "-c", "-f", "-"),
        ruleset);
    if (r.exitCode() != 0) {
      throw new IOException("check table " + TABLE + " for network namespace " + netns + ": nft: " + r.stderrLine());
    }
  }

  /** Deletes our table from the namespace; a namespace that has gone, or has no such table, is fine. */
  public static void deleteTable(OwnProcesses own, Path netns, long inode) throws IOException {
    if (inode(netns).orElse(-1) != inode) {
      return; // the namespace has gone, and its table with it
    }
    Commands.Result r = Commands.run(own, COMMAND, List.of("nsenter", "--net=" + netns, "nft", "delete", "table",
        "inet", "portcullis"), null);
    if (r.exitCode() != 0 && !r.stderr().contains("No such file or directory")) {
      throw new IOException("delete table " + TABLE + " in network namespace " + netns + ": nft: " + r.stderrLine());
    }
  }

  /** The processes, by PID, whose network namespace has one of the {@code inodes}, with the name it maps to. */
  public static Map<Long, String> processesIn(Map<Long, String> inodes) throws IOException {
    Map<Long, String> found = new java.util.HashMap<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p ->
        p.getFileName().toString().matches("[0-9]{1,10}"))) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        OptionalLong ino = inodeOf(pid);
        if (ino.isPresent() && inodes.containsKey(ino.getAsLong())) {
          found.put(pid, inodes.get(ino.getAsLong()));
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException("scan /proc: " + e.getMessage(), e);
    }
    return found;
  }
}
