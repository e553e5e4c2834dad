import type { Role, UserView } from '@oca/contracts';
import type { Queryable } from './db';

/** An account as the domain sees it; the snake_case row stays in this file. */
export interface User {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  disabledAt: Date | null;
  createdAt: Date;
  /** Raised by role changes and disablement; access tokens carry it as `ver` */
  tokenVersion: number;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  token_version: number;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  disabledAt: row.disabled_at,
  createdAt: row.created_at,
  tokenVersion: row.token_version,
});

export const toUserView = (user: Pick<User, 'id' | 'email' | 'role' | 'createdAt'>): UserView => ({
  id: user.id,
  email: user.email,
  role: user.role,
  createdAt: user.createdAt.toISOString(),
});

const COLUMNS = 'id, email, password_hash, role, disabled_at, created_at, token_version';

/** SQL for auth.users. Emails arrive lower-cased by the contract schemas. */
export class UserStore {
  constructor(private readonly db: Queryable) {}

  /** The same store inside a transaction (`withTransaction`'s client). */
  in(tx: Queryable): UserStore {
    return new UserStore(tx);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM auth.users WHERE email = $1`, [email]);
    return rows[0] && toUser(rows[0]);
  }

  async findById(id: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM auth.users WHERE id = $1`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  /** Inserts a 'user'-role account; undefined when the email is taken. */
  async insert(email: string, passwordHash: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO auth.users (email, password_hash, role) VALUES ($1, $2, 'user')
       ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [email, passwordHash],
    );
    return rows[0] && toUser(rows[0]);
  }
}
