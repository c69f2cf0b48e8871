// `npm run sandbox`: the provider simulators alone, on fixed ports, for curl or a provider's SDK.
import { PROVIDER_MODULES } from '../providers/registry.ts';
import type { SandboxSimulator } from '../providers/module.ts';

const started: SandboxSimulator[] = [];
for (const module of PROVIDER_MODULES) {
  const envPort = process.env[`${module.name}_SANDBOX_PORT`];
  const port = envPort ? Number(envPort) : module.sandbox.port;
  const sim = await module.sandbox.start(port);
  started.push(sim);
  console.log(
    `${module.displayName.padEnd(10)} ${sim.url}   (any test credentials, e.g. ${Object.values(module.sandbox.credentials({})).join(' / ')})`,
  );
}

const stop = async () => {
  await Promise.all(started.map((s) => s.close()));
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
