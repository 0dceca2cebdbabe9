-- m004: staging moves out of the warehouse file into an in-memory database that each run attaches
-- (warehouse/sql/staging.sql). In the file, every run's staged text was written twice (WAL, then
-- checkpoint), kept after the run in every published copy (half of a 2.4 GB warehouse at 1 GB of
-- articles), and its primary-key indexes were rewritten whole at each checkpoint. In memory it
-- spills to DuckDB's temporary directory past NEWSFLOW_MEMORY_LIMIT, and vanishes with the run.

DROP SCHEMA staging CASCADE;
