CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"media_type" text NOT NULL,
	"content" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_exams" (
	"report_id" uuid NOT NULL,
	"exam_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"exam_type_id" uuid,
	"name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"author_id" text NOT NULL,
	"provisional_at" timestamp with time zone,
	"validated_by" text,
	"validated_at" timestamp with time zone,
	"lock_user_id" text,
	"lock_until" timestamp with time zone,
	"revision" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"site_id" uuid,
	"set_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"status" text NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"announcement_required" boolean DEFAULT false NOT NULL,
	"announced_at" timestamp with time zone,
	"announced_by" text,
	"withdrawn_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "letterhead" text;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "signs_reports" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "report_documents" ADD CONSTRAINT "report_documents_version_id_report_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "report_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_exams" ADD CONSTRAINT "report_exams_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_exams" ADD CONSTRAINT "report_exams_exam_id_exams_id_fk" FOREIGN KEY ("exam_id") REFERENCES "exams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_templates" ADD CONSTRAINT "report_templates_exam_type_id_exam_types_id_fk" FOREIGN KEY ("exam_type_id") REFERENCES "exam_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_open_idx" ON "notifications" USING btree ("user_id","kind","target") WHERE "notifications"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "report_documents_version_kind_idx" ON "report_documents" USING btree ("version_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "report_exams_exam_idx" ON "report_exams" USING btree ("exam_id");--> statement-breakpoint
CREATE INDEX "report_exams_report_id_index" ON "report_exams" USING btree ("report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_versions_report_version_idx" ON "report_versions" USING btree ("report_id","version");--> statement-breakpoint
CREATE FUNCTION "report_documents_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'report documents are immutable';
END
$$;--> statement-breakpoint
CREATE TRIGGER "report_documents_immutable" BEFORE UPDATE OR DELETE ON "report_documents"
  FOR EACH ROW EXECUTE FUNCTION "report_documents_immutable"();
