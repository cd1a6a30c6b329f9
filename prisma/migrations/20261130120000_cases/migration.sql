-- CreateTable
CREATE TABLE "cases" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "org_id" TEXT NOT NULL,
    "order_type" TEXT,
    "impact" INTEGER,
    "timing" INTEGER,
    "priority" TEXT,
    "security" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "reporter" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "response_due_at" TIMESTAMPTZ(3),
    "resolution_due_at" TIMESTAMPTZ(3) NOT NULL,
    "config_version" TEXT NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolution_note" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "closed_by" TEXT,
    "root_cause" TEXT,
    "action" TEXT,
    "linked_incidents" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "idempotency_key" TEXT,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cases_status_idx" ON "cases"("status");

-- CreateIndex
CREATE INDEX "cases_received_at_idx" ON "cases"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "cases_idempotency_key_key" ON "cases"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "cases_kind_number_key" ON "cases"("kind", "number");

-- CreateTable
CREATE TABLE "import_refs" (
    "key" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_refs_pkey" PRIMARY KEY ("key")
);
