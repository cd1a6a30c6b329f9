-- CreateTable
CREATE TABLE "alert_groups" (
    "id" SERIAL NOT NULL,
    "group_key" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "incident_id" INTEGER,
    "sender" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "last_status" TEXT NOT NULL,
    "fingerprints" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notifications" INTEGER NOT NULL DEFAULT 0,
    "alerts_received" INTEGER NOT NULL DEFAULT 0,
    "fired_at" TIMESTAMPTZ(3) NOT NULL,
    "cleared_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_groups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_groups_incident_id_idx" ON "alert_groups"("incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_groups_group_key_starts_at_key" ON "alert_groups"("group_key", "starts_at");
