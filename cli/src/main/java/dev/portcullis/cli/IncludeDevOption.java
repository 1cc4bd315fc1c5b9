package dev.portcullis.cli;

import picocli.CommandLine.Option;

/** {@code --include-dev}, as every command that matches an image's packages against the database takes it. */
final class IncludeDevOption {
  @Option(names = "--include-dev",
      description = "Match the development dependencies lock files name (npm, pnpm, Composer) too; by default they are left out, "
          + "as they do not ship in what runs, and the report says how many.")
  boolean includeDev;
}
