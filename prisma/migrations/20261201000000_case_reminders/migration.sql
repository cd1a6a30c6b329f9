-- Reminders for orders and problems (cases) beside incidents: a reminder belongs to
-- exactly one incident or one case.
ALTER TABLE "reminders" ALTER COLUMN "incident_id" DROP NOT NULL;

-- AddColumn
ALTER TABLE "reminders" ADD COLUMN "case_id" INTEGER;

-- CreateIndex
CREATE INDEX "reminders_case_id_status_idx" ON "reminders"("case_id", "status");

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Exactly one subject
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_one_subject" CHECK (num_nonnulls("incident_id", "case_id") = 1);
