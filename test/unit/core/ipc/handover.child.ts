/** Child of handover.test.ts: serves `ping` with "child" from the IPC folder given, once it holds the lease. */
import { ipcPaths } from '../../../../src/core/ipc/paths';
import { IpcServer } from '../../../../src/core/ipc/server';
import { ServingLease } from '../../../../src/core/ipc/lease';

const paths = ipcPaths(process.argv[2]);
const server = new IpcServer({ paths, handler: async () => 'child' });
const lease = new ServingLease({ paths, onAcquire: () => server.listen(), onRelease: () => server.close(), whileServing: () => server.check() });
void lease.start().then(() => process.stdout.write(lease.isServing ? 'serving\n' : 'standby\n'));
setInterval(() => undefined, 1 << 30); // stay alive until killed
