package dev.portcullis.sign.testresult;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * Reads JUnit XML reports, as Maven Surefire and Failsafe write them ({@code TEST-*.xml}: a
 * {@code <testsuite>} or {@code <testsuites>} root, {@code <testcase classname name>} elements), into
 * one {@link TestRun}.
 *
 * <p>A test is named {@code classname#name} ({@code name} alone when it has no class name), the form
 * {@code mvn -Dtest=} accepts. A test case with a {@code <failure>} or {@code <error>} (or their
 * {@code rerunFailure}/{@code rerunError}) failed; one with {@code <skipped>}, {@code <flakyFailure>} or
 * {@code <flakyError>} (it passed when run again) is warned; any other passed. A test found more than
 * once (in two reports, say) counts once, with its worst outcome.
 *
 * <p>Reports are hostile input: a DOCTYPE (so any DTD or entity) is refused, nothing external is ever
 * fetched, and {@link Limits} bound every file and the run. A file that is not XML, not a JUnit report,
 * or has no test case is refused; the exception's message is one line naming the file and why.
 */
public final class JUnitReports {
  /** What a directory given as input contributes: the reports Surefire and Failsafe write there. */
  public static final String DIRECTORY_GLOB = "TEST-*.xml";

  /**
   * Bounds on what is read.
   *
   * @param maxFileBytes bytes of one report file
   * @param maxFiles report files in all (after a directory is listed)
   * @param maxTestCases {@code <testcase>} elements in all the reports together
   * @param maxNameChars characters of one test's name ({@code classname#name})
   * @param maxNamesChars characters of all distinct names together, which bounds the predicate
   */
  public record Limits(long maxFileBytes, int maxFiles, int maxTestCases, int maxNameChars, long maxNamesChars) {
    /**
     * 64 MiB per file, 10,000 files, 200,000 test cases, 2,048 characters per name and 16 Mi for all
     * names: the predicate stays far below what a verifier reads (64 MiB per envelope).
     */
    public static final Limits DEFAULTS = new Limits(64L << 20, 10_000, 200_000, 2_048, 16L << 20);

    public Limits {
      if (maxFileBytes < 1 || maxFiles < 1 || maxTestCases < 1 || maxNameChars < 1 || maxNamesChars < 1) {
        throw new IllegalArgumentException("JUnit report limits must be positive");
      }
    }
  }

  private static final XMLInputFactory XML = factory();

  private JUnitReports() {}

  /** As {@link #read(List, Limits)} with {@link Limits#DEFAULTS}. */
  public static TestRun read(List<Path> inputs) throws JUnitReportException {
    return read(inputs, Limits.DEFAULTS);
  }

  /**
   * The test run of {@code inputs}: each a report file (any name) or a directory, which means its
   * {@value #DIRECTORY_GLOB} files (not its subdirectories). The same file given twice is read once.
   *
   * @throws JUnitReportException when an input is missing, a directory has no report, or any report is refused
   */
  public static TestRun read(List<Path> inputs, Limits limits) throws JUnitReportException {
    if (inputs.isEmpty()) {
      throw new JUnitReportException("read JUnit reports: no report file or directory given");
    }
    Map<Path, Path> files = new LinkedHashMap<>(); // real path -> as named
    for (Path input : inputs) {
      for (Path file : files(input, limits)) {
        Path real;
        try {
          real = file.toRealPath();
        } catch (IOException e) {
          throw new JUnitReportException("read JUnit report " + file + ": " + why(e), e);
        }
        files.putIfAbsent(real, file);
        if (files.size() > limits.maxFiles()) {
          throw new JUnitReportException("read JUnit reports: more than " + limits.maxFiles() + " report files");
        }
      }
    }
    Run run = new Run(limits);
    List<TestRun.Report> reports = new ArrayList<>();
    for (Path file : files.values()) {
      reports.add(run.read(file));
    }
    List<String> passed = new ArrayList<>();
    List<String> warned = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    run.outcomes.forEach((name, outcome) -> (switch (outcome) {
      case PASSED -> passed;
      case WARNED -> warned;
      case FAILED -> failed;
    }).add(name));
    return new TestRun(reports, passed, warned, failed);
  }

  private static List<Path> files(Path input, Limits limits) throws JUnitReportException {
    if (Files.isDirectory(input)) {
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(input, DIRECTORY_GLOB)) {
        for (Path p : dir) {
          if (found.size() == limits.maxFiles()) {
            throw new JUnitReportException("read JUnit reports in " + input + ": more than " + limits.maxFiles() + " report files");
          }
          found.add(p);
        }
      } catch (IOException e) {
        if (e instanceof JUnitReportException j) {
          throw j;
        }
        throw new JUnitReportException("read JUnit reports in " + input + ": " + why(e), e);
      }
      if (found.isEmpty()) {
        throw new JUnitReportException("read JUnit reports in " + input + ": no " + DIRECTORY_GLOB + " file there");
      }
      found.sort(null);
      return found;
    }
    if (!Files.exists(input)) {
      throw new JUnitReportException("read JUnit report " + input + ": no such file or directory");
    }
    if (!Files.isRegularFile(input)) {
      throw new JUnitReportException("read JUnit report " + input + ": not a regular file");
    }
    return List.of(input);
  }

  /** The test cases read so far, across reports. */
  private static final class Run {
    private final Limits limits;
    private final Map<String, Outcome> outcomes = new TreeMap<>();
    private int testCases;
    private long namesChars;

    Run(Limits limits) {
      this.limits = limits;
    }

    TestRun.Report read(Path file) throws JUnitReportException {
      String what = "read JUnit report " + file;
      MessageDigest sha256 = sha256();
      if (!Files.isRegularFile(file)) {
        // a FIFO or device named TEST-x.xml would block or never end
        throw new JUnitReportException(what + ": not a regular file");
      }
      try {
        long size = Files.size(file);
        if (size > limits.maxFileBytes()) {
          throw new JUnitReportException(what + ": " + size + " bytes, more than the " + limits.maxFileBytes() + " allowed");
        }
        try (InputStream in = new DigestInputStream(new Bounded(Files.newInputStream(file), limits.maxFileBytes(), what), sha256)) {
          parse(new FilterInputStream(in) {
            @Override
            public void close() {
              // the parser may close what it reads at its end; the rest still goes through the digest
            }
          }, what);
          in.transferTo(OutputStream.nullOutputStream()); // the digest covers every byte, trailing ones too
        }
      } catch (JUnitReportException e) {
        throw e;
      } catch (UncheckedReadException e) {
        throw e.cause;
      } catch (IOException e) {
        throw new JUnitReportException(what + ": " + why(e), e);
      }
      Path name = file.getFileName();
      return new TestRun.Report(name == null ? file.toString() : name.toString(), HexFormat.of().formatHex(sha256.digest()));
    }

    private void parse(InputStream in, String what) throws JUnitReportException {
      XMLStreamReader xml = null;
      int casesHere = 0;
      try {
        xml = XML.createXMLStreamReader(in);
        int depth = 0;
        int caseDepth = -1;
        String caseName = "";
        Outcome caseOutcome = Outcome.PASSED;
        while (xml.hasNext()) {
          int event = xml.next();
          switch (event) {
            case XMLStreamConstants.DTD -> throw new JUnitReportException(what + ": a DOCTYPE (DTDs and entities are refused in a test report)");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw new JUnitReportException(what + ": an entity reference at "
                + at(xml.getLocation()) + " (entities are refused in a test report)");
            case XMLStreamConstants.START_ELEMENT -> {
              depth++;
              String element = xml.getLocalName();
              if (depth == 1 && !element.equals("testsuite") && !element.equals("testsuites")) {
                throw new JUnitReportException(what + ": not a JUnit report (its root element is <" + clip(element)
                    + ">, not <testsuite> or <testsuites>)");
              }
              if (element.equals("testcase")) {
                if (caseDepth >= 0) {
                  throw new JUnitReportException(what + ": a <testcase> inside another at " + at(xml.getLocation()));
                }
                if (++testCases > limits.maxTestCases()) {
                  throw new JUnitReportException(what + ": more than " + limits.maxTestCases() + " test cases in all the reports");
                }
                casesHere++;
                caseDepth = depth;
                caseName = name(xml, what);
                caseOutcome = Outcome.PASSED;
              } else if (caseDepth >= 0 && depth == caseDepth + 1) {
                caseOutcome = caseOutcome.worse(switch (element) {
                  case "failure", "error", "rerunFailure", "rerunError" -> Outcome.FAILED;
                  case "skipped", "flakyFailure", "flakyError" -> Outcome.WARNED;
                  default -> Outcome.PASSED; // system-out, system-err, properties: what the test printed
                });
              }
            }
            case XMLStreamConstants.END_ELEMENT -> {
              if (depth == caseDepth) {
                add(caseName, caseOutcome, what);
                caseDepth = -1;
              }
              depth--;
            }
            default -> {
              // text, comments, processing instructions: nothing a result depends on
            }
          }
        }
      } catch (XMLStreamException e) {
        throw new JUnitReportException(what + ": not well-formed XML" + (e.getLocation() == null ? "" : " at " + at(e.getLocation()))
            + " (" + xmlMessage(e) + ")", e);
      } catch (UncheckedReadException e) {
        throw e.cause;
      } finally {
        close(xml);
      }
      if (casesHere == 0) {
        throw new JUnitReportException(what + ": no <testcase> in it (a report of no test attests nothing)");
      }
    }

    private String name(XMLStreamReader xml, String what) throws JUnitReportException {
      String name = attribute(xml, "name");
      String className = attribute(xml, "classname");
      if (name == null || name.isBlank()) {
        throw new JUnitReportException(what + ": a <testcase> without a name at " + at(xml.getLocation()));
      }
      String full = className == null || className.isBlank() ? name : className + "#" + name;
      if (full.length() > limits.maxNameChars()) {
        throw new JUnitReportException(what + ": a test name of " + full.length() + " characters at " + at(xml.getLocation()) + ", more than the "
            + limits.maxNameChars() + " allowed");
      }
      return full;
    }

    private void add(String name, Outcome outcome, String what) throws JUnitReportException {
      Outcome before = outcomes.get(name);
      if (before == null) {
        namesChars += name.length();
        if (namesChars > limits.maxNamesChars()) {
          throw new JUnitReportException(what + ": the test names together are more than " + limits.maxNamesChars() + " characters");
        }
        outcomes.put(name, outcome);
      } else {
        outcomes.put(name, before.worse(outcome));
      }
    }
  }

  private static @Nullable String attribute(XMLStreamReader xml, String name) {
    for (int i = 0; i < xml.getAttributeCount(); i++) {
      if (xml.getAttributeLocalName(i).equals(name) && (xml.getAttributeNamespace(i) == null || xml.getAttributeNamespace(i).isEmpty())) {
        return xml.getAttributeValue(i);
      }
    }
    return null;
  }

  private static XMLInputFactory factory() {
    // the JDK's own parser, whatever else is on the class path, so that these settings are the ones that hold
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return f;
  }

  private static String at(Location l) {
    return "line " + l.getLineNumber() + ", column " + l.getColumnNumber();
  }

  /** The parser's reason without its own position prefix, on one line. */
  private static String xmlMessage(XMLStreamException e) {
    String m = String.valueOf(e.getMessage());
    int i = m.indexOf("Message: ");
    return clip((i >= 0 ? m.substring(i + "Message: ".length()) : m).replaceAll("\\s+", " ").strip());
  }

  private static String clip(String s) {
    String flat = s.replaceAll("\\p{Cntrl}", "?");
    return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
  }

  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
  }

  private static void close(@Nullable XMLStreamReader xml) {
    if (xml != null) {
      try {
        xml.close();
      } catch (XMLStreamException e) {
        // the stream under it is closed by its owner
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** A read past the file's limit, carried through the XML parser, which only throws its own exceptions. */
  private static final class UncheckedReadException extends RuntimeException {
    final JUnitReportException cause;

    UncheckedReadException(JUnitReportException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
    }
  }

  /** At most {@code max} bytes; the file may grow between its size being checked and its reading. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final String what;
    private long read;

    Bounded(InputStream in, long max, String what) {
      super(in);
      this.max = max;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw new UncheckedReadException(new JUnitReportException(what + ": more than the " + max + " bytes allowed"));
      }
    }
  }
}
