import { DeliveryService } from '../../src/delivery/service.js';

// Preloaded by crash.test.ts into a real server process (`node --import tsx --import <this> src/index.ts`):
// SIGKILLs the process at one exact point of an email send, as a power cut or the OOM killer would.
// CRASH_POINT=before-call: the send attempt is committed, Postmark has not been called.
// CRASH_POINT=before-record: Postmark's answer (accepted) is in hand, nothing of it is recorded.
const point = process.env.CRASH_POINT;

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL was sent');
}

if (point === 'before-call') {
  const claim = DeliveryService.prototype.claim;
  DeliveryService.prototype.claim = async function (this: DeliveryService, ...args: Parameters<typeof claim>) {
    const claimed = await claim.apply(this, args);
    if (claimed.size) die();
    return claimed;
  };
} else if (point === 'before-record') {
  const record = DeliveryService.prototype.record;
  DeliveryService.prototype.record = async function (this: DeliveryService, ...args: Parameters<typeof record>) {
    if (args[0].some((o) => o.outcome.kind === 'sent')) die();
    return record.apply(this, args);
  };
} else if (point) {
  throw new Error(`unknown CRASH_POINT ${point}`);
}
