package dev.portcullis.vuln.db;

import java.util.List;

/**
 * What an import wrote and what it left out.
 *
 * @param advisories records written, withdrawn ones included
 * @param superseded records dropped because another with the same id and a later {@code modified} was imported
 * @param problems inputs, records or rows that could not be read and are missing from the database; never empty
 *     only when {@link ImportOptions#allowPartial()} was set (otherwise the first problem refuses the import)
 * @param notes what was left out of records that were imported: the packages of an ecosystem this version does not
 *     know (no scanned package can be in one), a severity vector the matcher cannot score
 */
public record ImportReport(long advisories, long withdrawn, long superseded, long epss, long kev, List<Problem> problems, List<Problem> notes) {
  public ImportReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }
}
