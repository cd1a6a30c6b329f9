-- AlterTable
ALTER TABLE "chat_references" ADD COLUMN     "shown_revision" INTEGER;

-- CreateTable
CREATE TABLE "jobs" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "channel" TEXT,
    "incident_id" INTEGER,
    "payload" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "dedupe_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "claimed_by" TEXT,
    "claimed_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "done_at" TIMESTAMPTZ(3),
    "late_ms" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_channels" (
    "key" TEXT NOT NULL,
    "next_send_at" TIMESTAMPTZ(3) NOT NULL,
    "held_by" TEXT,
    "held_until" TIMESTAMPTZ(3),

    CONSTRAINT "job_channels_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "chat_destinations" (
    "platform" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "registered_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_destinations_pkey" PRIMARY KEY ("platform")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_dedupe_key_key" ON "jobs"("dedupe_key");

-- CreateIndex
CREATE INDEX "jobs_status_due_at_idx" ON "jobs"("status", "due_at");

-- CreateIndex
CREATE INDEX "jobs_destination_channel_status_due_at_idx" ON "jobs"("destination", "channel", "status", "due_at");

-- CreateIndex
CREATE INDEX "jobs_incident_id_status_idx" ON "jobs"("incident_id", "status");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
