package dev.portcullis.behaviour;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP addresses and CIDR blocks in one canonical text form, parsed without ever asking a resolver. */
public final class Addresses {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private Addresses() {}

  /** The canonical form of an IPv4 or IPv6 address; never a host name (no lookup is made). */
  public static String canonical(String address) {
    if (IPV4.matcher(address).matches()) {
      return address;
    }
    if (address.contains(":") && IPV6.matcher(address).matches()) {
      try {
        return compressed(InetAddress.getByName(address).getHostAddress());
      } catch (UnknownHostException e) {
        // an IPv6 literal never causes a lookup; a malformed one lands here
      }
    }
    throw new IllegalArgumentException(Workload.quoted(address) + " is not an IP address");
  }

  /** RFC 5952's text of a full IPv6 address: the longest run of two or more zero groups (the first of equals) as {@code ::}. */
  private static String compressed(String full) {
    int zone = full.indexOf('%');
    String[] groups = (zone < 0 ? full : full.substring(0, zone)).split(":");
    if (groups.length != 8) {
      return full; // an IPv4-mapped address comes back as IPv4 text already
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (!groups[i].equals("0")) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestStart < 0) {
      return String.join(":", groups);
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
    return head + "::" + tail;
  }

  /** The canonical form of a CIDR block ({@code ADDRESS/PREFIX}); a bare address is a /32 or /128. */
  public static String cidr(String block) {
    int slash = block.indexOf('/');
    String address = canonical(slash < 0 ? block : block.substring(0, slash));
    int max = address.contains(":") ? 128 : 32;
    int prefix = max;
    if (slash >= 0) {
      String digits = block.substring(slash + 1);
      if (!digits.matches("[0-9]{1,3}") || Integer.parseInt(digits) > max) {
        throw new IllegalArgumentException(Workload.quoted(block) + " is not a CIDR block (prefix 0-" + max + ")");
      }
      prefix = Integer.parseInt(digits);
    }
    return address + "/" + prefix;
  }

  /** Whether {@code address} is an IPv6 address. */
  public static boolean isIpv6(String address) {
    return address.contains(":");
  }
}
