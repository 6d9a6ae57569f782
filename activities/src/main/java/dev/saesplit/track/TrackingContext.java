package dev.saesplit.track;

/**
 * Facts about this installation that every tracked run carries as tags.
 *
 * @param version   saesplit's version
 * @param gitCommit the commit of the checkout that runs, or {@code unknown}
 */
public record TrackingContext(String version, String gitCommit) {
}
