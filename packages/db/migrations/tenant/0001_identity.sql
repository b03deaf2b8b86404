CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purpose" text NOT NULL,
	"subject_cn" text NOT NULL,
	"subject" jsonb NOT NULL,
	"issuer" jsonb NOT NULL,
	"serial_number" text NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"cert_pem" text NOT NULL,
	"chain_pem" text[] NOT NULL,
	"sealed_key" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "hl7_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sending_application" text NOT NULL,
	"sending_facility" text NOT NULL,
	"control_id" text NOT NULL,
	"message_type" text,
	"charset" text,
	"raw" "bytea" NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"error_location" text,
	"ack" "bytea",
	"attempts" integer DEFAULT 0 NOT NULL,
	"patient_id" uuid,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "identity_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"type" text NOT NULL,
	"content_type" text NOT NULL,
	"sealed_content" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"patient_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"source" text NOT NULL,
	"action" text NOT NULL,
	"changes" jsonb NOT NULL,
	"hl7_message_id" uuid,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "patient_identifiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"authority" text NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"birth_family_name" text NOT NULL,
	"first_birth_forename" text NOT NULL,
	"birth_forenames" text NOT NULL,
	"birth_date" date NOT NULL,
	"sex" text NOT NULL,
	"birth_place_code" text,
	"used_family_name" text,
	"used_forename" text,
	"status" text NOT NULL,
	"douteuse" boolean DEFAULT false NOT NULL,
	"fictive" boolean DEFAULT false NOT NULL,
	"homonyme" boolean DEFAULT false NOT NULL,
	"ins_matricule" text,
	"ins_oid" text,
	"ins_retrieved_at" timestamp with time zone,
	"identity_document_type" text,
	"identity_document_checked_at" timestamp with time zone,
	"search_family" text NOT NULL,
	"search_used_family" text,
	"search_given" text NOT NULL,
	"merged_into" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity_documents" ADD CONSTRAINT "identity_documents_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_events" ADD CONSTRAINT "identity_events_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_identifiers" ADD CONSTRAINT "patient_identifiers_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_active_purpose_idx" ON "certificates" USING btree ("purpose") WHERE "certificates"."revoked_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "hl7_messages_sender_control_idx" ON "hl7_messages" USING btree ("sending_application","sending_facility","control_id");--> statement-breakpoint
CREATE INDEX "hl7_messages_status_received_at_index" ON "hl7_messages" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "identity_events_patient_id_at_index" ON "identity_events" USING btree ("patient_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "patient_identifiers_authority_value_idx" ON "patient_identifiers" USING btree ("authority","value");--> statement-breakpoint
CREATE INDEX "patient_identifiers_patient_id_index" ON "patient_identifiers" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "patients_search_family_idx" ON "patients" USING btree ("search_family" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "patients_search_used_family_idx" ON "patients" USING btree ("search_used_family" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "patients_birth_date_idx" ON "patients" USING btree ("birth_date");--> statement-breakpoint
CREATE UNIQUE INDEX "patients_ins_idx" ON "patients" USING btree ("ins_matricule","ins_oid") WHERE "patients"."ins_matricule" is not null and "patients"."merged_into" is null;