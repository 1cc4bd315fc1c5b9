package dev.portcullis.vuln.db;

import java.util.List;

/**
 * What an import wrote and what it skipped. An import with problems still produced a database; the
 * problems are the inputs (or parts of them) it left out.
 *
 * @param advisories records written, withdrawn ones included
 * @param superseded records dropped because another with the same id and a later {@code modified} was imported
 */
public record ImportReport(long advisories, long withdrawn, long superseded, long epss, long kev, List<Problem> problems) {
  public ImportReport {
    problems = List.copyOf(problems);
  }
}
