package dev.saesplit.cli;

import picocli.CommandLine;

/** The version recorded in the jar's manifest at build time. */
final class SaesplitVersion implements CommandLine.IVersionProvider {

    static String current() {
        String version = SaesplitVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"saesplit " + current()};
    }
}
