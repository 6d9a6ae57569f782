package dev.saesplit.track;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.report.ExperimentReport;
import dev.saesplit.report.ReportInputs;
import dev.saesplit.report.ReportInputsLoader;
import dev.saesplit.report.ReportRow;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.ReportRecords;
import dev.saesplit.table.RunTableFormatter;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes an experiment's report as an artifact and hands it to tracking: each row's tokens to the common loss as a
 * metric, the files as uploads, the run table as the experiment's description. Used by the report stage and by
 * {@code saesplit report}, which writes the report again from what the stage saved.
 */
public final class ReportPublisher {

    /** 2: report.html, typed MLflow table, tokens to common loss. */
    static final int CODE_VERSION = 2;
    static final String KIND = "report";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArtifactStore store;
    private final DataSource database;

    public ReportPublisher(ArtifactStore store, DataSource database) {
        this.store = store;
        this.database = database;
    }

    /** Publishes the report of {@code r} and returns its {@code report.html}. */
    public Path publish(ReportRequest r) {
        ReportRecords records = new ReportRecords(database);
        records.saveRequest(r.experiment(), json(r));
        ReportInputs inputs = new ReportInputsLoader(database, store).load(r);
        recordEfficiency(inputs);
        String key = OutputKey.of("report", CODE_VERSION, r.experiment(), r.narrow().artifact().contentHash(),
                r.filtered() == null ? "" : r.filtered().artifact().contentHash(), r.rows(),
                RunTableFormatter.format(r.experiment(), inputs.table(), RunTableFormatter.Format.CSV));
        ArtifactRef ref = store.getOrProduce(KIND, key, new Provenance("report", r.experiment(), ""),
                dir -> ExperimentReport.write(inputs, dir));
        Path dir = store.localCopy(ref);
        new ReportUploads(database, store).queue(r, inputs, dir);
        Path page = dir.resolve(ExperimentReport.PAGE);
        records.savePage(r.experiment(), page);
        return page;
    }

    /** Publishes again what the report stage of {@code experiment} was given. */
    public Path republish(String experiment) {
        String saved = new ReportRecords(database).request(experiment).orElseThrow(() ->
                new ReportUnavailableException("experiment '" + experiment + "' has not reached its report stage; "
                        + "'saesplit run' finishes it (a finished row is never computed again)"));
        try {
            return publish(JSON.readValue(saved, ReportRequest.class));
        } catch (JsonProcessingException e) {
            throw new ReportUnavailableException("the saved report input of '" + experiment + "' is unreadable ("
                    + e.getOriginalMessage() + "); 'saesplit run' records it again", e);
        }
    }

    /** Each row's tokens to its width's common loss, as metrics of the row, so MLflow compares them too. */
    private void recordEfficiency(ReportInputs inputs) {
        MetricsRecorder metrics = new MetricsRecorder(database);
        for (ReportRow row : inputs.rows()) {
            row.efficiency().ifPresent(e -> metrics.record(inputs.experiment(), row.runId(), 0, Map.of(
                    RunTableFormatter.TOKENS_TO_COMMON_LOSS, (double) e.tokens(),
                    RunTableFormatter.COMMON_LOSS, e.commonLoss())));
        }
    }

    private static String json(ReportRequest r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the report input of " + r.experiment(), e);
        }
    }
}
