// `npm start`: config → state → providers (→ sandbox simulators) → server.
import { startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, log);
  const lines = [`Payout Gateway (${config.GATEWAY_MODE}) listening on ${app.url}/graphql`];
  if (config.GATEWAY_MODE === 'sandbox') {
    lines.push(`GraphiQL: open ${app.url}/graphql in a browser`);
    for (const [name, sim] of app.simulators) {
      const credentials = Object.values(app.sandboxCredentials.get(name) ?? {}).join(', ');
      lines.push(`  ${name} sandbox simulator: ${sim.url}  (the gateway's account: ${credentials})`);
    }
  }
  if (app.developmentKey) {
    lines.push(`Development API key (every scope; preset in GraphiQL): ${app.developmentKey}`);
    lines.push(
      `  curl -H 'Authorization: Bearer ${app.developmentKey}' -H 'content-type: application/json' \\`,
    );
    lines.push(`       -d '{"query":"{ providers { provider enabled } }"}' ${app.url}/graphql`);
  }
  console.log(lines.join('\n'));
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
