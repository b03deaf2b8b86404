ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_destination_check" CHECK ("deliveries"."destination" in ('dmp', 'mssante_referrer', 'mssante_patient', 'pfi'));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_receipt_check" CHECK ("deliveries"."receipt" in ('delivered', 'processed', 'displayed'));--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_outcome_check" CHECK ("delivery_attempts"."outcome" in ('delivered', 'retry', 'failed', 'not_sent', 'notification'));--> statement-breakpoint
ALTER TABLE "delivery_circuits" ADD CONSTRAINT "delivery_circuits_destination_check" CHECK ("delivery_circuits"."destination" in ('dmp', 'mssante', 'pfi'));--> statement-breakpoint
ALTER TABLE "exam_types" ADD CONSTRAINT "exam_types_modality_type_check" CHECK ("exam_types"."modality_type" in ('CR', 'DX', 'MG', 'CT', 'MR', 'US', 'NM', 'PT'));--> statement-breakpoint
ALTER TABLE "exams" ADD CONSTRAINT "exams_status_check" CHECK ("exams"."status" in ('requested', 'scheduled', 'arrived', 'in_progress', 'completed', 'discontinued', 'cancelled', 'no_show'));--> statement-breakpoint
ALTER TABLE "exams" ADD CONSTRAINT "exams_modality_type_check" CHECK ("exams"."modality_type" in ('CR', 'DX', 'MG', 'CT', 'MR', 'US', 'NM', 'PT'));--> statement-breakpoint
ALTER TABLE "hl7_messages" ADD CONSTRAINT "hl7_messages_status_check" CHECK ("hl7_messages"."status" in ('received', 'processed', 'failed'));--> statement-breakpoint
ALTER TABLE "identity_documents" ADD CONSTRAINT "identity_documents_type_check" CHECK ("identity_documents"."type" in ('carte_identite', 'passeport', 'titre_sejour', 'livret_famille', 'acte_naissance', 'carte_vitale', 'autre'));--> statement-breakpoint
ALTER TABLE "modalities" ADD CONSTRAINT "modalities_type_check" CHECK ("modalities"."type" in ('CR', 'DX', 'MG', 'CT', 'MR', 'US', 'NM', 'PT'));--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_status_check" CHECK ("orders"."status" in ('requested', 'scheduled', 'completed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_urgency_check" CHECK ("orders"."urgency" in ('routine', 'urgent'));--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_source_check" CHECK ("orders"."source" in ('desk', 'api', 'hl7'));--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_status_check" CHECK ("patients"."status" in ('provisoire', 'recuperee', 'validee', 'qualifiee'));--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_sex_check" CHECK ("patients"."sex" in ('M', 'F', 'U'));--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_dmp_status_check" CHECK ("patients"."dmp_status" in ('exists', 'none', 'opposed', 'closed'));--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_identity_document_type_check" CHECK ("patients"."identity_document_type" in ('carte_identite', 'passeport', 'titre_sejour', 'livret_famille', 'acte_naissance', 'carte_vitale', 'autre'));--> statement-breakpoint
ALTER TABLE "performed_steps" ADD CONSTRAINT "performed_steps_status_check" CHECK ("performed_steps"."status" in ('IN PROGRESS', 'COMPLETED', 'DISCONTINUED'));--> statement-breakpoint
ALTER TABLE "report_documents" ADD CONSTRAINT "report_documents_kind_check" CHECK ("report_documents"."kind" in ('pdf', 'cda', 'description'));--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_status_check" CHECK ("report_versions"."status" in ('draft', 'provisional', 'validated', 'replaced', 'withdrawn'));--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_status_check" CHECK ("reports"."status" in ('draft', 'provisional', 'validated', 'replaced', 'withdrawn'));