import Fastify from 'fastify';

/** The reference for perf:app: the same framework and runtime answering a constant, in its own process. */
const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ event: 'listening', port: Number(new URL(address).port), pid: process.pid }) + '\n');
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
