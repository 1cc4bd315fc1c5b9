package dev.portcullis.host.root;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The users and groups of a host, from its own {@code /etc/passwd} and {@code /etc/group} (never
 * this machine's when the root is offline), to turn names into the numeric IDs files carry.
 */
public final class Accounts {
  private final Map<String, Integer> users;
  private final Map<String, Integer> groups;

  private Accounts(Map<String, Integer> users, Map<String, Integer> groups) {
    this.users = users;
    this.groups = groups;
  }

  /** The accounts of {@code root}; a missing or unreadable file gives none, except that {@code root} is always 0. */
  public static Accounts of(Root root) {
    return new Accounts(ids(root, "/etc/passwd"), ids(root, "/etc/group"));
  }

  private static Map<String, Integer> ids(Root root, String file) {
    Map<String, Integer> out = new TreeMap<>();
    out.put("root", 0);
    try {
      for (String line : root.readText(file).orElse("").lines().toList()) {
        String[] f = line.split(":", -1);
        if (f.length >= 3 && f[2].matches("[0-9]{1,10}")) {
          out.putIfAbsent(f[0], Integer.parseInt(f[2]));
        }
      }
    } catch (RootProblem | NumberFormatException e) {
      // no accounts file is read as "only root is known": an owner by another name then fails to resolve, visibly
    }
    return out;
  }

  /** The UID of a user name, or the number itself. */
  public Optional<Integer> uid(String user) {
    return user.matches("[0-9]+") ? Optional.of(Integer.parseInt(user)) : Optional.ofNullable(users.get(user));
  }

  /** The GID of a group name, or the number itself. */
  public Optional<Integer> gid(String group) {
    return group.matches("[0-9]+") ? Optional.of(Integer.parseInt(group)) : Optional.ofNullable(groups.get(group));
  }

  /** {@code name(uid)} or just the number when no user has it. */
  public String userName(int uid) {
    return users.entrySet().stream().filter(e -> e.getValue() == uid).map(e -> e.getKey() + "(" + uid + ")").findFirst().orElse(String.valueOf(uid));
  }

  public String groupName(int gid) {
    return groups.entrySet().stream().filter(e -> e.getValue() == gid).map(e -> e.getKey() + "(" + gid + ")").findFirst().orElse(String.valueOf(gid));
  }
}
