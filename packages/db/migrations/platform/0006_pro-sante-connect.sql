CREATE TABLE "platform"."psc_flows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"purpose" text NOT NULL,
	"checks" text NOT NULL,
	"user_id" uuid,
	"invitation_token_hash" text,
	"return_to" text,
	"cgu_accepted" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "psc_flows_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "platform"."sessions" ADD COLUMN "auth_method" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."sessions" ADD COLUMN "psc_sid" text;--> statement-breakpoint
ALTER TABLE "platform"."sessions" ADD COLUMN "psc_tokens" text;--> statement-breakpoint
ALTER TABLE "platform"."sign_in_events" ADD COLUMN "acr" text;--> statement-breakpoint
ALTER TABLE "platform"."tenants" ADD COLUMN "psc_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."users" ADD COLUMN "psc_subject" text;--> statement-breakpoint
ALTER TABLE "platform"."users" ADD COLUMN "psc_linked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "platform"."users" ADD COLUMN "psc_cgu_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "platform"."psc_flows" ADD CONSTRAINT "psc_flows_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "platform"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_psc_sid_index" ON "platform"."sessions" USING btree ("psc_sid");--> statement-breakpoint
ALTER TABLE "platform"."users" ADD CONSTRAINT "users_psc_subject_unique" UNIQUE("psc_subject");