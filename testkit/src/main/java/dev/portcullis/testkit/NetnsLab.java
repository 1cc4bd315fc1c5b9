package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small network of its own: a switch namespace holding a bridge, and named network namespaces each joined to it by
 * a veth pair, with loopback up and one address of a {@code 10.A.B.0/24} subnet no other lab (and no host interface)
 * uses. The host's own network namespace gets nothing: no link, no address, no route. {@link #start} and {@link
 * #exec} run programs inside a namespace through {@code ip netns exec}, so a namespace's {@link #resolvConf} is the
 * {@code /etc/resolv.conf} they see. {@link #close()} kills every process still in the lab's namespaces, deletes the
 * namespaces (their links go with them) and the resolver files, even after a failure half-way.
 */
public final class NetnsLab implements AutoCloseable {
  private static final Duration COMMAND = Duration.ofSeconds(20);

  private final String id;
  private final String subnet;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> resolverDirs = new ArrayList<>();
  private final Path logs;

  private NetnsLab(String id, String subnet, Path logs) {
    this.id = id;
    this.subnet = subnet;
    this.logs = logs;
  }

  /** A lab with one namespace per name (each 1-8 of [a-z0-9]), addressed {@code .2}, {@code .3}... */
  public static NetnsLab create(String... names) throws IOException {
    Tools.require("ip");
    String id = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
    String used = Tools.run(COMMAND, "ip", "-4", "-o", "addr").stdoutText()
        + Tools.run(COMMAND, "ip", "-4", "-o", "route").stdoutText();
    String subnet = null;
    for (int attempt = 0; attempt < 100 && subnet == null; attempt++) {
      String candidate = "10." + ThreadLocalRandom.current().nextInt(64, 250) + "."
          + ThreadLocalRandom.current().nextInt(1, 250);
      if (!used.contains(candidate + ".")) {
        subnet = candidate;
      }
    }
    if (subnet == null) {
      throw new IOException("netns lab: no free 10.x.y.0/24 subnet found");
    }
    NetnsLab lab = new NetnsLab(id, subnet, Files.createTempDirectory("pcl-lab-" + id + "-"));
    try {
      String sw = lab.add("sw");
      lab.ip("-n", sw, "link", "add", "br0", "type", "bridge");
      lab.ip("-n", sw, "link", "set", "br0", "up");
      int host = 2;
      for (String name : names) {
        if (!name.matches("[a-z0-9]{1,8}") || name.equals("sw") || lab.addresses.containsKey(name)) {
          throw new IllegalArgumentException("netns lab: a namespace name is 1-8 of [a-z0-9], not sw, once: " + name);
        }
        String ns = lab.add(name);
        String outside = "v" + id + name;
        outside = outside.length() > 15 ? outside.substring(0, 15) : outside;
        lab.ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", outside, "netns", sw);
        lab.ip("-n", sw, "link", "set", outside, "master", "br0", "up");
        String address = subnet + "." + host++;
        lab.ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        lab.ip("-n", ns, "link", "set", "eth0", "up");
        lab.addresses.put(name, address);
      }
    } catch (IOException | RuntimeException e) {
      try {
        lab.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return lab;
  }

  private String add(String name) throws IOException {
    String ns = "pcl" + id + "-" + name;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  private void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Tools.run(COMMAND, command);
  }

  /** The {@code ip netns} name of the lab's namespace {@code name}. */
  public String namespace(String name) {
    address(name);
    return "pcl" + id + "-" + name;
  }

  /** {@code /run/netns/NAMESPACE}. */
  public Path path(String name) {
    return Path.of("/run/netns", namespace(name));
  }

  /** The namespace's IPv4 address. */
  public String address(String name) {
    String address = addresses.get(name);
    if (address == null) {
      throw new IllegalArgumentException("netns lab: no namespace " + name + " (have " + addresses.keySet() + ")");
    }
    return address;
  }

  /** Makes {@code nameserver} the resolver of programs started in the namespace ({@code /etc/netns/NS/resolv.conf}). */
  public void resolvConf(String name, String nameserver) throws IOException {
    Path dir = Path.of("/etc/netns", namespace(name));
    Files.createDirectories(dir);
    resolverDirs.add(dir);
    Files.writeString(dir.resolve("resolv.conf"), "nameserver " + nameserver + "\noptions timeout:1 attempts:2\n");
  }

  /**
   * Starts {@code command} in the namespace and leaves it running; its output goes to a log file named after {@code
   * log} ({@link #log}). Stopped at {@link #close()} if still running.
   */
  public Process start(String name, String log, List<String> command) throws IOException {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace(name)));
    c.addAll(command);
    Path file = logs.resolve(log + ".log");
    Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(file.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** What a process {@link #start started} under {@code log} printed so far. */
  public String log(String log) throws IOException {
    Path file = logs.resolve(log + ".log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** Runs {@code command} in the namespace until it ends; any exit code is an answer. */
  public Tools.Result exec(String name, Duration deadline, String... command) throws IOException {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace(name)));
    c.addAll(List.of(command));
    return Exec.run(deadline, Map.of(), c);
  }

  /** The {@code ip netns} name of the namespace process {@code pid} is in; empty when it is none of those names. */
  public String identify(long pid) {
    try {
      return Exec.run(COMMAND, Map.of(), List.of("ip", "netns", "identify", Long.toString(pid))).stdoutText().strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code nft list ruleset} inside the namespace. */
  public String ruleset(String name) throws IOException {
    return Tools.run(COMMAND, "ip", "netns", "exec", namespace(name), "nft", "list", "ruleset").stdoutText();
  }

  /** Deletes the namespace now (its processes keep it alive, unnamed, until they end). */
  public void delete(String name) throws IOException {
    ip("netns", "delete", namespace(name));
  }

  /** Kills the lab's processes and everything still in its namespaces, then deletes namespaces and resolver files. */
  @Override
  public void close() throws IOException {
    List<String> failures = new ArrayList<>();
    synchronized (processes) {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    for (String ns : namespaces.reversed()) {
      if (!Files.exists(Path.of("/run/netns", ns))) {
        continue;
      }
      try {
        for (String pid : Exec.run(COMMAND, Map.of(), List.of("ip", "netns", "pids", ns)).stdoutText().split("\\s+")) {
          if (pid.matches("[0-9]+")) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        ip("netns", "delete", ns);
      } catch (IOException e) {
        failures.add(e.getMessage());
      }
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Path dir : resolverDirs) {
      Dirs.deleteTree(dir);
    }
    try (var left = Files.list(Path.of("/etc/netns"))) {
      if (left.findAny().isEmpty()) {
        Files.deleteIfExists(Path.of("/etc/netns")); // made by resolvConf; another user's files keep it
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // never made
    }
    Dirs.deleteTree(logs);
    if (!failures.isEmpty()) {
      throw new IOException("netns lab " + id + ": clean up: " + String.join("; ", failures));
    }
  }

  @Override
  public String toString() {
    return "netns lab " + id + " (" + subnet + ".0/24: " + addresses + ")";
  }
}
