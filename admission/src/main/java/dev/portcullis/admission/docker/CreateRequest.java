package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.HostAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a {@code POST /containers/create} body asks of the host, read as the engine decodes it. The
 * engine also takes host settings at the top level of the body when no {@code HostConfig} is given
 * (a compatibility path of its API); both places are read, and any dangerous setting in either counts.
 *
 * @param image the {@code Image} field as the client wrote it (a tag, a digest reference or an image ID)
 * @param privileged {@code Privileged}
 * @param hostPid {@code PidMode: host}
 * @param hostIpc {@code IpcMode: host}
 * @param hostNetwork {@code NetworkMode: host}
 * @param usernsHost {@code UsernsMode: host}: no user namespace even when the engine remaps users
 * @param hostPaths host paths from {@code Binds}, bind {@code Mounts} and local volumes that bind a device path
 * @param addedCapabilities {@code CapAdd}, upper case, without the {@code CAP_} prefix
 * @param seccompUnconfined {@code SecurityOpt seccomp=unconfined}
 * @param apparmorUnconfined {@code SecurityOpt apparmor=unconfined}
 * @param procUnmasked {@code SecurityOpt systempaths=unconfined}, or masked/read-only paths set by the request
 * @param readOnlyRoot {@code ReadonlyRootfs} where the engine reads it
 * @param user {@code User}, when set
 */
record CreateRequest(String image, boolean privileged, boolean hostPid, boolean hostIpc, boolean hostNetwork, boolean usernsHost,
    List<String> hostPaths, List<String> addedCapabilities, boolean seccompUnconfined, boolean apparmorUnconfined, boolean procUnmasked,
    boolean readOnlyRoot, Optional<String> user) {
  CreateRequest {
    hostPaths = List.copyOf(hostPaths);
    addedCapabilities = List.copyOf(addedCapabilities);
  }

  /** The host access; {@code engineRemapsUsers}: the engine runs containers in a user namespace ({@code userns-remap}). */
  HostAccess access(boolean engineRemapsUsers) {
    return new HostAccess(privileged, hostPid, hostIpc, hostNetwork, usernsHost || !engineRemapsUsers, hostPaths, addedCapabilities,
        seccompUnconfined, readOnlyRoot, user);
  }

  static CreateRequest parse(byte[] body) throws GoJson.Malformed {
    JsonNode root = GoJson.parse(body, "the container create request");
    if (!root.isObject()) {
      throw new GoJson.Malformed("the container create request is not a JSON object");
    }
    String image = GoJson.text(root, "Image", "request").filter(s -> !s.isBlank())
        .orElseThrow(() -> new GoJson.Malformed("the container create request names no Image"));
    Optional<JsonNode> inner = GoJson.field(root, "HostConfig", "request");
    List<JsonNode> hosts = new ArrayList<>();
    hosts.add(root);
    inner.ifPresent(hosts::add);
    JsonNode effective = inner.orElse(root);
    boolean privileged = false;
    boolean hostPid = false;
    boolean hostIpc = false;
    boolean hostNetwork = false;
    boolean usernsHost = false;
    boolean seccomp = false;
    boolean apparmor = false;
    boolean proc = false;
    TreeSet<String> paths = new TreeSet<>();
    TreeSet<String> caps = new TreeSet<>();
    for (JsonNode h : hosts) {
      String where = h == root ? "request" : "HostConfig";
      privileged |= GoJson.bool(h, "Privileged", where);
      hostPid |= isHost(GoJson.text(h, "PidMode", where));
      hostIpc |= isHost(GoJson.text(h, "IpcMode", where));
      hostNetwork |= isHost(GoJson.text(h, "NetworkMode", where));
      usernsHost |= isHost(GoJson.text(h, "UsernsMode", where));
      for (String bind : GoJson.texts(h, "Binds", where)) {
        String source = bind.contains(":") ? bind.substring(0, bind.indexOf(':')) : bind;
        if (source.startsWith("/")) {
          paths.add(source);
        }
      }
      Optional<JsonNode> mounts = GoJson.field(h, "Mounts", where);
      if (mounts.isPresent()) {
        if (!mounts.get().isArray()) {
          throw new GoJson.Malformed(where + ".Mounts is not a list");
        }
        for (JsonNode m : mounts.get()) {
          mountedHostPath(m, where + ".Mounts").ifPresent(paths::add);
        }
      }
      for (String cap : GoJson.texts(h, "CapAdd", where)) {
        String c = cap.strip().toUpperCase(Locale.ROOT);
        caps.add(c.startsWith("CAP_") ? c.substring(4) : c);
      }
      for (String opt : GoJson.texts(h, "SecurityOpt", where)) {
        String[] kv = securityOpt(opt);
        String key = kv[0].toLowerCase(Locale.ROOT);
        boolean unconfined = kv[1].equalsIgnoreCase("unconfined");
        seccomp |= key.equals("seccomp") && unconfined;
        apparmor |= key.equals("apparmor") && unconfined;
        proc |= key.equals("systempaths") && unconfined;
      }
      proc |= GoJson.field(h, "MaskedPaths", where).isPresent() || GoJson.field(h, "ReadonlyPaths", where).isPresent();
    }
    boolean readOnly = GoJson.bool(effective, "ReadonlyRootfs", effective == root ? "request" : "HostConfig");
    Optional<String> user = GoJson.text(root, "User", "request").filter(s -> !s.isEmpty());
    return new CreateRequest(image, privileged, hostPid, hostIpc, hostNetwork, usernsHost, List.copyOf(paths), List.copyOf(caps), seccomp,
        apparmor, proc, readOnly, user);
  }

  /** The host path a {@code Mounts} entry puts in the container: a bind's source, or a local volume's bound device. */
  static Optional<String> mountedHostPath(JsonNode mount, String where) throws GoJson.Malformed {
    String type = GoJson.text(mount, "Type", where).orElse("").toLowerCase(Locale.ROOT);
    if (type.equals("bind")) {
      return Optional.of(GoJson.text(mount, "Source", where).orElse(""));
    }
    if (type.equals("volume")) {
      Optional<JsonNode> options = GoJson.field(mount, "VolumeOptions", where);
      if (options.isPresent()) {
        Optional<JsonNode> driver = GoJson.field(options.get(), "DriverConfig", where + ".VolumeOptions");
        if (driver.isPresent()) {
          Optional<JsonNode> opts = GoJson.field(driver.get(), "Options", where + ".VolumeOptions.DriverConfig");
          if (opts.isPresent()) {
            return boundDevice(opts.get(), where + ".VolumeOptions.DriverConfig.Options");
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The device a local volume's options bind ({@code o=bind}, {@code device=PATH}); empty for other volumes. */
  static Optional<String> boundDevice(JsonNode options, String where) throws GoJson.Malformed {
    if (!options.isObject()) {
      throw new GoJson.Malformed(where + " is not a JSON object");
    }
    // the local driver reads its options by exact key
    String o = options.path("o").asText("");
    String device = options.path("device").asText("");
    boolean bind = false;
    for (String flag : o.split(",")) {
      bind |= flag.strip().equals("bind") || flag.strip().equals("rbind");
    }
    return bind && !device.isEmpty() ? Optional.of(device) : Optional.empty();
  }

  private static boolean isHost(Optional<String> mode) {
    return mode.isPresent() && mode.get().strip().equalsIgnoreCase("host");
  }

  /** {@code key=value}, or the older {@code key:value}; a bare flag has an empty value. */
  private static String[] securityOpt(String opt) {
    int eq = opt.indexOf('=');
    int colon = opt.indexOf(':');
    int at = eq >= 0 ? eq : colon;
    return at < 0 ? new String[] {opt.strip(), ""} : new String[] {opt.substring(0, at).strip(), opt.substring(at + 1).strip()};
  }
}
