ALTER TABLE "studies" ADD COLUMN "target_half_width" double precision;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "auto_stop" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "adaptive" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ADD CONSTRAINT "studies_target_half_width" CHECK ("studies"."target_half_width" is null or ("studies"."target_half_width" > 0 and "studies"."target_half_width" < 0.5));