-- CreateTable
CREATE TABLE "event_prune" (
    "id" SERIAL NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "through_seq" INTEGER NOT NULL,
    "through_hash" CHAR(64) NOT NULL,
    "through_hash_version" SMALLINT NOT NULL,
    "event_count" INTEGER NOT NULL,
    "archive" TEXT NOT NULL,
    "archive_sha256" CHAR(64) NOT NULL,
    "checkpoint" JSONB NOT NULL,
    "pruned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pruned_by" TEXT NOT NULL DEFAULT CURRENT_USER,
    "txid" BIGINT NOT NULL DEFAULT txid_current(),

    CONSTRAINT "event_prune_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "retained_object" (
    "cluster_id" INTEGER NOT NULL,
    "uid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "api_group" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "resource_version" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "after" JSONB,

    CONSTRAINT "retained_object_pkey" PRIMARY KEY ("cluster_id","uid")
);

-- CreateIndex
CREATE INDEX "event_prune_txid_idx" ON "event_prune"("txid");

-- CreateIndex
CREATE UNIQUE INDEX "event_prune_cluster_seq_key" ON "event_prune"("cluster_id", "through_seq");

-- CreateIndex
CREATE INDEX "assignment_opened_by_event_idx" ON "assignment"("opened_by_event_id");

-- CreateIndex
CREATE INDEX "assignment_closed_by_event_idx" ON "assignment"("closed_by_event_id");

-- AddForeignKey
ALTER TABLE "event_prune" ADD CONSTRAINT "event_prune_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "retained_object" ADD CONSTRAINT "retained_object_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Hand-written: the one way events leave the log is a logged retention prune.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "event_prune" ADD CONSTRAINT "event_prune_shape_check"
  CHECK ("through_seq" >= 1 AND "event_count" >= 0 AND "through_hash" ~ '^[0-9a-f]{64}$'
    AND "archive_sha256" ~ '^[0-9a-f]{64}$' AND "through_hash_version" IN (1, 2));

-- A DELETE of an event passes only when this transaction has logged a prune covering it; every
-- UPDATE, every other DELETE and TRUNCATE is still rejected. (A superuser can still disable
-- triggers; the signed checkpoints, kept outside the database, show it.)
CREATE OR REPLACE FUNCTION "event_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
    SELECT 1 FROM "event_prune" p
     WHERE p."txid" = txid_current() AND p."cluster_id" = OLD."cluster_id" AND OLD."seq" <= p."through_seq"
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit event log is append-only (% on event rejected; retention prunes go through a logged event_prune row)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- The prune log itself is append-only.
CREATE FUNCTION "event_prune_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit prune log is append-only (% on event_prune rejected)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "event_prune_append_only" BEFORE UPDATE OR DELETE ON "event_prune"
  FOR EACH ROW EXECUTE FUNCTION "event_prune_reject_change"();
CREATE TRIGGER "event_prune_no_truncate" BEFORE TRUNCATE ON "event_prune"
  FOR EACH STATEMENT EXECUTE FUNCTION "event_prune_reject_change"();
