ALTER TABLE "user_profiles" ALTER COLUMN "signs_reports" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "civility" text;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "family_name" text;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "given_name" text;