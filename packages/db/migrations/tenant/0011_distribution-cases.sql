CREATE TABLE "delivery_circuits" (
	"destination" text PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"next_probe_at" timestamp with time zone NOT NULL,
	"reason" text
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "patient_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "dmp_status" text;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "dmp_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referrers" ADD COLUMN "adeli" text;--> statement-breakpoint
ALTER TABLE "report_versions" ADD COLUMN "masked_from_professionals" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "report_versions" ADD COLUMN "hidden_from_legal_representatives" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "report_versions" ADD COLUMN "secret_connection" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_patient_destination_idx" ON "deliveries" USING btree ("patient_id","destination","created_at");--> statement-breakpoint
ALTER TABLE "referrers" ADD CONSTRAINT "referrers_adeli_unique" UNIQUE("adeli");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pending', 'delivered', 'failed', 'not_sent', 'cancelled'));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_action_check" CHECK ("deliveries"."action" in ('publish', 'replace', 'withdraw', 'visibility'));--> statement-breakpoint
UPDATE "deliveries" SET "patient_id" = o."patient_id" FROM "reports" r JOIN "orders" o ON o."id" = r."order_id" WHERE r."id" = "deliveries"."report_id";--> statement-breakpoint
CREATE FUNCTION "final_status_kept"() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  -- A final status never changes (orders: completed, cancelled; exams: completed, discontinued,
  -- cancelled); the domain refuses such transitions first, this is the database's own guard.
  IF OLD.status <> NEW.status AND OLD.status = ANY (TG_ARGV) THEN
    RAISE EXCEPTION 'final status: % % cannot go from % to %', TG_TABLE_NAME, OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "orders_final_status" BEFORE UPDATE OF "status" ON "orders"
  FOR EACH ROW EXECUTE FUNCTION "final_status_kept"('completed', 'cancelled');--> statement-breakpoint
CREATE TRIGGER "exams_final_status" BEFORE UPDATE OF "status" ON "exams"
  FOR EACH ROW EXECUTE FUNCTION "final_status_kept"('completed', 'discontinued', 'cancelled');
