CREATE TABLE "platform"."dicom_ae_titles" (
	"ae_title" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"modality_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform"."dicom_ae_titles" ADD CONSTRAINT "dicom_ae_titles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;