-- The funnel of each run: what every step counted.
CREATE OR REPLACE VIEW run_steps AS
SELECT run_id, step, counter, value
FROM core.run_counters;
