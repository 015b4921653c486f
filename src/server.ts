import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { seedDemoData } from './db/demo.js';
import { createFirstToken, writeFirstToken } from './modules/tokens/first-token.js';

// Listens and shuts down gracefully; building the app is app.ts's job.
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  const app = await buildApp({ config });
  if (config.demoData && (await seedDemoData(app.db))) app.log.info('created demo content');

  // The first admin token goes to a file only its owner can read (see first-token.ts), never
  // to stdout or stderr, where the JSON logs go.
  let firstTokenAt: string | undefined;
  const firstToken = await createFirstToken(app.db);
  if (firstToken) firstTokenAt = writeFirstToken(config.databaseFile, firstToken);

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    // close() stops accepting and waits for requests in flight. Keep-alive connections that
    // finish a request during the drain become idle afterwards; close those as they appear,
    // or the drain waits for the clients to hang up.
    const idle = setInterval(() => app.server.closeIdleConnections(), 50).unref();
    await app.close();
    clearInterval(idle);
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const docs = `${config.publicBaseUrl}/docs`;
  process.stdout.write(
    firstTokenAt
      ? `\nDateline is running. Swagger UI: ${docs}\nThe first admin API token is in ${firstTokenAt} (mode 0600): store it, then delete the file.\n\n`
      : `\nDateline is running. Swagger UI: ${docs}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
