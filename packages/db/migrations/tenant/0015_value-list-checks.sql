ALTER TABLE "settings" ADD CONSTRAINT "settings_key_check" CHECK ("settings"."key" in ('distribution', 'worklist.matching', 'reports.rgpdNotice', 'mssante_mailbox_cursor', 'identity.keepDocumentCopies')) NOT VALID;--> statement-breakpoint
ALTER TABLE "settings" VALIDATE CONSTRAINT "settings_key_check";--> statement-breakpoint
ALTER TABLE "identity_documents" ADD CONSTRAINT "identity_documents_content_type_check" CHECK ("identity_documents"."content_type" in ('image/jpeg', 'image/png', 'application/pdf')) NOT VALID;--> statement-breakpoint
ALTER TABLE "identity_documents" VALIDATE CONSTRAINT "identity_documents_content_type_check";--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_ins_oid_check" CHECK ("patients"."ins_oid" in ('1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11')) NOT VALID;--> statement-breakpoint
ALTER TABLE "patients" VALIDATE CONSTRAINT "patients_ins_oid_check";
