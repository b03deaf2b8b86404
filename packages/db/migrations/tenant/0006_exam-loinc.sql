ALTER TABLE "exam_types" ADD COLUMN "loinc_code" text;--> statement-breakpoint
ALTER TABLE "exam_types" ADD COLUMN "loinc_label" text;