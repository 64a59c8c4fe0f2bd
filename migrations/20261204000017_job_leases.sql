-- A job's claim is a lease held by one run: the run renews it while it works (a third of the lease
-- at a time), a claim takes a job only when it is free or its lease has lapsed, and the run that
-- took over marks the dead one failed. Only the run holding the job frees it. Before, a claim was
-- a 30-minute mark released by the job's name: a run longer than that was run a second time by
-- another instance, and the first one to finish freed the job under the other.
ALTER TABLE scheduled_jobs ADD COLUMN running_run_id bigint, ADD COLUMN lease_until timestamptz,
    ADD CONSTRAINT scheduled_jobs_run_fkey FOREIGN KEY (running_run_id) REFERENCES job_runs (id);

-- a run going on as this migrates keeps its job for the 30 minutes it was promised
UPDATE scheduled_jobs j
SET running_run_id = (SELECT max(r.id) FROM job_runs r WHERE r.job = j.name AND r.outcome = 'running'),
    lease_until = j.running_since + interval '30 minutes'
WHERE j.running_since IS NOT NULL;
UPDATE scheduled_jobs SET running_since = NULL, running_instance = NULL, lease_until = NULL
WHERE running_run_id IS NULL;

ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_running_check
    CHECK ((running_run_id IS NULL) = (running_since IS NULL) AND (running_run_id IS NULL) = (lease_until IS NULL));
