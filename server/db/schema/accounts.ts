import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { studies } from './studies.ts';

/**
 * Named people who use the admin side (issue 17), each with a random token stored hashed. A
 * server-admin sees and changes every study and manages accounts; anyone else sees only the
 * studies they hold a role on (study_roles). The first-start admin token is the account 'admin'.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    serverAdmin: boolean('server_admin').notNull().default(false),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    /** Refreshed at most once a minute by the requests the account makes. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    check('accounts_name_nonempty', sql`length(${t.name}) > 0`),
    check('accounts_name_chars', sql`${t.name} ~ '^[A-Za-z0-9._@-]+$'`),
  ],
);

/** A person's role on one study: owner (everything for the study) or viewer (read only). */
export const studyRoles = pgTable(
  'study_roles',
  {
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role').$type<'owner' | 'viewer'>().notNull(),
    grantedBy: text('granted_by').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.studyId, t.accountId] }),
    index('study_roles_account_idx').on(t.accountId),
    check('study_roles_role', sql`${t.role} in ('owner','viewer')`),
  ],
);
