CREATE TABLE "platform"."hl7_routes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"port" integer,
	"receiving_application" text,
	"receiving_facility" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hl7_routes_port_unique" UNIQUE("port")
);
--> statement-breakpoint
ALTER TABLE "platform"."hl7_routes" ADD CONSTRAINT "hl7_routes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hl7_routes_msh_idx" ON "platform"."hl7_routes" USING btree ("receiving_application","receiving_facility") WHERE "platform"."hl7_routes"."port" is null;