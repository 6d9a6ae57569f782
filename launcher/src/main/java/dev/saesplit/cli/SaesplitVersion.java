package dev.saesplit.cli;

import dev.saesplit.stack.TrackingContexts;
import picocli.CommandLine;

/** {@code --version}: the version recorded in the jar's manifest at build time. */
final class SaesplitVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"saesplit " + TrackingContexts.version()};
    }
}
