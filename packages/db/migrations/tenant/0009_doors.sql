ALTER TABLE "modalities" ADD COLUMN "calling_ae_titles" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "modalities" ADD COLUMN "allowed_sources" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "modalities" ADD COLUMN "client_cert_fingerprints" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "modalities" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "performed_steps" ADD COLUMN "modality_id" uuid;--> statement-breakpoint
UPDATE "modalities" SET "ae_title" = upper(btrim("ae_title")) WHERE "ae_title" <> upper(btrim("ae_title"));--> statement-breakpoint
ALTER TABLE "modalities" ADD CONSTRAINT "modalities_ae_title_normalised" CHECK ("ae_title" = upper(btrim("ae_title")) AND "ae_title" <> '');