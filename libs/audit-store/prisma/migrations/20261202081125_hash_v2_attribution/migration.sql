-- AlterTable
ALTER TABLE "event" ADD COLUMN     "changed_by" JSONB,
ADD COLUMN     "hash_version" SMALLINT NOT NULL DEFAULT 1;

-- ---------------------------------------------------------------------------------------------
-- Hand-written. Adding columns with constant defaults fires no row trigger, so the append-only
-- event log takes them as is: every existing row is a version 1 event without attribution.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "event" ADD CONSTRAINT "event_hash_version_check" CHECK ("hash_version" IN (1, 2));
ALTER TABLE "event" ADD CONSTRAINT "event_changed_by_check"
  CHECK ("changed_by" IS NULL OR jsonb_typeof("changed_by") = 'array');
