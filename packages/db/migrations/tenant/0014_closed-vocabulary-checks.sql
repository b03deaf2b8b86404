ALTER TABLE "certificates" ADD CONSTRAINT "certificates_purpose_check" CHECK ("certificates"."purpose" in ('insi-auto', 'insi-manu', 'dmp', 'mssante')) NOT VALID;--> statement-breakpoint
ALTER TABLE "certificates" VALIDATE CONSTRAINT "certificates_purpose_check";--> statement-breakpoint
ALTER TABLE "identity_events" ADD CONSTRAINT "identity_events_actor_type_check" CHECK ("identity_events"."actor_type" in ('user', 'api_key', 'system')) NOT VALID;--> statement-breakpoint
ALTER TABLE "identity_events" VALIDATE CONSTRAINT "identity_events_actor_type_check";--> statement-breakpoint
ALTER TABLE "identity_events" ADD CONSTRAINT "identity_events_source_check" CHECK ("identity_events"."source" in ('desk', 'api', 'hl7', 'insi', 'merge', 'dmp')) NOT VALID;--> statement-breakpoint
ALTER TABLE "identity_events" VALIDATE CONSTRAINT "identity_events_source_check";--> statement-breakpoint
ALTER TABLE "identity_events" ADD CONSTRAINT "identity_events_action_check" CHECK ("identity_events"."action" in ('created', 'updated', 'identifiers-added', 'traits-changed', 'complementary-changed', 'document-checked', 'attributes-changed', 'merged', 'absorbed', 'insi-answer', 'dmp-identity-difference')) NOT VALID;--> statement-breakpoint
ALTER TABLE "identity_events" VALIDATE CONSTRAINT "identity_events_action_check";--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK ("notifications"."kind" in ('report.provisional')) NOT VALID;--> statement-breakpoint
ALTER TABLE "notifications" VALIDATE CONSTRAINT "notifications_kind_check";
