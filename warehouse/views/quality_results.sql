-- The quality gate's verdict on every expectation of every run.
CREATE OR REPLACE VIEW quality_results AS
SELECT
    run_id,
    suite,
    expectation,
    column_name,
    severity,
    success,
    observed_value,
    unexpected_count,
    details,
    expectation_type
FROM core.quality_results;
