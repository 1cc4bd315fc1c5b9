package dev.portcullis.cli;

import picocli.CommandLine.Command;

/** Where containers start in Kubernetes: the manifests a cluster needs for the admission webhooks. */
@Command(name = "admission", mixinStandardHelpOptions = true,
    description = "Kubernetes admission: write the webhook configurations and the server's manifests, or serve the webhooks alone.",
    subcommands = {AdmissionManifestsCommand.class, AdmissionServeCommand.class})
final class AdmissionCommand {}
