DROP INDEX "platform"."hl7_routes_msh_idx";--> statement-breakpoint
ALTER TABLE "platform"."audit_events" ADD COLUMN "seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "platform"."audit_events" ADD COLUMN "hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."hl7_routes" ADD COLUMN "allowed_sources" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."hl7_routes" ADD COLUMN "client_cert_fingerprints" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."hl7_routes" ADD COLUMN "max_message_bytes" integer DEFAULT 1048576 NOT NULL;--> statement-breakpoint
-- The audit trail is a hash chain per practice (null tenant: the platform's own chain).
CREATE FUNCTION "platform"."audit_event_hash"(e "platform"."audit_events") RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    e.prev_hash, e.seq, e.id,
    pg_catalog.to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    e.actor_type, e.actor_id, e.tenant_id, e.action, e.target, e.request_id, e.details
  )::text, 'UTF8')), 'hex')
$$;--> statement-breakpoint
DO $$
DECLARE
  e "platform"."audit_events";
  last_tenant uuid := '00000000-0000-0000-0000-000000000001';
  n bigint := 0;
  prev text;
BEGIN
  FOR e IN SELECT * FROM "platform"."audit_events" ORDER BY "tenant_id" NULLS FIRST, "id" LOOP
    IF e.tenant_id IS DISTINCT FROM last_tenant THEN n := 0; prev := NULL; last_tenant := e.tenant_id; END IF;
    n := n + 1;
    e.seq := n;
    e.prev_hash := prev;
    e.hash := "platform"."audit_event_hash"(e);
    UPDATE "platform"."audit_events" SET "seq" = e.seq, "prev_hash" = e.prev_hash, "hash" = e.hash WHERE "id" = e.id;
    prev := e.hash;
  END LOOP;
END $$;--> statement-breakpoint
CREATE FUNCTION "platform"."audit_events_chain"() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  last record;
BEGIN
  -- One writer at a time per chain, until commit: the next event links to this one.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
    'rayon.audit.' || coalesce(NEW.tenant_id::text, 'platform'), 0));
  SELECT a."seq", a."hash" INTO last FROM "platform"."audit_events" a
    WHERE coalesce(a."tenant_id", '00000000-0000-0000-0000-000000000000'::uuid)
        = coalesce(NEW.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)
    ORDER BY a."seq" DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := last.hash;
  NEW.hash := "platform"."audit_event_hash"(NEW);
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "platform"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform"."audit_events_chain"();--> statement-breakpoint
CREATE FUNCTION "platform"."audit_events_append_only"() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  RAISE EXCEPTION 'platform.audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "platform"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform"."audit_events_append_only"();--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "platform"."audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "platform"."audit_events_append_only"();--> statement-breakpoint
-- AE titles are kept normalised (trimmed, upper case).
UPDATE "platform"."dicom_ae_titles" SET "ae_title" = upper(btrim("ae_title")) WHERE "ae_title" <> upper(btrim("ae_title"));--> statement-breakpoint
ALTER TABLE "platform"."dicom_ae_titles" ADD CONSTRAINT "dicom_ae_titles_normalised" CHECK ("ae_title" = upper(btrim("ae_title")) AND "ae_title" <> '');--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_idx" ON "platform"."audit_events" USING btree (coalesce("tenant_id", '00000000-0000-0000-0000-000000000000'::uuid),"seq");--> statement-breakpoint
CREATE UNIQUE INDEX "hl7_routes_msh_idx" ON "platform"."hl7_routes" USING btree ("receiving_application","receiving_facility") WHERE "platform"."hl7_routes"."receiving_application" is not null;