-- The split evaluation judges by behaviour; on synthetic data the exact verdict against the ground truth is kept
-- beside it, and the evaluation's report artifact is linked from the row.
ALTER TABLE runs ADD COLUMN ground_truth_success TEXT CHECK (ground_truth_success IN ('yes', 'no', 'partial'));
ALTER TABLE runs ADD COLUMN ground_truth_detail TEXT;
ALTER TABLE runs ADD COLUMN report_uri TEXT;
