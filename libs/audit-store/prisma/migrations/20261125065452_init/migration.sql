-- CreateTable
CREATE TABLE "cluster" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "head_seq" INTEGER NOT NULL DEFAULT 0,
    "head_hash" CHAR(64) NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',

    CONSTRAINT "cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event" (
    "id" BIGSERIAL NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "api_group" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "resource_version" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "deletion_observed_on_relist" BOOLEAN NOT NULL DEFAULT false,
    "correlation_id" TEXT,
    "prev_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "host" (
    "id" SERIAL NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" TEXT,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool" (
    "id" SERIAL NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'IPPool',
    "api_group" TEXT NOT NULL DEFAULT 'ipam.metal3.io',
    "uid" TEXT,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "ranges" JSONB NOT NULL DEFAULT '[]',
    "capacity_total" DECIMAL(39,0) NOT NULL DEFAULT 0,
    "capacity_used" DECIMAL(39,0) NOT NULL DEFAULT 0,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "pool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment" (
    "id" BIGSERIAL NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "pool_id" INTEGER NOT NULL,
    "host_id" INTEGER,
    "namespace" TEXT NOT NULL,
    "claim_name" TEXT NOT NULL,
    "claim_kind" TEXT NOT NULL,
    "address_name" TEXT,
    "address" TEXT NOT NULL,
    "address_value" DECIMAL(39,0) NOT NULL,
    "prefix" INTEGER NOT NULL,
    "gateway" TEXT,
    "family" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "opened_by_event_id" BIGINT,
    "closed_by_event_id" BIGINT,

    CONSTRAINT "assignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_name_key" ON "cluster"("name");

-- CreateIndex
CREATE INDEX "event_object_idx" ON "event"("cluster_id", "kind", "namespace", "name", "observed_at");

-- CreateIndex
CREATE INDEX "event_observed_at_idx" ON "event"("observed_at");

-- CreateIndex
CREATE INDEX "event_correlation_id_idx" ON "event"("correlation_id");

-- CreateIndex
CREATE UNIQUE INDEX "event_idempotency_key" ON "event"("cluster_id", "uid", "resource_version", "action");

-- CreateIndex
CREATE UNIQUE INDEX "event_cluster_seq_key" ON "event"("cluster_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "host_cluster_namespace_name_key" ON "host"("cluster_id", "namespace", "name");

-- CreateIndex
CREATE UNIQUE INDEX "pool_cluster_namespace_kind_name_key" ON "pool"("cluster_id", "namespace", "kind", "name");

-- CreateIndex
CREATE INDEX "assignment_host_idx" ON "assignment"("host_id", "valid_from");

-- CreateIndex
CREATE INDEX "assignment_address_idx" ON "assignment"("address_value", "valid_from");

-- CreateIndex
CREATE INDEX "assignment_pool_idx" ON "assignment"("pool_id", "valid_from");

-- CreateIndex
CREATE INDEX "assignment_claim_idx" ON "assignment"("cluster_id", "namespace", "claim_name");

-- CreateIndex
CREATE INDEX "assignment_valid_from_idx" ON "assignment"("valid_from");

-- CreateIndex
CREATE INDEX "assignment_valid_to_idx" ON "assignment"("valid_to");

-- AddForeignKey
ALTER TABLE "event" ADD CONSTRAINT "event_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host" ADD CONSTRAINT "host_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool" ADD CONSTRAINT "pool_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_pool_id_fkey" FOREIGN KEY ("pool_id") REFERENCES "pool"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "host"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_opened_by_event_id_fkey" FOREIGN KEY ("opened_by_event_id") REFERENCES "event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_closed_by_event_id_fkey" FOREIGN KEY ("closed_by_event_id") REFERENCES "event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Hand-written: invariants Prisma's schema language cannot express (its differ ignores them).
-- ---------------------------------------------------------------------------------------------

-- One open assignment per pool and address: an address is held by at most one claim at a time.
CREATE UNIQUE INDEX "assignment_open_address_key" ON "assignment"("pool_id", "address_value") WHERE "valid_to" IS NULL;

-- Enumerated text columns.
ALTER TABLE "event" ADD CONSTRAINT "event_action_check" CHECK ("action" IN ('create', 'update', 'delete'));
ALTER TABLE "event" ADD CONSTRAINT "event_source_check" CHECK ("source" IN ('watch', 'relist'));
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_source_check" CHECK ("source" IN ('preallocated', 'requested', 'dynamic'));
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_claim_kind_check" CHECK ("claim_kind" IN ('IPClaim', 'IPAddressClaim'));
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_family_check" CHECK ("family" IN (4, 6));

-- Only a deletion found by a relist carries the relist-deletion flag.
ALTER TABLE "event" ADD CONSTRAINT "event_relist_deletion_check"
  CHECK (NOT "deletion_observed_on_relist" OR ("action" = 'delete' AND "source" = 'relist'));

-- Hash chain shape: 1-based positions, lowercase hex SHA-256 digests.
ALTER TABLE "event" ADD CONSTRAINT "event_seq_check" CHECK ("seq" >= 1);
ALTER TABLE "event" ADD CONSTRAINT "event_hash_check" CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "prev_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "cluster" ADD CONSTRAINT "cluster_head_check" CHECK ("head_seq" >= 0 AND "head_hash" ~ '^[0-9a-f]{64}$');

-- Intervals are [valid_from, valid_to), zero length only for a release seen no later than its allocation.
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_interval_check" CHECK ("valid_to" IS NULL OR "valid_to" >= "valid_from");

-- Prefix length fits the family; the numeric form is a 128-bit value, IPv4 inside ::ffff:0:0/96.
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_prefix_check"
  CHECK (("family" = 4 AND "prefix" BETWEEN 0 AND 32) OR ("family" = 6 AND "prefix" BETWEEN 0 AND 128));
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_address_value_check"
  CHECK ("address_value" >= 0 AND "address_value" < 340282366920938463463374607431768211456
    AND (("family" = 4) = ("address_value" BETWEEN 281470681743360 AND 281474976710655)));

-- The change log is append-only. (A superuser can still disable this; the hash chain shows it.)
CREATE FUNCTION "event_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit event log is append-only (% on event rejected)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "event_append_only" BEFORE UPDATE OR DELETE ON "event"
  FOR EACH ROW EXECUTE FUNCTION "event_reject_change"();
CREATE TRIGGER "event_no_truncate" BEFORE TRUNCATE ON "event"
  FOR EACH STATEMENT EXECUTE FUNCTION "event_reject_change"();
