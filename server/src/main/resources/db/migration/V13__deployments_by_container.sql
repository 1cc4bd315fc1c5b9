-- A deployment is what admission let start in one container of one workload, and since when (the digest's first
-- admission there); every decision stays in the audit trail. Repeated admissions of the same image no longer add rows.
DELETE FROM deployments WHERE id IN (
  SELECT id FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY source, namespace, kind, name, container ORDER BY at DESC, id DESC) AS n
    FROM deployments
  ) ranked
  WHERE n > 1
);
CREATE UNIQUE INDEX deployments_container ON deployments (source, namespace, kind, name, container);
