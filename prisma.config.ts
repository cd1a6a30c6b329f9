// Prisma CLI configuration (Prisma 7 reads the connection URL from here, not from schema.prisma).
// `prisma generate` needs no database, so DATABASE_URL is optional; it is only used by
// `prisma migrate deploy` / `migrate status` on machines where Prisma's schema engine can be
// downloaded. The bot itself applies prisma/migrations through src/store/migrate.ts.
import { config } from 'dotenv';
import { defineConfig } from 'prisma/config';

config({ quiet: true });

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(url !== undefined && /^postgres(ql)?:\/\//.test(url) ? { datasource: { url } } : {}),
});
