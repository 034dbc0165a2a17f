CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"study_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"judge_id" uuid,
	"assignment_id" uuid,
	"comparison_id" uuid,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_study_idx" ON "audit_events" USING btree ("study_id","id");--> statement-breakpoint
-- The audit trail (docs/audit.md): audit_events is append-only, and the judging events are written
-- by triggers in the same statement as the change they record (no round trip of their own).
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
--> statement-breakpoint
-- A time as the exports write it: ISO 8601 in UTC to the microsecond (the verdicts' read model's form).
CREATE FUNCTION audit_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
--> statement-breakpoint
-- The comparison as a judge is shown it: the item, the systems a and b, and which is left and right.
CREATE FUNCTION audit_sides(comparison uuid, shown_left text) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('item', i.external_id, 'a', sa.name, 'b', sb.name, 'shown_left', shown_left,
    'left', CASE shown_left WHEN 'a' THEN sa.name ELSE sb.name END,
    'right', CASE shown_left WHEN 'a' THEN sb.name ELSE sa.name END)
  FROM comparisons c
  JOIN items i ON i.id = c.item_id
  JOIN systems sa ON sa.id = c.system_a_id
  JOIN systems sb ON sb.id = c.system_b_id
  WHERE c.id = comparison
$$;
--> statement-breakpoint
-- A slot's lease taken (of an open slot, or re-issued after it expired), renewed, or released.
CREATE FUNCTION audit_assignment_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := CASE WHEN NEW.run_id IS NULL THEN 'judge:' || NEW.judge_id ELSE 'llm-run:' || NEW.run_id END;
  sides jsonb;
BEGIN
  IF NEW.status = 'leased' AND (OLD.status <> 'leased' OR OLD.judge_id IS DISTINCT FROM NEW.judge_id
      OR OLD.leased_at IS DISTINCT FROM NEW.leased_at) THEN
    sides := audit_sides(NEW.comparison_id, NEW.shown_left);
    IF OLD.status = 'leased' THEN
      INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
      VALUES (NEW.study_id, 'system', 'lease_expired', OLD.judge_id, NEW.id, NEW.comparison_id,
        jsonb_build_object('leased_at', audit_time(OLD.leased_at), 'expired_at', audit_time(OLD.lease_expires_at),
          'reissued_to', NEW.judge_id));
    END IF;
    INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
    VALUES (NEW.study_id, who, 'lease_taken', NEW.judge_id, NEW.id, NEW.comparison_id,
      sides || jsonb_build_object('slot', NEW.slot, 'run_id', NEW.run_id, 'reissued', OLD.status = 'leased',
        'leased_at', audit_time(NEW.leased_at), 'expires_at', audit_time(NEW.lease_expires_at)));
    IF NEW.run_id IS NULL THEN
      INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
      VALUES (NEW.study_id, who, 'shown', NEW.judge_id, NEW.id, NEW.comparison_id, sides);
    END IF;
  ELSIF NEW.status = 'leased' AND OLD.status = 'leased' AND NEW.lease_expires_at IS DISTINCT FROM OLD.lease_expires_at THEN
    -- The same lease extended: an LLM run's renewal, or a judge's page asking for its comparison
    -- again (it confirms a prefetched one as it shows it, or reloads): shown again.
    INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
    VALUES (NEW.study_id, who, 'lease_renewed', NEW.judge_id, NEW.id, NEW.comparison_id,
      jsonb_build_object('expires_at', audit_time(NEW.lease_expires_at)));
    IF NEW.run_id IS NULL THEN
      INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
      VALUES (NEW.study_id, who, 'shown', NEW.judge_id, NEW.id, NEW.comparison_id,
        audit_sides(NEW.comparison_id, NEW.shown_left));
    END IF;
  ELSIF OLD.status = 'leased' AND NEW.status = 'open' THEN
    INSERT INTO audit_events (study_id, actor, kind, judge_id, assignment_id, comparison_id, data)
    VALUES (NEW.study_id, CASE WHEN OLD.run_id IS NULL THEN 'judge:' || OLD.judge_id ELSE 'llm-run:' || OLD.run_id END,
      'lease_released', OLD.judge_id, NEW.id, NEW.comparison_id,
      jsonb_build_object('leased_at', audit_time(OLD.leased_at)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_assignments AFTER UPDATE ON assignments FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.judge_id IS DISTINCT FROM NEW.judge_id
    OR OLD.lease_expires_at IS DISTINCT FROM NEW.lease_expires_at)
  EXECUTE FUNCTION audit_assignment_change();
--> statement-breakpoint
-- A verdict with every fact a report reads (so a report can be rebuilt from the trail alone), the
-- sides as shown and the times; its note, if any, as a note event.
CREATE FUNCTION audit_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  who text;
BEGIN
  SELECT a.study_id, a.run_id, a.slot, i.modality, j.name AS judge, j.kind AS judge_kind,
      oa.trace_length AS len_a, ob.trace_length AS len_b
    INTO r
    FROM assignments a
    JOIN comparisons c ON c.id = NEW.comparison_id
    JOIN items i ON i.id = c.item_id
    JOIN judges j ON j.id = NEW.judge_id
    LEFT JOIN outputs oa ON oa.item_id = c.item_id AND oa.system_id = c.system_a_id
    LEFT JOIN outputs ob ON ob.item_id = c.item_id AND ob.system_id = c.system_b_id
    WHERE a.id = NEW.assignment_id;
  who := CASE WHEN r.run_id IS NULL THEN 'judge:' || NEW.judge_id ELSE 'llm-run:' || r.run_id END;
  INSERT INTO audit_events (study_id, at, actor, kind, judge_id, assignment_id, comparison_id, data)
  VALUES (r.study_id, NEW.created_at, who, 'verdict', NEW.judge_id, NEW.assignment_id, NEW.comparison_id,
    audit_sides(NEW.comparison_id, NEW.shown_left) || jsonb_build_object(
      'verdict_id', NEW.id, 'winner', NEW.winner, 'axes', NEW.axes, 'strength', NEW.strength,
      'note', NEW.note, 'judge', r.judge, 'judge_kind', r.judge_kind, 'modality', r.modality,
      'len_a', r.len_a, 'len_b', r.len_b, 'slot', r.slot, 'run_id', r.run_id,
      'leased_at', audit_time(NEW.leased_at), 'created_at', audit_time(NEW.created_at),
      'duration_ms', NEW.duration_ms, 'reading_ms', NEW.reading_ms, 'wall_ms', NEW.wall_ms));
  IF NEW.note IS NOT NULL AND NEW.note <> '' THEN
    INSERT INTO audit_events (study_id, at, actor, kind, judge_id, assignment_id, comparison_id, data)
    VALUES (r.study_id, NEW.created_at, who, 'note', NEW.judge_id, NEW.assignment_id, NEW.comparison_id,
      jsonb_build_object('on', 'verdict', 'verdict_id', NEW.id, 'note', NEW.note));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_verdicts AFTER INSERT ON verdicts FOR EACH ROW EXECUTE FUNCTION audit_verdict();
--> statement-breakpoint
-- A judge's skip or can't-judge (the slot's release follows as lease_released), and its note.
CREATE FUNCTION audit_skip() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  SELECT c.study_id, a.id AS assignment_id, a.shown_left INTO r
    FROM comparisons c
    LEFT JOIN assignments a ON a.comparison_id = c.id AND a.judge_id = NEW.judge_id AND a.run_id IS NULL
    WHERE c.id = NEW.comparison_id;
  INSERT INTO audit_events (study_id, at, actor, kind, judge_id, assignment_id, comparison_id, data)
  VALUES (r.study_id, NEW.created_at, 'judge:' || NEW.judge_id, NEW.reason, NEW.judge_id, r.assignment_id,
    NEW.comparison_id, coalesce(audit_sides(NEW.comparison_id, r.shown_left), '{}'::jsonb)
      || jsonb_build_object('note', NEW.note, 'created_at', audit_time(NEW.created_at)));
  IF NEW.note IS NOT NULL AND NEW.note <> '' THEN
    INSERT INTO audit_events (study_id, at, actor, kind, judge_id, assignment_id, comparison_id, data)
    VALUES (r.study_id, NEW.created_at, 'judge:' || NEW.judge_id, 'note', NEW.judge_id, r.assignment_id,
      NEW.comparison_id, jsonb_build_object('on', NEW.reason, 'note', NEW.note));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_skips AFTER INSERT ON skips FOR EACH ROW EXECUTE FUNCTION audit_skip();
--> statement-breakpoint
-- Judges added, revoked and re-invited. Only the admin revokes or re-invites (the admin API); a
-- judge is added by the admin, the CLI or an LLM run, named by the setting tracearena.actor when
-- the connection set it.
CREATE FUNCTION audit_judge_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := coalesce(nullif(current_setting('tracearena.actor', true), ''), 'admin');
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_events (study_id, actor, kind, judge_id, data)
    VALUES (NEW.study_id, who, 'judge_added', NEW.id,
      jsonb_build_object('name', NEW.name, 'kind', NEW.kind, 'quota', NEW.quota));
  ELSIF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
    INSERT INTO audit_events (study_id, actor, kind, judge_id, data)
    VALUES (NEW.study_id, who, 'judge_revoked', NEW.id, jsonb_build_object('name', NEW.name));
  ELSIF OLD.token_hash IS DISTINCT FROM NEW.token_hash THEN
    INSERT INTO audit_events (study_id, actor, kind, judge_id, data)
    VALUES (NEW.study_id, who, 'invite_reissued', NEW.id, jsonb_build_object('name', NEW.name));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_judges AFTER INSERT OR UPDATE ON judges FOR EACH ROW EXECUTE FUNCTION audit_judge_change();
