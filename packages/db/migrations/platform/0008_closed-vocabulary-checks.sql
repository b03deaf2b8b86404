ALTER TABLE "platform"."outbox" ADD CONSTRAINT "outbox_topic_check" CHECK ("platform"."outbox"."topic" in ('tenant.provision', 'tenant.deprovision', 'identity.insi-auto', 'report.documents', 'delivery.send')) NOT VALID;--> statement-breakpoint
ALTER TABLE "platform"."outbox" VALIDATE CONSTRAINT "outbox_topic_check";
