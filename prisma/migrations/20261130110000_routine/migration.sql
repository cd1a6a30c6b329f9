-- CreateTable
CREATE TABLE "service_windows" (
    "id" SERIAL NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    "planned_end_at" TIMESTAMPTZ(3) NOT NULL,
    "services" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "agencies" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "description" TEXT NOT NULL DEFAULT '',
    "public_text" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "owner_source" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "extensions" JSONB NOT NULL DEFAULT '[]',
    "done_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_windows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routine_announcements" (
    "id" SERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "party" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routine_announcements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "extra_hours_requests" (
    "id" SERIAL NOT NULL,
    "from_at" TIMESTAMPTZ(3) NOT NULL,
    "to_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "meeting_at" TIMESTAMPTZ(3) NOT NULL,
    "request_by" TIMESTAMPTZ(3) NOT NULL,
    "material_by" TIMESTAMPTZ(3) NOT NULL,
    "requested_by" TEXT NOT NULL,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "extra_hours_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "disturbance_notices" (
    "id" SERIAL NOT NULL,
    "incident_id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "public_text" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "disturbance_notices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outages" (
    "id" SERIAL NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    "agencies" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "base_services" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "cause" TEXT NOT NULL DEFAULT '',
    "action_plan" TEXT NOT NULL DEFAULT '',
    "planned" BOOLEAN NOT NULL DEFAULT false,
    "kind" TEXT NOT NULL,
    "source_incident_id" INTEGER,
    "source_window_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "service_windows_status_start_at_idx" ON "service_windows"("status", "start_at");

-- CreateIndex
CREATE INDEX "routine_announcements_subject_idx" ON "routine_announcements"("subject");

-- CreateIndex
CREATE UNIQUE INDEX "routine_announcements_once_key" ON "routine_announcements"("subject", "revision", "step", "party", "destination", "channel");

-- CreateIndex
CREATE INDEX "extra_hours_requests_status_from_at_idx" ON "extra_hours_requests"("status", "from_at");

-- CreateIndex
CREATE UNIQUE INDEX "disturbance_notices_incident_id_seq_key" ON "disturbance_notices"("incident_id", "seq");

-- CreateIndex
CREATE INDEX "outages_start_at_idx" ON "outages"("start_at");

-- CreateIndex
CREATE UNIQUE INDEX "outages_source_window_id_start_at_key" ON "outages"("source_window_id", "start_at");
