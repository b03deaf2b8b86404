CREATE TABLE "performed_steps" (
	"sop_instance_uid" text PRIMARY KEY NOT NULL,
	"exam_ids" uuid[] NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "exams" ALTER COLUMN "exam_type_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "exams" ADD COLUMN "modality_type" text;--> statement-breakpoint
UPDATE "exams" SET "modality_type" = "exam_types"."modality_type" FROM "exam_types" WHERE "exam_types"."id" = "exams"."exam_type_id";--> statement-breakpoint
ALTER TABLE "exams" ALTER COLUMN "modality_type" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "exams" ADD COLUMN "requested_procedure" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "placer_authority" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "performed" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_placer_idx" ON "orders" USING btree ("placer_authority","placer_order_number") WHERE "orders"."placer_order_number" is not null;