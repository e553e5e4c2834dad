import type { Role, UserView } from '@oca/contracts';
import type { Queryable } from './db';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  /** Raised by role changes and disablement; access tokens carry it as `ver` */
  token_version: number;
}

export const toUserView = (row: Pick<UserRow, 'id' | 'email' | 'role' | 'created_at'>): UserView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: row.created_at.toISOString(),
});

const COLUMNS = 'id, email, password_hash, role, disabled_at, created_at, token_version';

/** SQL for auth.users. Emails arrive lower-cased by the contract schemas. */
export const userStore = {
  async findByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM auth.users WHERE email = $1`, [email]);
    return rows[0];
  },

  async findById(db: Queryable, id: string): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM auth.users WHERE id = $1`, [id]);
    return rows[0];
  },

  /** Inserts a 'user'-role account; undefined when the email is taken. */
  async insert(db: Queryable, email: string, passwordHash: string): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO auth.users (email, password_hash, role) VALUES ($1, $2, 'user')
       ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [email, passwordHash],
    );
    return rows[0];
  },
};
