package dev.portcullis.cli;

import dev.portcullis.oci.TransferDeadlines;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** How long a command waits on a registry or a mirror: the deadlines of every network request. */
final class NetworkFlags {
  @Option(names = "--network-timeout", paramLabel = "DURATION", converter = Span.Converter.class,
      description = "The most one request to a registry or mirror may wait on the server, retries and redirects included "
          + "(e.g. 90s, 30m, 2h; default ${DEFAULT-VALUE}).")
  Span networkTimeout = new Span(TransferDeadlines.DEFAULT.overall());

  @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = Span.Converter.class,
      description = "Fail a request when the server sends less than 1 KiB within this long, or no answer at all (default ${DEFAULT-VALUE}).")
  Span stallTimeout = new Span(TransferDeadlines.DEFAULT.stall());

  /** The deadlines these flags ask for. */
  TransferDeadlines deadlines() {
    return TransferDeadlines.DEFAULT.withOverall(networkTimeout.value()).withStall(stallTimeout.value());
  }

  /** A positive duration written {@code 500ms}, {@code 30s}, {@code 5m} or {@code 1h}, which is also how it prints. */
  record Span(Duration value) {
    private static final Pattern TEXT = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    static Span parse(String text) {
      Matcher m = TEXT.matcher(text.strip());
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new IllegalArgumentException("'" + text + "' is not a positive number of milliseconds, seconds, minutes or hours, such as 500ms, 30s, 5m or 1h");
      }
      long n = Long.parseLong(m.group(1));
      return new Span(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }

    @Override
    public String toString() {
      long ms = value.toMillis();
      if (ms % 1000 != 0) {
        return ms + "ms";
      }
      long s = ms / 1000;
      return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    static final class Converter implements CommandLine.ITypeConverter<Span> {
      @Override
      public Span convert(String text) {
        try {
          return parse(text);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.TypeConversionException(e.getMessage());
        }
      }
    }
  }
}
