/**
 * Operator command: give an existing account a role (how the first admin is made; registration
 * always creates role `user`). Audited as a role change with no actor.
 *
 *   pnpm set-role <email> <user|premium|admin>
 *
 * Reads DATABASE_URL (or DATABASE_URL_FILE) and DATABASE_SSL(_CA) like the auth service.
 */
import { Role } from '@oca/contracts';
import { createPool, type DatabaseSslOptions } from '@oca/db';
import { z } from 'zod';
import { loadEnv } from '../env';
import { AdminService } from '../services/admin-service';
import { UserStore } from '../services/user-store';

const Args = z.tuple([z.email().transform((e) => e.toLowerCase()), Role]);

export async function setRole(databaseUrl: string, email: string, role: Role, ssl?: DatabaseSslOptions): Promise<{ userId: string; changed: boolean }> {
  const pool = createPool({ connectionString: databaseUrl, max: 1, applicationName: 'oca-auth-cli', ssl });
  try {
    const user = await new UserStore(pool).findByEmail(email);
    if (!user) throw new Error(`no account with email ${email}: register it first`);
    const after = await new AdminService(pool).updateUser({ actorUserId: null, userId: user.id, role, reason: 'set-role command' });
    return { userId: user.id, changed: after.role !== user.role };
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const parsed = Args.safeParse(process.argv.slice(2));
  if (!parsed.success) {
    console.error('usage: pnpm set-role <email> <user|premium|admin>');
    process.exit(2);
  }
  const [email, role] = parsed.data;
  const env = loadEnv();
  setRole(env.DATABASE_URL, email, role, { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA }).then(
    ({ userId, changed }) => console.log(changed ? `${email} (${userId}) is now ${role}` : `${email} (${userId}) already was ${role}`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
